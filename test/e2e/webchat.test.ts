/**
 * End to end: the real app (real bot, real lowdb store in a temp dir, development Direct Line)
 * driven through its Web Chat page in a real headless Chromium. Tests run in order on one page,
 * like one partner's conversation; the last test opens a second, phone-sized page.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH): without it the suite FAILS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../../src/index.js';
import { loadConfig } from '../../src/config.js';
import { launchChromium, watchPage, type PageRecord } from '../support/browser.js';

/** First render parses the ~4 MB Web Chat bundle: slow on a small CI machine. */
const FIRST_RENDER_MS = 15_000;
/** A bot reply after a click or a message (Direct Line polls every ~300 ms). */
const REPLY_MS = 10_000;
const SCREENSHOT_PATH = '/tmp/webchat-e2e.png';
const PHONE = { width: 390, height: 844 };

/** Visible element whose text matches `text` (Web Chat also keeps hidden copies for screen readers). */
function visibleText(page: Page, text: RegExp): Locator {
  return page.getByText(text).filter({ visible: true }).first();
}

function button(page: Page, name: RegExp): Locator {
  return page.getByRole('button', { name }).filter({ visible: true }).first();
}

/** Every activity in the transcript (user bubbles and bot replies). */
function activities(page: Page): Locator {
  return page.locator('article.webchat__basic-transcript__activity');
}

function sendBox(page: Page): Locator {
  return page.locator('.webchat__send-box input, .webchat__send-box textarea').first();
}

async function send(page: Page, text: string): Promise<void> {
  const box = sendBox(page);
  await box.fill(text);
  await box.press('Enter');
}

describe('Web Chat page in real Chromium', function () {
  this.timeout(60_000);

  let dataDir: string | undefined;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let seen: PageRecord;
  const timings: Record<string, number> = {};

  before(async function () {
    const started = Date.now();
    // Browser first: a missing Chromium fails the suite here with an install hint.
    browser = await launchChromium();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'webchat-e2e-'));
    app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    seen = watchPage(page);
    timings.setup = Date.now() - started;
  });

  after(async function () {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (process.env.E2E_TIMINGS) console.log('    timings (ms):', JSON.stringify(timings));
  });

  it('loads the page with the product title and shows the welcome card, all from the local server', async function () {
    const started = Date.now();
    const response = await page.goto(app!.url);
    expect(response?.status()).to.equal(200);
    expect(await page.title()).to.equal('CSP partner assistant');
    expect(await page.locator('h1').innerText()).to.equal('CSP partner assistant');

    await visibleText(page, /Hi\b.*I.m your CSP partner assistant/).waitFor({ timeout: FIRST_RENDER_MS });
    await button(page, /Start the checklist/).waitFor({ timeout: REPLY_MS });
    timings.welcome = Date.now() - started;
    expect(await page.locator('#status').isHidden(), 'the "Connecting…" status is hidden once connected').to.equal(true);

    expect(seen.externalRequests, 'requests that left 127.0.0.1').to.deep.equal([]);
    expect(seen.failedRequests, 'failed requests').to.deep.equal([]);
    expect(seen.consoleErrors, 'console errors (CSP violations show up here)').to.deep.equal([]);
    expect(seen.pageErrors, 'uncaught page errors').to.deep.equal([]);
  });

  it('starts the checklist from the welcome card and advances on a card click; status shows the step done', async function () {
    const started = Date.now();
    await button(page, /Start the checklist/).click();
    await visibleText(page, /Step 1 of 8/).waitFor({ timeout: REPLY_MS });
    await visibleText(page, /Before you start/).waitFor({ timeout: REPLY_MS });
    await button(page, /Where do I check\?/).waitFor({ timeout: REPLY_MS });

    await button(page, /Both are current/).click();
    await visibleText(page, /Step 2 of 8/).waitFor({ timeout: REPLY_MS });
    await visibleText(page, /Who you are/).waitFor({ timeout: REPLY_MS });
    await button(page, /Global admin/).waitFor({ timeout: REPLY_MS });
    await button(page, /Admin agent/).waitFor({ timeout: REPLY_MS });

    // The tenant's record advanced: the status card (the only card with "Recent activity") counts it.
    await send(page, 'status');
    const statusCard = activities(page)
      .filter({ hasText: /Recent activity/ })
      .last();
    await statusCard.waitFor({ timeout: REPLY_MS });
    const statusText = await statusCard.innerText();
    expect(statusText).to.match(/\b1 of 8 steps done\b/);
    expect(statusText).to.match(/Step 2 of 8/);
    expect(statusText).to.match(/Before you start/);
    timings.checklist = Date.now() - started;
  });

  it('answers "help" typed in the send box with the commands line', async function () {
    const started = Date.now();
    await send(page, 'help');
    const reply = activities(page)
      .filter({ hasText: /Words that work at any time/ })
      .last();
    await reply.waitFor({ timeout: REPLY_MS });
    expect(await reply.innerText()).to.match(/menu.+status.+back.+cancel.+start over.+help/s);
    timings.help = Date.now() - started;

    expect(seen.consoleErrors, 'console errors').to.deep.equal([]);
    expect(seen.pageErrors, 'uncaught page errors').to.deep.equal([]);
    expect(seen.externalRequests, 'requests that left 127.0.0.1').to.deep.equal([]);
  });

  it('fits a phone-width viewport (390x844): no horizontal scrollbar, send box visible', async function () {
    const started = Date.now();
    const phone = await browser!.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      const phonePage = await phone.newPage();
      const phoneSeen = watchPage(phonePage);
      await phonePage.goto(app!.url);
      // Another user of the same (Web Chat) tenant: the welcome card reflects the tenant's progress.
      await visibleText(phonePage, /on step 2 of 8/).waitFor({ timeout: FIRST_RENDER_MS });
      await button(phonePage, /Continue the checklist/).click();
      await button(phonePage, /Global admin/).waitFor({ timeout: REPLY_MS });
      await phonePage.waitForTimeout(500); // let the transcript settle after scrolling to the new card

      const layout = await phonePage.evaluate(() => {
        const doc = document.documentElement;
        const scrollable = document.querySelector('.webchat__basic-transcript__scrollable');
        const cards = Array.from(document.querySelectorAll('.ac-adaptiveCard')).map((el) => Math.round(el.getBoundingClientRect().right));
        return {
          scrollWidth: doc.scrollWidth,
          clientWidth: doc.clientWidth,
          innerWidth: window.innerWidth,
          transcriptOverflow: scrollable ? scrollable.scrollWidth - scrollable.clientWidth : -1,
          widestCardRight: Math.max(0, ...cards),
        };
      });
      expect(layout.innerWidth, 'viewport width').to.equal(PHONE.width);
      expect(layout.scrollWidth, 'page scrollWidth <= clientWidth (no horizontal scrollbar)').to.be.at.most(layout.clientWidth);
      expect(layout.transcriptOverflow, 'transcript has no horizontal overflow').to.be.at.most(0);
      expect(layout.widestCardRight, 'cards end inside the viewport').to.be.at.most(PHONE.width);

      const box = sendBox(phonePage);
      expect(await box.isVisible(), 'send box visible').to.equal(true);
      const rect = await box.boundingBox();
      expect(rect, 'send box has a layout box').to.not.equal(null);
      expect(rect!.x).to.be.at.least(0);
      expect(rect!.x + rect!.width).to.be.at.most(PHONE.width);
      expect(rect!.y + rect!.height, 'send box above the bottom edge').to.be.at.most(PHONE.height);

      await phonePage.screenshot({ path: SCREENSHOT_PATH });
      timings.phone = Date.now() - started;

      expect(phoneSeen.externalRequests, 'requests that left 127.0.0.1').to.deep.equal([]);
      expect(phoneSeen.consoleErrors, 'console errors').to.deep.equal([]);
      expect(phoneSeen.pageErrors, 'uncaught page errors').to.deep.equal([]);
    } finally {
      await phone.close();
    }
  });
});
