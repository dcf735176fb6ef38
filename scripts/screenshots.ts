/**
 * `npm run screenshots`: what a partner sees, as PNG files anyone can open. Starts the real app
 * (lowdb in a temp dir) and real Chromium, and for each of the four languages (en-US, zh-TW, ru-RU, de-DE) captures:
 * - the checklist's what's-next list with all steps shown, before and after "Mark done";
 * - the plan ("Show the whole plan") with its step numbers;
 * - the details form refused for a webmail address (the country keeps its name);
 * - the company card (provider/reseller choice) and the invitation email draft;
 * - the partnership accept page, signed in and public;
 * - connected mode (PARTNER_CENTER_MODE=fake): the sign-in card, the demo sign-in page, the roles
 *   verified in Microsoft Entra ID, the customer summary read as that person (demo data, so
 *   labelled), and the what's-next list with the partnership items verified in Partner Center.
 * Files go to `screenshots/<locale>/` (git-ignored), or to the folder given as the first argument.
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH) and, for Chinese, a CJK font
 * (Debian `fonts-noto-cjk`; `.ci/run` installs both).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { translator } from '../src/i18n/index.js';
import {
  REPLY_MS,
  button,
  cardWith,
  demoSignIn,
  loose,
  openStage,
  openWebChat,
  partnershipRequest,
  seedChecklistToDetails,
  seedChecklistToNext,
  seedProviderSide,
  seedReseller,
  send,
  webChatContext,
  type Stage,
} from '../test/support/partnerScenes.js';

const LOCALES = ['en-US', 'zh-TW', 'ru-RU', 'de-DE'] as const;
/** Tall enough that a whole card fits in the transcript (element screenshots of a scrolled-away card come out cut). */
const TALL = { width: 1000, height: 3600 };

/** A translate function for one locale. */
type Translate = ReturnType<typeof translator>;
/** What a scene gets: its locale, translations, its own running app and browser, and a screenshot helper. */
interface Scene {
  locale: (typeof LOCALES)[number];
  t: Translate;
  stage: Stage;
  /** Saves `target` (an element) or else the whole page as `<name>.png` in the locale's folder. */
  shot: (page: Page, name: string, target?: ReturnType<Page['locator']>) => Promise<void>;
}

/** The scenes, in file-name order; each runs on a fresh stage (app + Chromium). */
const SCENES: ReadonlyArray<{ env?: Record<string, string>; run: (scene: Scene) => Promise<void> }> = [
  { run: checklistScene },
  { run: detailsRefusedScene },
  { run: companyAndDraftScene },
  { run: acceptPagesScene },
  { env: { PARTNER_CENTER_MODE: 'fake' }, run: connectedCustomersScene },
];

/** Captures every scene in `locale` into `dir`; returns the files written. */
async function captureLocale(locale: (typeof LOCALES)[number], dir: string): Promise<string[]> {
  const t = translator(locale);
  const written: string[] = [];
  const shot = async (page: Page, name: string, target?: ReturnType<Page['locator']>) => {
    const file = path.join(dir, `${name}.png`);
    if (target) await target.screenshot({ path: file });
    else await page.screenshot({ path: file, fullPage: true });
    written.push(file);
  };
  const stages: Stage[] = [];
  try {
    for (const scene of SCENES) {
      const stage = await openStage(scene.env);
      stages.push(stage);
      await scene.run({ locale, t, stage, shot });
    }
  } catch (err) {
    for (const stage of stages)
      for (const c of stage.browser.contexts())
        for (const p of c.pages()) await p.screenshot({ path: path.join(dir, `failed-${written.length}.png`), fullPage: true }).catch(() => undefined);
    throw err;
  } finally {
    for (const stage of stages) await stage.close();
  }
  return written;
}

/** A tall Web Chat page on the stage's app, in `locale`. */
async function webChatPage(stage: Stage, locale: string): Promise<Page> {
  const page = await (await webChatContext(stage.browser, undefined, TALL)).newPage();
  await openWebChat(page, stage.app, locale);
  return page;
}

/** 1. the what's-next list, all steps shown, then one item marked done; then the plan. */
async function checklistScene({ locale, t, stage, shot }: Scene): Promise<void> {
  await seedChecklistToNext(stage.app);
  const page = await webChatPage(stage, locale);
  await send(page, t.list('commands.continue')[0]!);
  const list = cardWith(page, loose(t('next.intro')));
  await list.waitFor({ timeout: REPLY_MS });
  await button(list, loose(t('progress.showSteps'), 80)).click();
  await shot(page, '1-checklist-next', list);
  await button(list, new RegExp(`^${escapeRegExp(t('next.markDone'))}$`)).click();
  await page
    .getByText(loose(t('next.markedDone', { item: t('next.items.serveDirect.title'), done: 1, total: 7 }), 40))
    .first()
    .waitFor({ timeout: REPLY_MS });
  await page.waitForTimeout(800);
  await shot(page, '2-checklist-marked-done');
  await send(page, t.list('commands.plan')[0]!);
  const plan = cardWith(page, loose(t('plan.intro')));
  await plan.waitFor({ timeout: REPLY_MS });
  await shot(page, '3-plan', plan);
}

/**
 * 5. connected mode on the demo: sign-in (the OAuth card, the fake token service's page with its
 * code, the roles read from Microsoft Entra ID), the customer summary read from the bundled fake
 * Partner Center as that person (demo data, labelled), then the what's-next list it ticked.
 */
async function connectedCustomersScene({ locale, t, stage, shot }: Scene): Promise<void> {
  await seedChecklistToNext(stage.app);
  const page = await webChatPage(stage, locale);
  const popup = await demoSignIn(page, t.list('commands.signIn')[0]!, t('identity.signIn.button'), /Hui Chen/, async () => {
    await page.waitForTimeout(300);
    await shot(page, '11-sign-in-card', cardWith(page, loose(t('identity.signIn.cardText'))));
  });
  await shot(popup, '12-demo-sign-in-page');
  await popup.close();
  const account = cardWith(page, loose(t('identity.account.title')));
  await account.waitFor({ timeout: REPLY_MS });
  await page.waitForTimeout(500);
  await shot(page, '13-account-verified-roles', account);
  await send(page, t.list('commands.customers')[0]!);
  const summary = cardWith(page, loose(t('customers.partnerCenter.demo')));
  await summary.waitFor({ timeout: REPLY_MS });
  await page.waitForTimeout(500);
  await shot(page, '9-customers-partner-center', summary);
  await send(page, t.list('commands.continue')[0]!);
  const list = cardWith(page, loose(t('next.intro')));
  await list.waitFor({ timeout: REPLY_MS });
  await page.waitForTimeout(500);
  await shot(page, '10-next-verified-in-partner-center', list);
}

/** 2. the details form refused for a webmail address: the country keeps its name. */
async function detailsRefusedScene({ locale, t, stage, shot }: Scene): Promise<void> {
  await seedChecklistToDetails(stage.app);
  const page = await webChatPage(stage, locale);
  await send(page, t.list('commands.continue')[0]!);
  const form = cardWith(page, loose(t('details.body')));
  await form.waitFor({ timeout: REPLY_MS });
  await form.getByLabel(t('details.legalName')).fill('Contoso Cloud GmbH');
  await form.getByLabel(t('details.partnerId')).fill('1234567');
  await form.locator('input.ac-choiceSetInput-filtered').fill(countryTitle(locale));
  await form.getByLabel(t('details.email')).fill('ops@outlook.com');
  await button(form, loose(t('details.submit'), 80)).click();
  const refused = cardWith(page, loose(t('details.errorIntro')));
  await refused.waitFor({ timeout: REPLY_MS });
  await shot(page, '4-details-refused', refused);
}

/** 3. the company card and the invitation email draft (the Web Chat tenant as a provider). */
async function companyAndDraftScene({ locale, t, stage, shot }: Scene): Promise<void> {
  const page = await webChatPage(stage, locale);
  await send(page, t.list('commands.invitations')[0]!);
  const org = cardWith(page, loose(t('invitations.org.body')));
  await org.waitFor({ timeout: REPLY_MS });
  await shot(page, '5-company-card', org);
  await seedProviderSide(stage.app);
  await send(page, t.list('commands.invitations')[0]!);
  await button(page, loose(t('invitations.actions.requestPartnership'), 80)).click();
  const compose = cardWith(page, loose(t('invitations.compose.body.partnership')));
  await compose.waitFor({ timeout: REPLY_MS });
  await compose.getByLabel(t('invitations.compose.emailLabel.partner')).fill('ines@contoso.example');
  await compose.getByLabel(t('invitations.fields.contactName')).fill('Ines');
  await compose.getByLabel(t('invitations.fields.resellerCompany')).fill('Contoso Cloud GmbH');
  await button(compose, loose(t('invitations.compose.submit'), 80)).click();
  const draft = cardWith(page, loose(t('invitations.draft.textLabel'), 80));
  await draft.waitFor({ timeout: REPLY_MS });
  await page.waitForTimeout(500);
  await shot(page, '6-email-draft', draft);
}

/** 4. the partnership accept page: signed in through the assistant, and public. */
async function acceptPagesScene({ locale, stage, shot }: Scene): Promise<void> {
  await seedReseller(stage.app);
  const { publicUrl, acceptUrl } = await partnershipRequest(stage.app);
  const context = await stage.browser.newContext({ viewport: { width: 900, height: 900 }, locale, extraHTTPHeaders: { 'Accept-Language': locale } });
  const page = await context.newPage();
  await page.goto(acceptUrl);
  await shot(page, '7-accept-page-signed-in');
  await page.goto(publicUrl);
  await shot(page, '8-accept-page-public');
}

/** The country picker's title for Germany in `locale` (what a person types or picks). */
function countryTitle(locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'region' }).of('DE') ?? 'Germany';
}

/** `text` with every RegExp special character escaped. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Captures every locale into `<root>/<locale>/` (root: the first argument, else `screenshots`) and prints the files written. */
async function main(): Promise<void> {
  const root = path.resolve(process.argv[2] ?? 'screenshots');
  for (const locale of LOCALES) {
    const dir = path.join(root, locale);
    await mkdir(dir, { recursive: true });
    const files = await captureLocale(locale, dir);
    for (const f of files) process.stdout.write(`${path.relative(process.cwd(), f)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
