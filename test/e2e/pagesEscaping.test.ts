/**
 * Untrusted names and emails render inert in real Chromium, on the real app (real service, lowdb
 * in a temp dir, real CSP and CSRF), in every language. Per language, the organization names,
 * the invitation's company and contact name and the email typed into the accept form each carry
 * one of the payloads (rotated, so over the four languages every field carries every payload).
 * On each page the browser's own parser must find no injected element or attribute, no script
 * but the page's own, no dialog may open, and the tainted text must show literally. The HTML-level
 * matrix over every page is test/http/pagesEscaping.test.ts.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH): without it the suite FAILS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { applyCommand, type Actor } from '../../src/domain/transition.js';
import { SUPPORTED_LOCALES, translator } from '../../src/i18n/index.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { XSS_PAYLOADS } from '../support/htmlInert.js';
import { launchChromium, watchPage, type PageRecord } from '../support/browser.js';

/** What the page's DOM says about injection (evaluated in the page). */
interface DomReport {
  foreignElements: string[];
  handlerAttributes: string[];
  scripts: string[];
  text: string;
  values: string[];
}

async function domReport(page: Page): Promise<DomReport> {
  return page.evaluate(() => {
    const all = Array.from(document.querySelectorAll('*'));
    return {
      // Web Chat's own rendering (icons are <svg>) is inside #webchat; nothing of it comes from the server
      foreignElements: all
        .filter((el) => /^(img|iframe|object|embed|svg|math|frame|video|audio|base)$/i.test(el.tagName) && !el.closest('#webchat'))
        .map((el) => el.outerHTML),
      handlerAttributes: all.flatMap((el) =>
        Array.from(el.attributes)
          .filter((a) => /^on/i.test(a.name))
          .map((a) => `${el.tagName} ${a.name}`),
      ),
      scripts: Array.from(document.scripts).map((s) => (s.src ? new URL(s.src).pathname : `inline: ${s.textContent}`)),
      text: document.body.innerText,
      values: Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')).map((el) => el.value),
    };
  });
}

describe('names and emails carrying markup stay text in real Chromium, in every language', function () {
  this.timeout(60_000);
  let dataDir: string | undefined;
  let app: RunningApp;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let seen: PageRecord;
  const dialogs: string[] = [];

  before(async function () {
    browser = await launchChromium();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pages-escaping-e2e-'));
    app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    seen = watchPage(page);
  });

  after(async function () {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function expectInertPage(label: string, shown: string[], scriptPrefixes = ['/assets/']): Promise<void> {
    const report = await domReport(page);
    expect(report.foreignElements, `${label}: injected elements`).to.deep.equal([]);
    expect(report.handlerAttributes, `${label}: event handler attributes`).to.deep.equal([]);
    for (const script of report.scripts)
      expect(
        scriptPrefixes.some((p) => script.startsWith(p)),
        `${label}: script ${script}`,
      ).to.equal(true);
    for (const s of shown) expect(report.text.includes(s) || report.values.some((v) => v.includes(s)), `${label}: "${s}" shown literally`).to.equal(true);
    expect(dialogs, `${label}: dialogs opened`).to.deep.equal([]);
    expect(seen.pageErrors, `${label}: page errors`).to.deep.equal([]);
  }

  SUPPORTED_LOCALES.forEach((locale, i) => {
    const [company, contact, email] = [0, 1, 2].map((k) => XSS_PAYLOADS[(i + k) % XSS_PAYLOADS.length]!);
    const names = { provider: `Fabrikam ${company}`, reseller: `Contoso ${contact}`, company: `Wingtip ${company}`, contact: `Ada ${contact}` };

    it(`${locale}: accept pages (public, signed in, 422 with a typed email), copy page, used link, Web Chat page`, async function () {
      const t = translator(locale);
      await page.setExtraHTTPHeaders({ 'accept-language': `${locale},en;q=0.5` });
      const provider = `esc-provider-${locale}`;
      const reseller = `esc-reseller-${locale}`;
      const provAdmin: Actor = { id: `esc-prov-${locale}`, name: `Pat ${email}` };
      const resAdmin: Actor = { id: `esc-res-${locale}`, name: `Rita ${email}` };
      for (const [tenant, actor] of [
        [provider, provAdmin],
        [reseller, resAdmin],
      ] as const) {
        await app.transitions.update(tenant, (r) => applyCommand(r, { type: 'setRole', role: 'globalAdmin' }, actor, new Date()));
      }
      expect((await app.invitations.setOrganization(provider, provAdmin, { name: names.provider, side: 'provider' })).ok).to.equal(true);
      expect((await app.invitations.setOrganization(reseller, resAdmin, { name: names.reseller, side: 'reseller' })).ok).to.equal(true);

      // partnership: public page, then signed in
      const partnership = await app.invitations.create(provider, provAdmin, {
        kind: 'partnership',
        purpose: 'new',
        to: { email: `admin@${locale}.example`, name: names.contact, company: names.company },
      });
      if (!partnership.ok) throw new Error(JSON.stringify(partnership.error));
      expect((await page.goto(partnership.link))?.status()).to.equal(200);
      await expectInertPage(`${locale} partnership public`, [names.provider, names.contact, names.company]);
      const opened = await app.invitations.open(new URL(partnership.link).pathname.split('/').pop()!);
      if (!opened.ok) throw new Error('open failed');
      expect((await page.goto(app.invitations.acceptPageUrl(opened, { tenantId: reseller, actor: resAdmin })))?.status()).to.equal(200);
      await expectInertPage(`${locale} partnership signed in`, [names.provider, names.reseller]);

      // customer: public page, then the form sent with the payloads typed in (422 keeps them)
      const customer = await app.invitations.create(reseller, resAdmin, {
        kind: 'reseller',
        purpose: 'new',
        to: { email: `it@${locale}.example`, name: names.contact, company: names.company, domain: `${locale}.example` },
      });
      if (!customer.ok) throw new Error(JSON.stringify(customer.error));
      expect((await page.goto(customer.link))?.status()).to.equal(200);
      await expectInertPage(`${locale} customer public`, [names.reseller, names.contact, names.company]);
      await page.locator('#f-name').fill(contact);
      await page.locator('#f-email').fill(email);
      await page.locator('#f-company').fill(company);
      await page.locator('button[value="accept"]').click();
      await page.getByText(t('pages.form.errorSummary')).waitFor({ timeout: 5_000 });
      await expectInertPage(`${locale} customer 422`, [contact, email, company]);
      expect(await page.locator('#f-email').inputValue()).to.equal(email);

      // the sender's copy page, and the link once used
      expect((await page.goto(app.invitations.draftPageUrl(customer.invitation)))?.status()).to.equal(200);
      await expectInertPage(`${locale} copy page`, [names.reseller, names.contact]);
      const token = new URL(customer.link).pathname.split('/').pop()!;
      const accepted = await app.invitations.acceptCustomer(token, {
        company: names.company,
        domain: `${locale}.example`,
        name: names.contact,
        email: `ada@${locale}.example`,
        globalAdmin: 'on',
        consent: 'on',
      });
      expect(accepted.ok).to.equal(true);
      expect((await page.goto(customer.link))?.status()).to.equal(410);
      await expectInertPage(`${locale} used link (410)`, [names.contact, names.company]);

      // the Web Chat page with the payloads in every query parameter
      const query = new URLSearchParams({ lang: locale, brand: company, initials: contact, avatar: `https://x.example/${email}` });
      expect((await page.goto(`${app.url}/?${query}`))?.status()).to.equal(200);
      expect(await page.locator('html').getAttribute('lang')).to.equal(locale);
      await expectInertPage(`${locale} Web Chat`, [], ['/assets/', '/webchat/']);
    });
  });
});
