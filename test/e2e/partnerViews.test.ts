/**
 * Regression tests for what partners saw in real clients (issue 14), asserted on what a person
 * sees in real Chromium (rendered text, layout, element sizes), not on activity JSON:
 * 1. accepting a partnership on the accept page ticks the reseller's checklist items;
 * 2. the steps keep their numbers (1-8) in "Show all steps" and in the plan;
 * 3. "Mark done" confirms in one line and changes the list card in place (no second card);
 * 4. the invitation email text box shows the whole email;
 * 5. the signed-in accept page names the organization (not a tenant ID); the public page links to the assistant.
 * Also: a refused details form keeps the country's name; a domain in a refusal is not a link;
 * the not-started progress segments have at least 3:1 contrast with the card.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH): without it the suite FAILS.
 */
import { expect } from 'chai';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import {
  REPLY_MS,
  WEBCHAT_TENANT,
  activities,
  button,
  cardWith,
  openStage,
  openWebChat,
  partnershipRequest,
  seedChecklistToDetails,
  seedChecklistToNext,
  seedProviderSide,
  seedReseller,
  send,
  visibleText,
  webChatContext,
  type Stage,
} from '../support/partnerScenes.js';

/** WCAG relative luminance of an `rgb(r, g, b)` / `rgba(...)` CSS colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => Number(v) / 255);
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The what's-next card: the last card offering "Mark done" or "Reopen". */
function whatsNext(page: Page): Locator {
  return page
    .locator('.ac-adaptiveCard')
    .filter({ has: page.getByRole('button', { name: /^(Mark done|Reopen)$/ }) })
    .last();
}

describe('what partners see, in real Chromium (issue 14 regressions)', function () {
  this.timeout(90_000);

  describe('reseller: accept on the page, then the checklist', function () {
    let stage: Stage;
    let context: BrowserContext;
    let page: Page;

    before(async function () {
      stage = await openStage();
      await seedChecklistToNext(stage.app);
      await seedReseller(stage.app, 'Contoso Cloud GmbH');
      context = await webChatContext(stage.browser, undefined, { width: 1000, height: 3400 });
      page = await context.newPage();
    });
    after(async () => {
      await context?.close().catch(() => undefined);
      await stage?.close();
    });

    it('the signed-in accept page names the organization, not a tenant ID; authorizing there is recorded', async function () {
      const { acceptUrl } = await partnershipRequest(stage.app);
      const accept = await context.newPage();
      await accept.goto(acceptUrl);
      const body = await accept.locator('main').innerText();
      expect(body).to.match(/signed in through the assistant for Contoso Cloud GmbH/);
      expect(body, 'no raw tenant ID on the page').to.not.include(WEBCHAT_TENANT);
      await accept.getByLabel(/I understand that Fabrikam Distribution/).check();
      await accept.getByRole('button', { name: 'Authorize indirect provider' }).click();
      await accept.getByRole('heading', { name: /Fabrikam Distribution is now your indirect provider/ }).waitFor({ timeout: REPLY_MS });
      await accept.close();
    });

    it('the checklist shows "Find an indirect provider" and "Accept your provider’s partnership invitation" done after the page', async function () {
      await openWebChat(page, stage.app, 'en-US');
      await send(page, 'continue');
      const list = whatsNext(page);
      await list.waitFor({ timeout: REPLY_MS });
      const text = await list.innerText();
      expect(text.match(/Done by /g) ?? [], 'two items done, credited').to.have.length(2);
      expect(await list.getByRole('button', { name: 'Reopen' }).count()).to.equal(2);
      // the done items are those two: each is followed by its "Done by" line before the next item
      expect(text).to.match(/Find an indirect provider[^]*?Done by[^]*?Accept your provider.s partnership invitation[^]*?Done by[^]*?Take on new customers/);
    });

    it('"Show all steps" and the plan number the steps 1 to 8 (not "1." eight times)', async function () {
      const list = whatsNext(page);
      await button(list, /Show all steps/).click();
      const steps = await list.innerText();
      const numbers = [...steps.matchAll(/^\s*(\d)\.\s/gm)].map((m) => Number(m[1]));
      expect(numbers, steps).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
      await send(page, 'plan');
      const plan = cardWith(page, /The whole plan/);
      await plan.waitFor({ timeout: REPLY_MS });
      const planNumbers = [...(await plan.innerText()).matchAll(/^\s*(\d)\.\s*$/gm)].map((m) => Number(m[1]));
      expect(planNumbers).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('"Mark done" answers in one line and changes the list card in place, not a second card', async function () {
      await send(page, 'continue');
      const list = whatsNext(page);
      await list.waitFor({ timeout: REPLY_MS });
      await page.waitForTimeout(500);
      const cardsBefore = await page.locator('.ac-adaptiveCard').count();
      const activitiesBefore = await activities(page).count();
      await button(list, /^Mark done$/).click();
      await visibleText(page, /Marked done: Keep serving your direct bill customers\. 3 of 7 items done\./).waitFor({ timeout: REPLY_MS });
      await page.waitForFunction((n) => document.querySelectorAll('.ac-adaptiveCard').length === n, cardsBefore, { timeout: REPLY_MS });
      await page.waitForFunction(
        () => {
          const cards = Array.from(document.querySelectorAll('.ac-adaptiveCard'));
          const last = cards.filter((c) => /Mark done|Reopen/.test(c.textContent ?? '')).pop();
          return ((last?.textContent ?? '').match(/Done by /g) ?? []).length === 3;
        },
        undefined,
        { timeout: REPLY_MS },
      );
      expect(await page.locator('.ac-adaptiveCard').count(), 'no card was added').to.equal(cardsBefore);
      // a card click shows no bubble of its own: the bot's one line is all that was added
      expect(await activities(page).count()).to.equal(activitiesBefore + 1);
    });
  });

  describe('details form, invitation draft and the public page', function () {
    let stage: Stage;
    let context: BrowserContext;
    let page: Page;

    before(async function () {
      stage = await openStage();
      context = await webChatContext(stage.browser, undefined, { width: 1000, height: 2400 });
      page = await context.newPage();
    });
    after(async () => {
      await context?.close().catch(() => undefined);
      await stage?.close();
    });

    it('a refused details form keeps the country name, shows the webmail domain as text (no link), and the to-do segments are visible', async function () {
      await seedChecklistToDetails(stage.app);
      await openWebChat(page, stage.app, 'en-US');
      await send(page, 'continue');
      const form = cardWith(page, /Partner Center shows these/);
      await form.waitFor({ timeout: REPLY_MS });
      await form.getByLabel('Legal business name').fill('Contoso Cloud GmbH');
      await form.getByLabel(/^PartnerID/).fill('1234567');
      await form.locator('input.ac-choiceSetInput-filtered').fill('Germany');
      await form.getByLabel(/Primary contact email/).fill('ops@outlook.com');
      await button(form, /Check my details/).click();
      const refused = cardWith(page, /Please fix the following/);
      await refused.waitFor({ timeout: REPLY_MS });
      expect(await refused.locator('input.ac-choiceSetInput-filtered').inputValue()).to.equal('Germany');
      expect(await refused.innerText()).to.match(/outlook\.com is a webmail service/);
      expect(await refused.locator('a', { hasText: /outlook/ }).count(), 'outlook.com is not a link').to.equal(0);

      // progress bar: segments 5-8 are "to do"; each must stand out from the card (>= 3:1)
      const colours = await refused.evaluate((card) => {
        const bar = Array.from(card.querySelectorAll('.ac-columnSet')).find((set) => set.children.length >= 8 && (set.textContent ?? '').trim() === '');
        const cardBg = getComputedStyle(card).backgroundColor;
        const segs = bar ? Array.from(bar.querySelectorAll(':scope > .ac-container, :scope > div')).filter((el) => el.getBoundingClientRect().width > 10) : [];
        // a segment's colour: its background image (a 1x1 PNG swatch) drawn on a canvas, else its background colour
        return { cardBg, segs: segs.map((s) => ({ image: getComputedStyle(s).backgroundImage, color: getComputedStyle(s).backgroundColor })) };
      });
      expect(colours.segs.length, 'eight segments').to.equal(8);
      const upcoming = colours.segs.slice(4);
      for (const s of upcoming) expect(s.image, 'a solid swatch fill').to.match(/^url\("data:image\/png;base64,/);
      // the swatch's colour (decoded in the page) against the card's background
      const swatchRgb = await page.evaluate(
        async (url) => {
          const img = new Image();
          img.src = url;
          await img.decode();
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = 1;
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(img, 0, 0);
          const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
          return `rgb(${r}, ${g}, ${b})`;
        },
        upcoming[0]!.image.replace(/^url\("|"\)$/g, ''),
      );
      const bg = /rgba\(0, 0, 0, 0\)|transparent/.test(colours.cardBg) ? 'rgb(255, 255, 255)' : colours.cardBg;
      expect(contrast(swatchRgb, bg), `${swatchRgb} on ${bg}`).to.be.at.least(3);
    });

    it('the invitation email text box is tall enough to read the whole email', async function () {
      await seedProviderSide(stage.app);
      await send(page, 'invitations');
      await button(page, /^Request a partnership$/).click();
      const compose = cardWith(page, /Who should receive the request/);
      await compose.waitFor({ timeout: REPLY_MS });
      await compose.getByLabel(/Reseller contact.s work email/).fill('ines@woodgrove.example');
      await compose.getByLabel(/contact.s name/i).fill('Ines');
      await button(compose, /Write the email/).click();
      const box = cardWith(page, /Email text/).locator('textarea');
      await box.waitFor({ timeout: REPLY_MS });
      await page.waitForTimeout(300);
      const size = await box.evaluate((el: HTMLTextAreaElement) => ({
        lines: el.value.split('\n').length,
        clientHeight: el.clientHeight,
        scrollHeight: el.scrollHeight,
        lineHeight: parseFloat(getComputedStyle(el).lineHeight),
      }));
      expect(size.lines, 'a real email').to.be.at.least(10);
      expect(size.scrollHeight - size.clientHeight, 'the whole email is visible without scrolling inside the box').to.be.at.most(2);
      expect(size.clientHeight / size.lineHeight, 'rows shown').to.be.at.least(10);
    });

    it('the public accept page links to the assistant, and the link opens the chat', async function () {
      const { publicUrl } = await partnershipRequest(stage.app, 'it@tailspin.example');
      const pub = await context.newPage();
      await pub.goto(publicUrl);
      const open = pub.getByRole('link', { name: 'Open the assistant' });
      expect(await open.getAttribute('href')).to.equal(`${stage.app.url}/?lang=en-US`);
      await pub.goto((await open.getAttribute('href'))!);
      expect(await pub.title()).to.equal('CSP partner assistant');
      await pub.close();
    });
  });
});
