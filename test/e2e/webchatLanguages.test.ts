/**
 * The Web Chat page in two languages, in real Chromium: German from the page URL (the page, the
 * screen-reader announcement and the bot's welcome card), then a switch to Russian with the
 * `language` command mid-conversation (the choice is stored per user and used from then on).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { translator } from '../../src/i18n/index.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { launchChromium, watchPage } from '../support/browser.js';

const FIRST_RENDER_MS = 15_000;
const REPLY_MS = 10_000;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A visible element showing `text` (markdown stripped). */
const visible = (page: Page, text: string) =>
  page
    .getByText(new RegExp(escape(text.replace(/\*\*/g, ''))))
    .filter({ visible: true })
    .first();

describe('Web Chat page in two languages (real Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let app: RunningApp | undefined;
  let dataDir: string | undefined;

  before(async () => {
    browser = await launchChromium();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'webchat-lang-'));
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('speaks German from ?lang=de-DE, then Russian after the language command', async () => {
    const de = translator('de-DE');
    const ru = translator('ru-RU');
    const en = translator('en-US');
    expect(de('welcome.journeysTitle'), 'German is translated').to.not.equal(en('welcome.journeysTitle'));
    expect(ru('welcome.journeysTitle'), 'Russian is translated').to.not.equal(en('welcome.journeysTitle'));
    const context = await browser!.newContext({ viewport: { width: 1024, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    const seen = watchPage(page);
    await page.goto(`${app!.url}/?lang=de-DE&brand=A0522D`);
    expect(await page.locator('html').getAttribute('lang')).to.equal('de-DE');
    expect(await page.title()).to.equal(de('app.name'));
    expect(await page.locator('#announce').textContent()).to.equal(de('pages.webchat.languageAnnounce', { language: 'Deutsch' }));
    expect(await page.locator('.app-header').evaluate((el) => getComputedStyle(el).backgroundColor)).to.equal('rgb(160, 82, 45)');

    // the welcome card comes in German
    await visible(page, de('welcome.journeysTitle')).waitFor({ timeout: FIRST_RENDER_MS });
    await page
      .getByRole('button', { name: de('journeys.transition.start') })
      .first()
      .waitFor({ timeout: REPLY_MS });

    // switch to Russian with the language card
    const box = page.locator('.webchat__send-box input, .webchat__send-box textarea').first();
    await box.fill('Sprache');
    await box.press('Enter');
    await visible(page, de('language.title')).waitFor({ timeout: REPLY_MS });
    await page.getByRole('button', { name: 'Русский' }).filter({ visible: true }).first().click();
    await visible(page, ru('language.switched', { language: ru('language.name') }).split('.')[0]!).waitFor({ timeout: REPLY_MS });

    // and the next card is Russian
    await box.fill('menu');
    await box.press('Enter');
    await visible(page, ru('welcome.journeysTitle')).waitFor({ timeout: REPLY_MS });
    expect(seen.consoleErrors).to.deep.equal([]);
    expect(seen.pageErrors).to.deep.equal([]);
    await context.close();
  });
});
