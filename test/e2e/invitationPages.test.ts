/**
 * End to end: the invitation pages of the real app (real service, real lowdb store in a temp dir)
 * in a real headless Chromium. A provider's partnership invitation is authorized on the page, then
 * the reseller's customer invitation (with that provider) is accepted on the page; the lists on
 * both sides are checked through the service. A phone-sized page must not scroll sideways.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH): without it the suite FAILS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../../src/index.js';
import { loadConfig } from '../../src/config.js';
import { applyCommand, type Actor } from '../../src/domain/transition.js';
import { launchChromium, watchPage, type PageRecord } from '../support/browser.js';

const PROVIDER = 'e2e-provider-tenant';
const RESELLER = 'e2e-reseller-tenant';
const provAdmin: Actor = { id: 'e2e-prov-admin', name: 'Pat Provider' };
const resAdmin: Actor = { id: 'e2e-res-admin', name: 'Rita Reseller' };
const PHONE = { width: 390, height: 844 };
const STEP_MS = 5_000;

describe('invitation pages in real Chromium', function () {
  this.timeout(30_000);

  let dataDir: string | undefined;
  let app: RunningApp;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let seen: PageRecord;

  async function invite(tenant: string, actor: Actor, kind: 'partnership' | 'reseller' | 'resellerAndProvider', to: Record<string, string>) {
    const created = await app.invitations.create(tenant, actor, { kind, purpose: 'new', to });
    if (!created.ok) throw new Error(`create failed: ${JSON.stringify(created.error)}`);
    return created;
  }

  function expectCleanPage(): void {
    // the 422 re-render of the form is expected; Chromium reports every 4xx document as a console error
    const errors = seen.consoleErrors.filter((m) => !/status of 422 \(Unprocessable Entity\)/.test(m));
    expect(errors, 'console errors (CSP violations show up here)').to.deep.equal([]);
    expect(seen.pageErrors, 'uncaught page errors').to.deep.equal([]);
    expect(seen.failedRequests, 'failed requests').to.deep.equal([]);
    expect(seen.externalRequests, 'requests that left 127.0.0.1').to.deep.equal([]);
  }

  before(async function () {
    // Browser first: a missing Chromium fails the suite here with an install hint.
    browser = await launchChromium();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'invitation-pages-e2e-'));
    app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    for (const [tenant, actor] of [
      [PROVIDER, provAdmin],
      [RESELLER, resAdmin],
    ] as const) {
      await app.transitions.update(tenant, (r) => applyCommand(r, { type: 'setRole', role: 'globalAdmin' }, actor, new Date()));
    }
    await app.invitations.setOrganization(PROVIDER, provAdmin, { name: 'Fabrikam Distribution', partnerId: '1234567', side: 'provider' });
    await app.invitations.setOrganization(RESELLER, resAdmin, { name: 'Contoso Cloud', side: 'reseller' });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    seen = watchPage(page);
  });

  after(async function () {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('partnership: the signed-in global admin ticks the box and authorizes; both sides list each other', async function () {
    const created = await invite(PROVIDER, provAdmin, 'partnership', { email: 'admin@contoso.example', company: 'Contoso' });
    const opened = await app.invitations.open(new URL(created.link).pathname.split('/').pop()!);
    if (!opened.ok) throw new Error('open failed');
    const url = app.invitations.acceptPageUrl(opened, { tenantId: RESELLER, actor: resAdmin });

    const response = await page.goto(url);
    expect(response?.status()).to.equal(200);
    expect(await page.locator('h1').innerText()).to.equal('Fabrikam Distribution wants to be your indirect provider');
    await page.getByLabel(/I understand that Fabrikam Distribution will be able to order/).check();
    await page.getByRole('button', { name: 'Authorize indirect provider' }).click();
    await page.getByRole('heading', { name: 'Fabrikam Distribution is now your indirect provider' }).waitFor({ timeout: STEP_MS });
    expectCleanPage();

    const reseller = await app.invitations.relationships.get(RESELLER);
    const provider = await app.invitations.relationships.get(PROVIDER);
    expect(reseller.indirectProviders.map((p) => p.tenantId)).to.deep.equal([PROVIDER]);
    expect(provider.indirectResellers.map((p) => p.tenantId)).to.deep.equal([RESELLER]);
    expect(provider.indirectResellers[0]?.name).to.equal('Contoso Cloud');
  });

  it("customer, reseller and provider: the customer's admin fills the form and accepts; both partners list the customer", async function () {
    const created = await invite(RESELLER, resAdmin, 'resellerAndProvider', { email: 'it@wingtip.example', company: 'Wingtip', domain: 'wingtip.example' });
    const response = await page.goto(created.link);
    expect(response?.status()).to.equal(200);
    expect(await page.locator('h1').innerText()).to.equal('Contoso Cloud and Fabrikam Distribution invite you to a reseller relationship');
    expect(await page.getByLabel('Organization name').inputValue()).to.equal('Wingtip');
    expect(await page.getByLabel('Your work email').inputValue()).to.equal('it@wingtip.example');

    await page.getByLabel('Organization name').fill('Wingtip Toys');
    await page.getByLabel('Your name').fill('Ada Wing');
    // submitting without the ticks re-renders the form with the messages and the typed values
    await page.getByRole('button', { name: 'Accept and authorize' }).click();
    await page.getByText('Please check these fields').waitFor({ timeout: STEP_MS });
    expect(await page.getByLabel('Your name').inputValue()).to.equal('Ada Wing');
    expect(await page.getByLabel('Organization name').inputValue()).to.equal('Wingtip Toys');

    await page.getByLabel("I'm a global admin of this organization.").check();
    await page.getByLabel(/I authorize Contoso Cloud and Fabrikam Distribution/).check();
    await page.getByRole('button', { name: 'Accept and authorize' }).click();
    await page.getByRole('heading', { name: "You've authorized Contoso Cloud and Fabrikam Distribution" }).waitFor({ timeout: STEP_MS });
    expectCleanPage();

    const atReseller = (await app.invitations.relationships.get(RESELLER)).customers.find((c) => c.domain === 'wingtip.example');
    const atProvider = (await app.invitations.relationships.get(PROVIDER)).customers.find((c) => c.domain === 'wingtip.example');
    expect(atReseller).to.include({ name: 'Wingtip Toys', relationship: 'resellerAndProvider' });
    expect(atReseller?.provider?.tenantId).to.equal(PROVIDER);
    expect(atProvider).to.include({ name: 'Wingtip Toys', relationship: 'resellerAndProvider' });
    expect(atProvider?.reseller?.tenantId).to.equal(RESELLER);
  });

  it('copy page: "Copy to clipboard" copies the email text and says so', async function () {
    const created = await invite(RESELLER, resAdmin, 'reseller', { email: 'it@draft.example', company: 'Draft Co', domain: 'draft.example' });
    await context!.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await page.goto(app.invitations.draftPageUrl(created.invitation));
    await page.getByRole('button', { name: 'Copy to clipboard' }).click();
    await page.getByText(/^Copied\./).waitFor({ timeout: STEP_MS });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).to.include(created.link);
    expect(await page.getByRole('link', { name: 'Open in email' }).getAttribute('href')).to.match(/^mailto:it@draft\.example\?subject=/);
    expectCleanPage();
  });

  it('phone-sized (390x844): the review pages do not scroll sideways and the buttons are large enough to tap', async function () {
    const phone = await browser!.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      const phonePage = await phone.newPage();
      const phoneSeen = watchPage(phonePage);
      const customer = await invite(RESELLER, resAdmin, 'resellerAndProvider', {
        email: 'someone.with.a.rather.long.address@subsidiary.northwindtraders-international.example',
        company: 'Northwind Traders International Holdings and Subsidiaries',
        domain: 'northwindtradersinternationalholdings.onmicrosoft.com',
      });
      const partnership = await invite(PROVIDER, provAdmin, 'partnership', { email: 'admin@phone.example' });
      for (const url of [customer.link, partnership.link, app.invitations.draftPageUrl(customer.invitation)]) {
        expect((await phonePage.goto(url))?.status()).to.equal(200);
        const layout = await phonePage.evaluate(() => ({
          innerWidth: window.innerWidth,
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          smallButtons: Array.from(document.querySelectorAll('button:not([hidden]), a.button'))
            .map((b) => b.getBoundingClientRect())
            .filter((r) => r.height < 44 || r.right > window.innerWidth).length,
        }));
        expect(layout.innerWidth, 'viewport width').to.equal(PHONE.width);
        expect(layout.scrollWidth, 'no horizontal scroll').to.be.at.most(layout.clientWidth);
        expect(layout.smallButtons, 'buttons at least 44 px high, inside the viewport').to.equal(0);
      }
      expect(phoneSeen.consoleErrors).to.deep.equal([]);
      if (process.env.E2E_SCREENSHOTS) {
        await phonePage.goto(customer.link);
        await phonePage.screenshot({ path: '/tmp/invitation-customer-phone.png', fullPage: true });
      }
    } finally {
      await phone.close();
    }
  });
});
