/**
 * What a partner sees, driven in real Chromium: the real app (real bot, lowdb in a temp dir,
 * development Direct Line) and its pages. Shared by the browser regression tests
 * (`test/e2e/partnerViews.test.ts`) and `npm run screenshots` (`scripts/screenshots.ts`), so the
 * screenshots show exactly what the tests check.
 *
 * Facts a scene needs before the browser opens (a tenant at the what's-next list, a provider's
 * organization) are written through the app's own services, the same calls the chat makes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { applyCommand, type Actor, type TransitionCommand } from '../../src/domain/transition.js';
import { findTokenInText } from '../../src/domain/invitationToken.js';
import { startApp, type AppOverrides, type RunningApp } from '../../src/index.js';
import { launchChromium } from './browser.js';

/** Tenant the built-in Web Chat page is configured for in these scenes (`WEBCHAT_TENANT_ID`). */
export const WEBCHAT_TENANT = 'contoso-webchat-tenant';
/** The Web Chat user (kept in the page's localStorage, so the bot sees this id). */
export const WEBCHAT_USER: Actor = { id: 'partner-scene-ada-0001' };
/** A provider tenant that sends partnership requests. */
export const PROVIDER_TENANT = 'fabrikam-provider-tenant';
export const PROVIDER_ADMIN: Actor = { id: 'fabrikam-admin', name: 'Pat Provider' };

/** First render parses the ~4 MB Web Chat bundle: slow on a small CI machine. */
export const FIRST_RENDER_MS = 20_000;
/** A bot reply after a click or a message (Direct Line polls every ~300 ms). */
export const REPLY_MS = 10_000;

/** A running app, a browser, and a temp data folder; `close()` ends all three. */
export interface Stage {
  app: RunningApp;
  browser: Browser;
  /** The app's data folder (the lowdb store is under `store/`). */
  dataDir: string;
  close(): Promise<void>;
}

/** Starts the app on an ephemeral port (Web Chat tenant {@link WEBCHAT_TENANT}) and Chromium; `overrides` go to startApp (e.g. a capturing logger). */
export async function openStage(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<Stage> {
  const browser = await launchChromium();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'partner-scenes-'));
  const app = await startApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEBCHAT_TENANT_ID: WEBCHAT_TENANT, ...env }),
    overrides,
  );
  return {
    app,
    browser,
    dataDir,
    close: async () => {
      await browser.close().catch(() => undefined);
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser context whose Web Chat user id is `userId` (set in localStorage before the page runs). */
export async function webChatContext(browser: Browser, userId = WEBCHAT_USER.id, viewport = { width: 1100, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((id) => window.localStorage.setItem('csp-assistant-user-id', id), userId);
  return context;
}

/** Opens the Web Chat page in `lang` and waits for the welcome card. */
export async function openWebChat(page: Page, app: RunningApp, lang: string): Promise<void> {
  await page.goto(`${app.url}/?lang=${lang}`);
  await page.locator('.ac-adaptiveCard').first().waitFor({ timeout: FIRST_RENDER_MS });
}

/** Visible element whose text matches `text` (Web Chat keeps hidden copies for screen readers). */
export function visibleText(page: Page | Locator, text: RegExp): Locator {
  return page.getByText(text).filter({ visible: true }).first();
}

/** The visible button named `name`. */
export function button(page: Page | Locator, name: RegExp): Locator {
  return page.getByRole('button', { name }).filter({ visible: true }).first();
}

/** Every activity in the transcript (user bubbles and bot replies). */
export function activities(page: Page): Locator {
  return page.locator('article.webchat__basic-transcript__activity');
}

/** Types `text` in the send box and sends it. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('.webchat__send-box input, .webchat__send-box textarea').first();
  await box.fill(text);
  await box.press('Enter');
}

/** Applies checklist commands for `actor` through the app's repository (what the chat's clicks do). */
async function apply(app: RunningApp, tenantId: string, actor: Actor, commands: TransitionCommand[]): Promise<void> {
  for (const given of commands) {
    // connected identity (the demo): a role is one verified at sign-in, not one declared
    const command: TransitionCommand = given.type === 'setRole' && app.services.identity ? { type: 'setVerifiedRoles', roles: [given.role] } : given;
    const result = await app.transitions.update(tenantId, (r) => applyCommand(r, command, actor, new Date()));
    if (!result.ok) throw new Error(`seed ${command.type}: ${JSON.stringify(result.error)}`);
  }
}

/** Steps 1-7 done by a global admin: the tenant stands at the what's-next list (step 8). */
export async function seedChecklistToNext(app: RunningApp, tenantId = WEBCHAT_TENANT, actor: Actor = WEBCHAT_USER): Promise<void> {
  await apply(app, tenantId, actor, [
    { type: 'confirmPrepared' },
    { type: 'setRole', role: 'globalAdmin' },
    { type: 'answerEligibility', answer: 'restricted' },
    { type: 'submitDetails', details: { legalName: 'Contoso Cloud GmbH', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.example' } },
    { type: 'confirmEnrollment', understood: true },
    { type: 'confirmApproved' },
    { type: 'confirmAgreement' },
  ]);
}

/** Steps 1-3 done by a global admin: the tenant stands at the details form (step 4). */
export async function seedChecklistToDetails(app: RunningApp, tenantId = WEBCHAT_TENANT, actor: Actor = WEBCHAT_USER): Promise<void> {
  await apply(app, tenantId, actor, [
    { type: 'confirmPrepared' },
    { type: 'setRole', role: 'globalAdmin' },
    { type: 'answerEligibility', answer: 'restricted' },
  ]);
}

/** The Web Chat tenant as an indirect reseller whose user is its global admin (what the organization card and role question record). */
export async function seedReseller(app: RunningApp, name = 'Contoso Cloud GmbH'): Promise<void> {
  await apply(app, WEBCHAT_TENANT, WEBCHAT_USER, [{ type: 'setRole', role: 'globalAdmin' }]);
  await app.invitations.setOrganization(WEBCHAT_TENANT, WEBCHAT_USER, { name, side: 'reseller' });
}

/** The Web Chat tenant as an indirect provider whose user is its global admin. */
export async function seedProviderSide(app: RunningApp, name = 'Fabrikam Distribution'): Promise<void> {
  await apply(app, WEBCHAT_TENANT, WEBCHAT_USER, [{ type: 'setRole', role: 'globalAdmin' }]);
  await app.invitations.setOrganization(WEBCHAT_TENANT, WEBCHAT_USER, { name, partnerId: '7654321', side: 'provider' });
}

/**
 * A provider ({@link PROVIDER_TENANT}) sends the Web Chat tenant a partnership request.
 * @returns the public link (`/invitations/<token>`) and the signed-in accept page URL the
 *   assistant hands the reseller's global admin (`?session=`, valid 15 minutes).
 */
export async function partnershipRequest(app: RunningApp, email = 'admin@contoso.example'): Promise<{ publicUrl: string; acceptUrl: string }> {
  await apply(app, PROVIDER_TENANT, PROVIDER_ADMIN, [{ type: 'setRole', role: 'globalAdmin' }]);
  await app.invitations.setOrganization(PROVIDER_TENANT, PROVIDER_ADMIN, { name: 'Fabrikam Distribution', partnerId: '7654321', side: 'provider' });
  const created = await app.invitations.create(PROVIDER_TENANT, PROVIDER_ADMIN, { kind: 'partnership', purpose: 'new', to: { email, company: 'Contoso' } });
  if (!created.ok) throw new Error(`partnership request: ${JSON.stringify(created.error)}`);
  const opened = await app.invitations.open(findTokenInText(created.link)!);
  if (!opened.ok) throw new Error('partnership request link does not open');
  return { publicUrl: created.link, acceptUrl: app.invitations.acceptPageUrl(opened, { tenantId: WEBCHAT_TENANT, actor: WEBCHAT_USER }) };
}

/** The last bot card in the transcript whose text matches `text`. */
export function cardWith(page: Page, text: RegExp): Locator {
  return page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
}

/**
 * A pattern for the first `length` characters of a bot text as Web Chat shows it: regex characters
 * escaped, quotes and apostrophes matching any character (Web Chat's markdown makes them typographic).
 */
export function loose(text: string, length = 24): RegExp {
  const escaped = text
    .slice(0, length)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/['"‘’“”„«»「」]/g, '.');
  return new RegExp(escaped);
}

/**
 * Signs in on the demo (`PARTNER_CENTER_MODE=fake`) the way a partner does: says `signInWord`,
 * selects the OAuth card's `buttonTitle`, picks `person` on the fake token service's page that
 * opens, and types the 6-digit code it shows into the chat. `beforeClick` runs once the card shows
 * (e.g. a screenshot of it).
 * @returns the sign-in page (still open, showing the code) for a screenshot; close it when done.
 */
export async function demoSignIn(page: Page, signInWord: string, buttonTitle: string, person: RegExp, beforeClick?: () => Promise<void>): Promise<Page> {
  await send(page, signInWord);
  const signIn = page.getByRole('button', { name: buttonTitle }).filter({ visible: true }).last();
  await signIn.waitFor({ timeout: REPLY_MS });
  await beforeClick?.();
  const [popup] = await Promise.all([page.context().waitForEvent('page', { timeout: REPLY_MS }), signIn.click()]);
  await popup.waitForURL(/\/signin\?state=/, { timeout: REPLY_MS });
  await popup.getByRole('button', { name: person }).click();
  await popup.getByText(/type this code in the chat/).waitFor({ timeout: REPLY_MS });
  const code = /(?<!\d)(\d{6})(?!\d)/.exec((await popup.textContent('body')) ?? '')?.[1];
  if (!code) throw new Error('no 6-digit code on the demo sign-in page');
  await send(page, code);
  return popup;
}
