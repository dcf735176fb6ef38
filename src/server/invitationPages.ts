/**
 * The invitation pages: plain server-rendered HTML (no framework, no external assets) that the
 * people receiving an invitation link open, and the sender's copy page for the email draft.
 *
 * - `GET /invitations/:token[?session=<token>]`: the review page. A partnership invitation (an
 *   indirect provider asks a reseller) shows who asks, what authorizing grants and, only with a
 *   valid assistant-issued session, the "Authorize indirect provider" form; without one it explains
 *   how the global admin accepts through the assistant. A customer invitation (reseller, or
 *   reseller and provider, new or moving a direct bill customer) shows the accept form.
 * - `POST /invitations/:token`: accept or decline (form-encoded, CSRF-checked).
 * - `GET /invitations/draft/:token`: the sender's copy page (recipient, subject, body, copy button,
 *   mailto link).
 *
 * Every rule lives in {@link InvitationService}; this module only renders and maps its error values
 * to pages and statuses (invalid link 404; expired, replaced, revoked, used, declined 410). Words come
 * from `pages.*` in the locale files; every interpolated value is HTML-escaped. Responses carry a
 * strict CSP with a per-request nonce, `Referrer-Policy: no-referrer` (the token is in the URL) and
 * `Cache-Control: no-store`. Logs carry the invitation id and an outcome, never tokens or emails.
 */
import { randomBytes } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import Tokens from 'csrf';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Invitation, InvitationFieldError, Party } from '../domain/invitations.js';
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, resolveLocale, translator, type SupportedLocale, type Translator } from '../i18n/index.js';
import { draftBody, draftSubject, mailtoUrl } from '../invitations/emailDraft.js';
import { fieldErrorsOf, type InvitationService, type OpenedLink, type ServiceError } from '../invitations/invitationService.js';
import type { Logger } from '../logger.js';
import { escapeHtml as esc } from './webChatPage.js';

/** What {@link registerInvitationPages} needs. */
/** Where a reader of a public page opens the assistant: the Web Chat page, and the Teams app when configured. */
export interface AssistantLinks {
  /** Absolute URL of the web chat (`ASSISTANT_CHAT_URL`, else this server's `/`). */
  webChat: string;
  /** Teams deep link to the app (`https://teams.microsoft.com/l/app/<TEAMS_APP_ID>`), when configured. */
  teams?: string;
}

export interface InvitationPagesDeps {
  invitations: InvitationService;
  logger: Logger;
  /** Links to the assistant (for the page's language) shown where a page tells the reader to open it; none = no links. */
  assistantLinks?: (locale: SupportedLocale) => AssistantLinks;
  /** Clock for "days left" on the pages; defaults to the system clock. */
  clock?: () => Date;
}

/** Name of the cookie holding the CSRF secret (HttpOnly, SameSite=Strict, path `/invitations`). */
export const CSRF_COOKIE = 'csp_invitation_csrf';

/** Longest value accepted for any posted form field, in characters. */
export const MAX_FORM_FIELD = 1000;

const formText = z.string().max(MAX_FORM_FIELD);

/**
 * The posted form: `action` and the CSRF token always; `session` for a partnership; the customer
 * form's fields; any other field must be a string of at most {@link MAX_FORM_FIELD} characters.
 * The CSRF token is optional here so that a missing one is answered 403 (not 400).
 */
export const invitationFormSchema = z
  .object({
    action: z.enum(['accept', 'decline']),
    csrf: formText.optional(),
    session: formText.optional(),
    company: formText.optional(),
    domain: formText.optional(),
    name: formText.optional(),
    email: formText.optional(),
    globalAdmin: formText.optional(),
    consent: formText.optional(),
    understood: formText.optional(),
  })
  .catchall(formText);

type InvitationForm = z.infer<typeof invitationFormSchema>;

/** One rendered page: status, title, the HTML inside `<main>` and an optional inline script. */
interface Page {
  status: number;
  title: string;
  body: string;
  script?: string;
}

/** Per-request rendering context. */
interface Ctx {
  t: Translator;
  nonce: string;
  now: Date;
  /** CSRF secret for this browser (from the cookie or new), and whether it must be (re)set. */
  csrf: { secret: string; fresh: boolean };
  /** Set when the page rendered a form carrying a CSRF token (a fresh secret then goes in the cookie). */
  formIssued: boolean;
  secure: boolean;
  /** Where the reader opens the assistant, if known. */
  links?: AssistantLinks;
}

const tokens = new Tokens();

/**
 * Registers the invitation pages on `server` (see the module comment for the routes). The body
 * parser must already be installed (`mapParams: false`), and the query parser.
 */
export function registerInvitationPages(server: Server, deps: InvitationPagesDeps): void {
  const clock = deps.clock ?? (() => new Date());
  const log = (invitationId: string | undefined, outcome: string) => deps.logger.info({ invitationId, outcome }, 'invitation page');

  const handle = (page: 'review' | 'post' | 'draft', work: (req: Request, ctx: Ctx) => Promise<Page>) => async (req: Request, res: Response) => {
    const ctx = contextFor(req, clock(), deps.assistantLinks);
    let rendered: Page;
    try {
      rendered = await work(req, ctx);
    } catch (err) {
      deps.logger.error({ err: (err as Error).name, page }, 'invitation page failed');
      rendered = messagePage(ctx, 500, 'pages.failure.title', [ctx.t('pages.failure.text')]);
    }
    send(res, ctx, rendered);
  };

  // Wildcards, not `:token`: restify's router (find-my-way) refuses parameters longer than 100
  // characters with a bare 404, and signed tokens are longer (up to MAX_TOKEN_LENGTH). A static
  // `draft/` segment wins over the wildcard; a token never contains '/', so `open` refuses those.
  server.get(
    '/invitations/draft/*',
    handle('draft', async (req, ctx) => {
      const opened = await deps.invitations.open(tokenParam(req), 'draft');
      if (!opened.ok) {
        log(linkInvitation(opened.error)?.id, `draft.${problemOf(opened.error)}`);
        return linkProblemPage(ctx, opened.error, 'draft');
      }
      log(opened.invitation.id, 'draft.shown');
      return draftPage(ctx, opened.invitation, deps.invitations.linkFor(opened.invitation));
    }),
  );

  server.get(
    '/invitations/*',
    handle('review', async (req, ctx) => {
      const token = tokenParam(req);
      const opened = await deps.invitations.open(token);
      if (!opened.ok) {
        log(linkInvitation(opened.error)?.id, `review.${problemOf(opened.error)}`);
        return linkProblemPage(ctx, opened.error, 'invite');
      }
      const inv = opened.invitation;
      log(inv.id, 'review.shown');
      if (inv.kind !== 'partnership') return customerPage(ctx, opened, customerPrefill(inv));
      const sessionToken = typeof req.query?.session === 'string' ? req.query.session : undefined;
      const signedIn = sessionToken ? await signedInFor(deps.invitations, opened, sessionToken) : undefined;
      return partnershipPage(ctx, opened, { sessionGiven: sessionToken !== undefined, signedIn });
    }),
  );

  server.post(
    '/invitations/*',
    handle('post', async (req, ctx) => {
      const token = tokenParam(req);
      const raw: unknown = req.body ?? {};
      const parsed = invitationFormSchema.safeParse(raw);
      const csrfToken = parsed.success ? parsed.data.csrf : typeof (raw as { csrf?: unknown }).csrf === 'string' ? (raw as { csrf: string }).csrf : undefined;
      if (ctx.csrf.fresh || !csrfToken || !tokens.verify(ctx.csrf.secret, csrfToken)) {
        log(undefined, 'post.csrfRefused');
        return messagePage(ctx, 403, 'pages.csrf.title', [ctx.t('pages.csrf.text')], reopenLink(ctx, token, raw));
      }
      if (!parsed.success) {
        log(undefined, 'post.badForm');
        return messagePage(ctx, 400, 'pages.badForm.title', [ctx.t('pages.badForm.text')], reopenLink(ctx, token, raw));
      }
      const form = parsed.data;
      const opened = await deps.invitations.open(token);
      if (!opened.ok) {
        log(linkInvitation(opened.error)?.id, `post.${problemOf(opened.error)}`);
        return linkProblemPage(ctx, opened.error, 'invite');
      }
      const inv = opened.invitation;
      if (inv.kind === 'partnership') return postPartnership(ctx, deps.invitations, opened, form, log);
      return postCustomer(ctx, deps.invitations, opened, form, log);
    }),
  );
}

// ---- request handling --------------------------------------------------------------------------

/** The token from a route's wildcard (`/invitations/<token>`, `/exports/customers/<token>`), at most 2,048 characters. */
export function tokenParam(req: Request): string {
  const value: unknown = (req.params as Record<string, unknown> | undefined)?.['*'];
  return typeof value === 'string' ? value.slice(0, 2048) : '';
}

function contextFor(req: Request, now: Date, links?: (locale: SupportedLocale) => AssistantLinks): Ctx {
  const t = translator(localeFrom(req.headers['accept-language']));
  const cookies = parseCookie(String(req.headers.cookie ?? ''));
  const existing = cookies[CSRF_COOKIE];
  const valid = typeof existing === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(existing);
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim().toLowerCase();
  return {
    t,
    nonce: randomBytes(16).toString('base64'),
    now,
    csrf: valid ? { secret: existing, fresh: false } : { secret: tokens.secretSync(), fresh: true },
    formIssued: false,
    secure: req.isSecure() || forwarded === 'https',
    ...(links ? { links: links(t.locale) } : {}),
  };
}

/**
 * The supported locale an `Accept-Language` header asks for first (by q-value), else en-US.
 * Only en-US exists today; de-DE, ru-RU and zh-TW come with the translations.
 */
export function localeFrom(header: string | string[] | undefined): SupportedLocale {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranked = value
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(r.tag) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const lang = tag.slice(0, 2).toLowerCase();
    if (SUPPORTED_LOCALES.some((l) => l.toLowerCase().startsWith(lang))) return resolveLocale(tag);
  }
  return DEFAULT_LOCALE;
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    'img-src data:',
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function send(res: Response, ctx: Ctx, page: Page): void {
  const html = Buffer.from(layout(ctx, page), 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(html.length),
    'Content-Security-Policy': contentSecurityPolicy(ctx.nonce),
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
  if (ctx.csrf.fresh && ctx.formIssued) {
    headers['Set-Cookie'] = stringifySetCookie(CSRF_COOKIE, ctx.csrf.secret, { httpOnly: true, sameSite: 'strict', path: '/invitations', secure: ctx.secure });
  }
  res.writeHead(page.status, headers);
  res.end(html);
}

async function signedInFor(service: InvitationService, opened: OpenedLink, sessionToken: string): Promise<SignedIn | undefined> {
  const session = service.openSession(opened, sessionToken);
  if (!session) return undefined;
  const organization = (await service.organizationName(session.tenantId)) ?? opened.invitation.to.company;
  return { ...session, token: sessionToken, ...(organization ? { organization } : {}) };
}

async function postPartnership(ctx: Ctx, service: InvitationService, opened: OpenedLink, form: InvitationForm, log: (id: string | undefined, outcome: string) => void): Promise<Page> {
  const { t } = ctx;
  const inv = opened.invitation;
  const signedIn = form.session ? await signedInFor(service, opened, form.session) : undefined;
  if (!signedIn) {
    log(inv.id, `post.${form.action}.sessionRequired`);
    return messagePage(ctx, 403, 'pages.sessionRequired.title', [t('pages.sessionRequired.text')], howToAccept(ctx));
  }
  const actor = { id: signedIn.userId };
  if (form.action === 'decline') {
    const declined = await service.decline(opened.token, actor, signedIn.tenantId);
    if (!declined.ok) return refusal(ctx, service, opened.token, declined.error, log, inv.id);
    log(inv.id, 'post.declined');
    return declinedPage(ctx, inv);
  }
  if (!ticked(form.understood)) {
    log(inv.id, 'post.accept.invalid');
    return partnershipPage(ctx, opened, { sessionGiven: true, signedIn, errors: [{ field: 'understood', code: 'mustConfirm' }] });
  }
  const accepted = await service.acceptPartnership(opened.token, { tenantId: signedIn.tenantId, actor });
  if (!accepted.ok) return refusal(ctx, service, opened.token, accepted.error, log, inv.id);
  log(inv.id, accepted.alreadyAccepted ? 'post.accepted.again' : 'post.accepted');
  return partnershipAcceptedPage(ctx, accepted.invitation);
}

async function postCustomer(ctx: Ctx, service: InvitationService, opened: OpenedLink, form: InvitationForm, log: (id: string | undefined, outcome: string) => void): Promise<Page> {
  const inv = opened.invitation;
  const typed: CustomerValues = {
    company: form.company ?? '',
    domain: form.domain ?? '',
    name: form.name ?? '',
    email: form.email ?? '',
    globalAdmin: ticked(form.globalAdmin),
    consent: ticked(form.consent),
  };
  if (form.action === 'decline') {
    const email = typed.email.trim().toLowerCase();
    const name = typed.name.trim().slice(0, 100);
    const by = { id: /^[^\s@]{1,64}@[^\s@]{1,253}$/.test(email) ? `customer:${email}` : 'customer', ...(name ? { name } : {}) };
    const declined = await service.decline(opened.token, by);
    if (!declined.ok) return refusal(ctx, service, opened.token, declined.error, log, inv.id);
    log(inv.id, 'post.declined');
    return declinedPage(ctx, inv);
  }
  const accepted = await service.acceptCustomer(opened.token, { company: form.company, domain: form.domain, name: form.name, email: form.email, globalAdmin: form.globalAdmin, consent: form.consent });
  if (!accepted.ok) {
    const errors = fieldErrorsOf(accepted.error);
    if (errors.length > 0) {
      log(inv.id, 'post.accept.invalid');
      return customerPage(ctx, opened, typed, errors);
    }
    return refusal(ctx, service, opened.token, accepted.error, log, inv.id);
  }
  log(inv.id, 'post.accepted');
  return customerAcceptedPage(ctx, accepted.invitation);
}

/** Maps a refused accept or decline to its page; a state change in between shows the link's problem. */
async function refusal(ctx: Ctx, service: InvitationService, token: string, error: ServiceError, log: (id: string | undefined, outcome: string) => void, invitationId: string): Promise<Page> {
  const { t } = ctx;
  if (error.code === 'link') {
    log(invitationId, `post.${problemOf(error)}`);
    return linkProblemPage(ctx, error, 'invite');
  }
  log(invitationId, `post.${error.code}`);
  if (error.code === 'roleRequired') {
    const names = error.globalAdmins.length > 0 ? t('pages.roleRequired.named', { names: joinList(t.locale, error.globalAdmins) }) : t('pages.roleRequired.unnamed');
    return messagePage(ctx, 403, 'pages.roleRequired.title', [t('pages.roleRequired.text'), names]);
  }
  if (error.code === 'ownInvitation') return messagePage(ctx, 403, 'pages.ownInvitation.title', [t('pages.ownInvitation.text')]);
  if (error.code === 'notAllowedInState' || error.code === 'notFound') {
    const again = await service.open(token);
    if (!again.ok) return linkProblemPage(ctx, again.error, 'invite');
  }
  return messagePage(ctx, 409, 'pages.conflict.title', [t('pages.conflict.text')], `<p><a class="button secondary" href="${esc(invitationPath(token))}">${esc(t('pages.conflict.reopen'))}</a></p>`);
}

const ticked = (v: unknown) => v === 'on' || v === 'true';

function invitationPath(token: string, session?: string): string {
  return `/invitations/${encodeURIComponent(token)}${session ? `?session=${encodeURIComponent(session)}` : ''}`;
}

function reopenLink(ctx: Ctx, token: string, raw: unknown): string {
  const session = typeof (raw as { session?: unknown })?.session === 'string' ? (raw as { session: string }).session : undefined;
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return '';
  const safeSession = session && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(session) && session.length <= MAX_FORM_FIELD ? session : undefined;
  return `<p><a class="button secondary" href="${esc(invitationPath(token, safeSession))}">${esc(ctx.t('pages.csrf.reopen'))}</a></p>`;
}

// ---- link problems -----------------------------------------------------------------------------

type ProblemView = 'invalid' | 'expired' | 'replaced' | 'revoked' | 'used' | 'declined';

function problemOf(error: ServiceError): ProblemView {
  if (error.code !== 'link') return 'invalid';
  switch (error.problem) {
    case 'expired':
    case 'replaced':
    case 'revoked':
    case 'used':
    case 'declined':
      return error.problem;
    default:
      return 'invalid';
  }
}

function linkInvitation(error: ServiceError): Invitation | undefined {
  return error.code === 'link' ? error.invitation : undefined;
}

/**
 * The page for a link that cannot be used: 404 when it is not a valid link at all, 410 when it was
 * valid once (expired, replaced by a resend, revoked, already accepted, declined). Nothing changes.
 */
function linkProblemPage(ctx: Ctx, error: ServiceError, audience: 'invite' | 'draft'): Page {
  const { t } = ctx;
  const problem = problemOf(error);
  const inv = linkInvitation(error);
  const sender = inv?.from.name;
  const base = `pages.problem.${problem}`;
  const paragraphs: string[] = [];
  if (audience === 'draft') {
    paragraphs.push(t(`pages.problem.draft.${problem}`));
  } else {
    if (problem === 'used' && inv?.accepted) {
      const who = inv.accepted.by.name ? t('pages.problem.used.whoNamed', { name: inv.accepted.by.name, company: inv.accepted.company }) : inv.accepted.company;
      paragraphs.push(t('pages.problem.used.byWhom', { who, date: t.shortDate(inv.accepted.at) }));
    }
    if (problem === 'declined' && inv?.declined) paragraphs.push(t('pages.problem.declined.when', { date: t.shortDate(inv.declined.at) }));
    if (problem === 'revoked' && inv?.revoked) paragraphs.push(t('pages.problem.revoked.when', { sender: inv.from.name, date: t.shortDate(inv.revoked.at) }));
    paragraphs.push(sender ? t(`${base}.textNamed`, { sender }) : t(`${base}.text`));
  }
  paragraphs.push(t('pages.problem.nothingChanged'));
  return messagePage(ctx, problem === 'invalid' ? 404 : 410, `${base}.title`, paragraphs);
}

// ---- pages -------------------------------------------------------------------------------------

interface SignedIn {
  tenantId: string;
  userId: string;
  token: string;
  organization?: string;
}

type FieldError = { field: InvitationFieldError['field'] | 'understood'; code: string };

function messagePage(ctx: Ctx, status: number, titleKey: string, paragraphs: string[], extraHtml = ''): Page {
  const title = ctx.t(titleKey);
  const tone = status >= 400 ? ' card--problem' : '';
  return {
    status,
    title,
    body: `<section class="card${tone}"><h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}${extraHtml}</section>`,
  };
}

function partyHtml(t: Translator, party: Party): string {
  const id = party.partnerId ? ` <span class="muted">${esc(t('pages.common.partnerId', { id: party.partnerId }))}</span>` : '';
  return `${esc(party.name)}${id}`;
}

function recipientHtml(inv: Invitation): string {
  const who = [inv.to.name, inv.to.company].filter((s): s is string => Boolean(s));
  return `${who.map(esc).join(', ')}${who.length ? '<br>' : ''}<span class="muted">${esc(inv.to.email)}</span>`;
}

function validUntil(ctx: Ctx, inv: Invitation): string {
  const days = Math.max(1, Math.ceil((Date.parse(inv.expiresAt) - ctx.now.getTime()) / 86_400_000));
  return esc(ctx.t('pages.common.validUntil', { date: ctx.t.date(inv.expiresAt.slice(0, 10)), count: days }));
}

function facts(rows: Array<[string, string]>): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function list(items: string[], ordered = false): string {
  const tag = ordered ? 'ol' : 'ul';
  return `<${tag}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</${tag}>`;
}

function errorSummary(t: Translator, errors: FieldError[]): string {
  if (errors.length === 0) return '';
  return `<div class="alert" role="alert" tabindex="-1" id="error-summary"><h2>${esc(t('pages.form.errorSummary'))}</h2><ul>${errors
    .map((e) => `<li><a href="#f-${esc(e.field)}">${esc(fieldErrorText(t, e))}</a></li>`)
    .join('')}</ul></div>`;
}

function fieldErrorText(t: Translator, e: FieldError): string {
  const key = `pages.fieldErrors.${e.field}.${e.code}`;
  return t.has(key) ? t(key) : t('pages.fieldErrors.generic');
}

function hiddenCsrf(ctx: Ctx): string {
  ctx.formIssued = true;
  return `<input type="hidden" name="csrf" value="${esc(tokens.create(ctx.csrf.secret))}">`;
}

function textField(
  t: Translator,
  f: { name: string; label: string; hint?: string; value: string; type: 'text' | 'email'; autocomplete: string; maxLength: number; inputmode?: string },
  errors: FieldError[],
): string {
  const error = errors.find((e) => e.field === f.name);
  const id = `f-${f.name}`;
  const described = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `<div class="field${error ? ' invalid' : ''}">
<label for="${id}">${esc(f.label)}</label>
${f.hint ? `<p class="hint" id="${id}-hint">${esc(f.hint)}</p>` : ''}<input type="${f.type}" id="${id}" name="${esc(f.name)}" value="${esc(f.value)}" maxlength="${f.maxLength}" autocomplete="${esc(f.autocomplete)}"${f.inputmode ? ` inputmode="${esc(f.inputmode)}"` : ''} spellcheck="false" required${described ? ` aria-describedby="${described}"` : ''}${error ? ' aria-invalid="true"' : ''}>
${error ? `<p class="error" id="${id}-error">${esc(fieldErrorText(t, error))}</p>` : ''}</div>`;
}

function checkField(t: Translator, f: { name: string; label: string; checked: boolean }, errors: FieldError[]): string {
  const error = errors.find((e) => e.field === f.name);
  const id = `f-${f.name}`;
  return `<div class="check${error ? ' invalid' : ''}"><input type="checkbox" id="${id}" name="${esc(f.name)}" value="on"${f.checked ? ' checked' : ''} required${error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''}><label for="${id}">${esc(f.label)}</label></div>${
    error ? `<p class="error check-error" id="${id}-error">${esc(fieldErrorText(t, error))}</p>` : ''
  }`;
}

function actions(t: Translator, primaryKey: string): string {
  return `<div class="actions"><button type="submit" name="action" value="accept" class="primary">${esc(t(primaryKey))}</button><button type="submit" name="action" value="decline" class="secondary" formnovalidate>${esc(t('pages.form.decline'))}</button></div>`;
}

function howToAccept(ctx: Ctx): string {
  const { t } = ctx;
  return `<h2>${esc(t('pages.partnership.howTo.title'))}</h2>${list(t.list('pages.partnership.howTo.steps'), true)}${openAssistant(ctx)}<p class="muted">${esc(t('pages.partnership.howTo.forward'))}</p>`;
}

/** Buttons that open the assistant: the web chat, and the Teams app when configured. */
function openAssistant(ctx: Ctx): string {
  const links = ctx.links;
  if (!links) return '';
  const { t } = ctx;
  const teams = links.teams ? `<a class="button secondary" href="${esc(links.teams)}" rel="noopener" target="_blank">${esc(t('pages.openAssistant.teams'))}</a>` : '';
  return `<div class="actions open-assistant"><a class="button primary" href="${esc(links.webChat)}" rel="noopener" target="_blank">${esc(t('pages.openAssistant.webChat'))}</a>${teams}</div>`;
}

/** The partnership review page; the form only with a valid session. */
function partnershipPage(ctx: Ctx, opened: OpenedLink, opts: { sessionGiven: boolean; signedIn: SignedIn | undefined; errors?: FieldError[] }): Page {
  const { t } = ctx;
  const inv = opened.invitation;
  const provider = inv.from.name;
  const errors = opts.errors ?? [];
  const title = t('pages.partnership.title', { provider });
  const company = inv.to.company ?? t('pages.common.yourOrganization');
  let action: string;
  if (opts.signedIn) {
    const s = opts.signedIn;
    const who = s.organization ? t('pages.partnership.signedInNamed', { organization: s.organization }) : t('pages.partnership.signedIn');
    action = `<h2>${esc(t('pages.partnership.form.title', { provider }))}</h2>
<p class="note">${esc(who)}</p>
${errorSummary(t, errors)}
<form method="post" action="${esc(invitationPath(opened.token))}" novalidate>
${hiddenCsrf(ctx)}<input type="hidden" name="session" value="${esc(s.token)}">
${checkField(t, { name: 'understood', label: t('pages.partnership.form.understood', { provider }), checked: false }, errors)}
${actions(t, 'pages.partnership.form.authorize')}
</form>`;
  } else {
    action = `${opts.sessionGiven ? `<p class="alert" role="status">${esc(t('pages.partnership.sessionInvalid'))}</p>` : ''}${howToAccept(ctx)}`;
  }
  const body = `<section class="card">
<h1>${esc(title)}</h1>
<p class="lead">${esc(t('pages.partnership.lead', { provider, company }))}</p>
${facts([
  [t('pages.common.askingLabel'), partyHtml(t, inv.from)],
  [t('pages.common.sentToLabel'), recipientHtml(inv)],
  [t('pages.common.validUntilLabel'), validUntil(ctx, inv)],
])}
<h2>${esc(t('pages.partnership.grants.title'))}</h2>
${list(t.list('pages.partnership.grants.items', { provider }))}
<p class="note">${esc(t('pages.partnership.grants.gdap', { provider }))}</p>
${action}
</section>`;
  return { status: errors.length > 0 ? 422 : 200, title, body };
}

interface CustomerValues {
  company: string;
  domain: string;
  name: string;
  email: string;
  globalAdmin: boolean;
  consent: boolean;
}

function customerPrefill(inv: Invitation): CustomerValues {
  return { company: inv.to.company ?? '', domain: inv.to.domain ?? '', name: '', email: inv.to.email, globalAdmin: false, consent: false };
}

/** The variant of a customer invitation's words: with or without the provider, new or moving. */
function customerVariant(inv: Invitation): 'reseller' | 'resellerAndProvider' | 'moveDirect' | 'moveDirectReseller' {
  if (inv.purpose === 'moveDirect') return inv.provider ? 'moveDirect' : 'moveDirectReseller';
  return inv.provider ? 'resellerAndProvider' : 'reseller';
}

/** The customer review page with its accept form; with `errors` it is the 422 re-render. */
function customerPage(ctx: Ctx, opened: OpenedLink, values: CustomerValues, errors: FieldError[] = []): Page {
  const { t } = ctx;
  const inv = opened.invitation;
  const variant = customerVariant(inv);
  const params = { reseller: inv.from.name, provider: inv.provider?.name ?? '', company: inv.to.company ?? t('pages.common.yourOrganization') };
  const title = t(`pages.customer.${variant}.title`, params);
  const rows: Array<[string, string]> = [[t('pages.common.askingLabel'), partyHtml(t, inv.from)]];
  if (inv.provider) rows.push([t('pages.customer.providerLabel'), partyHtml(t, inv.provider)]);
  rows.push([t('pages.common.sentToLabel'), recipientHtml(inv)], [t('pages.common.validUntilLabel'), validUntil(ctx, inv)]);
  const grants = [t('pages.customer.grants.reseller', params), ...(inv.provider ? [t('pages.customer.grants.provider', params)] : [])];
  const moving = inv.purpose === 'moveDirect' ? `<p class="note">${esc(t(inv.provider ? 'pages.customer.moveDirect.stays' : 'pages.customer.moveDirectReseller.stays', params))}</p>` : '';
  const consentWho = inv.provider ? t('pages.customer.form.both', params) : inv.from.name;
  const body = `<section class="card">
<h1>${esc(title)}</h1>
<p class="lead">${esc(t(`pages.customer.${variant}.lead`, params))}</p>
${facts(rows)}
<h2>${esc(t('pages.customer.grants.title'))}</h2>
${list(grants)}
${moving}
<p class="note">${esc(t('pages.customer.grants.gdap', params))}</p>
</section>
<section class="card">
<h2>${esc(t('pages.customer.form.title'))}</h2>
<p class="muted">${esc(t('pages.customer.form.intro'))}</p>
${errorSummary(t, errors)}
<form method="post" action="${esc(invitationPath(opened.token))}" novalidate>
${hiddenCsrf(ctx)}
${textField(t, { name: 'company', label: t('pages.customer.form.company'), value: values.company, type: 'text', autocomplete: 'organization', maxLength: 200 }, errors)}
${textField(t, { name: 'domain', label: t('pages.customer.form.domain'), hint: t('pages.customer.form.domainHint'), value: values.domain, type: 'text', autocomplete: 'off', maxLength: 253, inputmode: 'url' }, errors)}
${textField(t, { name: 'name', label: t('pages.customer.form.name'), value: values.name, type: 'text', autocomplete: 'name', maxLength: 100 }, errors)}
${textField(t, { name: 'email', label: t('pages.customer.form.email'), value: values.email, type: 'email', autocomplete: 'email', maxLength: 254, inputmode: 'email' }, errors)}
${checkField(t, { name: 'globalAdmin', label: t('pages.customer.form.globalAdmin'), checked: values.globalAdmin }, errors)}
${checkField(t, { name: 'consent', label: t('pages.customer.form.consent', { who: consentWho }), checked: values.consent }, errors)}
${actions(t, 'pages.customer.form.accept')}
</form>
</section>`;
  return { status: errors.length > 0 ? 422 : 200, title, body };
}

function partnershipAcceptedPage(ctx: Ctx, inv: Invitation): Page {
  const { t } = ctx;
  const provider = inv.from.name;
  const title = t('pages.partnership.accepted.title', { provider });
  const when = inv.accepted ? `<p>${esc(t('pages.partnership.accepted.when', { date: t.shortDate(inv.accepted.at) }))}</p>` : '';
  const body = `<section class="card card--done" role="status">
<h1>${esc(title)}</h1>${when}
<h2>${esc(t('pages.common.nextTitle'))}</h2>
${list(t.list('pages.partnership.accepted.next', { provider }))}
<p class="muted">${esc(t('pages.common.close'))}</p>
</section>`;
  return { status: 200, title, body };
}

function customerAcceptedPage(ctx: Ctx, inv: Invitation): Page {
  const { t } = ctx;
  const params = { reseller: inv.from.name, provider: inv.provider?.name ?? '' };
  const key = inv.provider ? 'pages.customer.accepted.both' : 'pages.customer.accepted.reseller';
  const title = t(`${key}.title`, params);
  const body = `<section class="card card--done" role="status">
<h1>${esc(title)}</h1>
<h2>${esc(t('pages.common.nextTitle'))}</h2>
${list(t.list(`${key}.next`, params))}
<p class="muted">${esc(t('pages.common.close'))}</p>
</section>`;
  return { status: 200, title, body };
}

function declinedPage(ctx: Ctx, inv: Invitation): Page {
  const { t } = ctx;
  const title = t('pages.declined.title');
  return {
    status: 200,
    title,
    body: `<section class="card card--done" role="status"><h1>${esc(title)}</h1><p>${esc(t('pages.declined.text', { sender: inv.from.name }))}</p><p>${esc(
      t('pages.declined.mistake', { sender: inv.from.name }),
    )}</p><p class="muted">${esc(t('pages.common.close'))}</p></section>`,
  };
}

/** Copy button behaviour: the Clipboard API, else select-and-copy; a visible "Copied" either way. */
const COPY_SCRIPT = `(function () {
  'use strict';
  var button = document.getElementById('copy');
  var text = document.getElementById('draft-body');
  var status = document.getElementById('copy-status');
  if (!button || !text || !status) { return; }
  button.hidden = false;
  function say(attr) { status.textContent = status.getAttribute(attr) || ''; }
  function fallback() {
    text.focus();
    text.select();
    text.setSelectionRange(0, text.value.length);
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    say(ok ? 'data-copied' : 'data-failed');
  }
  button.addEventListener('click', function () {
    status.textContent = '';
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.value).then(function () { say('data-copied'); }, fallback);
    } else {
      fallback();
    }
  });
})();`;

/** The sender's copy page: recipient, subject, read-only body, copy button and mailto link. */
function draftPage(ctx: Ctx, inv: Invitation, link: string): Page {
  const { t } = ctx;
  const subject = draftSubject(t, inv);
  const text = draftBody(t, inv, link, inv.created.by.name);
  const title = t('pages.draft.title');
  const body = `<section class="card">
<h1>${esc(title)}</h1>
<p class="lead">${esc(t('pages.draft.lead'))}</p>
${facts([
  [t('pages.draft.toLabel'), esc(inv.to.email)],
  [t('pages.draft.subjectLabel'), esc(subject)],
  [t('pages.common.validUntilLabel'), validUntil(ctx, inv)],
])}
<div class="field"><label for="draft-body">${esc(t('pages.draft.bodyLabel'))}</label>
<textarea id="draft-body" readonly rows="16">${esc(text)}</textarea></div>
<div class="actions">
<button type="button" id="copy" class="primary" hidden>${esc(t('pages.draft.copy'))}</button>
<a class="button secondary" id="mailto" href="${esc(mailtoUrl(inv.to.email, subject, text))}">${esc(t('pages.draft.openEmail'))}</a>
</div>
<p id="copy-status" class="copy-status" role="status" aria-live="polite" data-copied="${esc(t('pages.draft.copied'))}" data-failed="${esc(t('pages.draft.copyFailed'))}"></p>
<p class="note">${esc(t('pages.draft.keepLink'))}</p>
<p class="muted">${esc(t('pages.draft.done'))}</p>
</section>`;
  return { status: 200, title, body, script: COPY_SCRIPT };
}

function joinList(locale: string, items: string[]): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}

// ---- layout ------------------------------------------------------------------------------------

/** The pages' stylesheet (inline with the nonce): the Web Chat page's colours, phone first. */
const PAGE_CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:1rem;line-height:1.5;background:#E9EEF4;color:#1B2430;overflow-wrap:anywhere}
.top{background:linear-gradient(135deg,#0B3A66,#0B5CAD);color:#fff;padding:12px 16px;padding-top:max(12px,env(safe-area-inset-top))}
.brand{display:flex;align-items:center;gap:12px;max-width:680px;margin:0 auto;font-weight:600;font-size:1.0625rem}
.logo{flex:0 0 auto;width:32px;height:32px;border-radius:9px;background:rgba(255,255,255,.16);border:1px solid rgba(255,255,255,.35);position:relative}
.logo::after{content:"";position:absolute;left:7px;top:8px;width:16px;height:11px;border-radius:4px;background:#fff}
.logo::before{content:"";position:absolute;left:10px;top:18px;width:0;height:0;border-left:5px solid transparent;border-right:5px solid transparent;border-top:6px solid #fff}
main{max-width:680px;margin:0 auto;padding:16px 12px calc(24px + env(safe-area-inset-bottom))}
.card{background:#fff;border:1px solid #DDE3EA;border-radius:12px;padding:20px 16px;margin:0 0 16px;box-shadow:0 1px 3px rgba(15,40,70,.06)}
.card--problem{border-top:4px solid #B42318}
.card--done{border-top:4px solid #107C41}
h1{font-size:1.375rem;line-height:1.3;margin:0 0 12px}
h2{font-size:1.125rem;line-height:1.3;margin:24px 0 8px}
.card>h2:first-child,.alert h2{margin-top:0}
.lead{font-size:1.0625rem;margin:0 0 12px}
.muted{color:#4A5868}
.facts{display:grid;grid-template-columns:minmax(0,1fr);gap:2px 16px;margin:16px 0;padding:12px 14px;background:#F5F7FA;border-radius:10px}
.facts dt{font-weight:600;color:#4A5868;font-size:.875rem}
.facts dd{margin:0 0 10px}
ul,ol{padding-left:1.25rem;margin:8px 0}
li{margin:6px 0}
.note{background:#EAF2FB;border:1px solid #B9D3F0;color:#0B3A66;border-radius:10px;padding:12px 14px}
.alert{background:#FDECEC;border:1px solid #F5B5B5;color:#7A1414;border-radius:10px;padding:12px 14px;margin:16px 0}
.alert a{color:#7A1414}
.field{margin:18px 0}
label{display:block;font-weight:600;margin-bottom:6px}
.hint{font-size:.875rem;color:#4A5868;margin:-2px 0 6px}
input[type=text],input[type=email],textarea{display:block;width:100%;max-width:100%;min-height:48px;padding:10px 12px;font:inherit;font-size:1rem;border:1px solid #8C9BAB;border-radius:8px;background:#fff;color:inherit}
textarea{min-height:16rem;resize:vertical;font-size:.9375rem;line-height:1.45;background:#FAFBFC}
.invalid input[type=text],.invalid input[type=email]{border:2px solid #B42318}
.check{display:flex;gap:12px;align-items:flex-start;margin:18px 0 6px;padding:10px 12px;border:1px solid #DDE3EA;border-radius:10px}
.check.invalid{border:2px solid #B42318}
.check input{flex:0 0 auto;width:24px;height:24px;margin:1px 0 0;accent-color:#0B5CAD}
.check label{font-weight:400;margin:0;cursor:pointer}
.error{color:#B42318;font-weight:600;margin:6px 0 0;font-size:.9375rem}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin:22px 0 8px}
button,.button{display:inline-flex;align-items:center;justify-content:center;min-height:48px;min-width:48px;padding:12px 22px;border-radius:10px;font:inherit;font-weight:600;line-height:1.2;text-align:center;text-decoration:none;cursor:pointer;border:2px solid #0B5CAD}
.primary{background:#0B5CAD;color:#fff}
.primary:hover{background:#0B4A8C}
.secondary{background:#fff;color:#0B5CAD}
.secondary:hover{background:#EAF2FB}
a{color:#0B5CAD}
:focus-visible{outline:3px solid #FFB900;outline-offset:2px}
.copy-status{min-height:1.5em;font-weight:600;color:#107C41;margin:4px 0 12px}
[hidden]{display:none!important}
@media (min-width:560px){main{padding:24px 16px}.card{padding:24px}.facts{grid-template-columns:max-content minmax(0,1fr)}.facts dd{margin:0 0 6px}}
@media (max-width:479px){.actions button,.actions .button{flex:1 1 100%}}
`;

function layout(ctx: Ctx, page: Page): string {
  const { t, nonce } = ctx;
  const appTitle = t('pages.app.title');
  return `<!doctype html>
<html lang="${esc(t.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<meta name="theme-color" content="#0B3A66">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${esc(t('pages.app.pageTitle', { page: page.title, app: appTitle }))}</title>
<link rel="icon" href="data:,">
<style nonce="${esc(nonce)}">${PAGE_CSS}</style>
</head>
<body>
<header class="top"><div class="brand"><span class="logo" aria-hidden="true"></span><span>${esc(appTitle)}</span></div></header>
<main>
${page.body}
</main>
${page.script ? `<script nonce="${esc(nonce)}">${page.script}</script>\n` : ''}</body>
</html>
`;
}
