/**
 * The invitation pages: server-rendered HTML (preact components under pages/, escaped by the
 * renderer) that the people receiving an invitation link open, and the sender's copy page.
 *
 * - `GET /invitations/:token[?session=<token>]`: the review page. A partnership invitation (an
 *   indirect provider asks a reseller) shows who asks, what authorizing grants and, only with a
 *   valid assistant-issued session, the "Authorize indirect provider" form; without one it explains
 *   how the global admin accepts through the assistant. A customer invitation (reseller, or
 *   reseller and provider, new or moving a direct bill customer) shows the accept form.
 * - `POST /invitations/:token`: accept or decline (form-encoded, CSRF-checked; see invitationActions.tsx).
 * - `GET /invitations/draft/:token`: the sender's copy page (recipient, subject, body, copy button,
 *   mailto link).
 *
 * Every rule lives in {@link InvitationService}; this module maps its error values to pages and
 * statuses (invalid link 404; expired, replaced, revoked, used, declined 410). Words come from
 * `pages.*` in the locale files, in the language of Accept-Language. Responses carry the
 * invitation pages' security headers (http/securityHeaders.ts: nonce CSP, no referrer, no store,
 * no framing). Logs carry the invitation id and an outcome, never tokens or emails. The routes are
 * rate-limited before they run (http/rateLimits.ts); {@link rateLimitedPageSender} is their 429 page.
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import Tokens from 'csrf';
import type { Request, Response, Server } from 'restify';
import type { SupportedLocale } from '../i18n/index.js';
import { translator } from '../i18n/index.js';
import type { InvitationService } from '../invitations/invitationService.js';
import type { Logger } from '../logger.js';
import type { AssetUrls } from './assets/serve.js';
import { sendHtml } from './http/html.js';
import { localeFrom } from './http/locale.js';
import { queryParam, sessionQuerySchema, tokenParam } from './http/params.js';
import { invitationPageHeaders, newNonce } from './http/securityHeaders.js';
import { invitationFormSchema, postCustomer, postPartnership, reopenButton, signedInFor, type PageLog } from './invitationActions.js';
import { customerPage, customerPrefill } from './pages/customerPage.js';
import { draftPage } from './pages/draftPage.js';
import { renderInvitationPage } from './pages/layout.js';
import { linkInvitation, linkProblemPage, messagePage, problemOf, rateLimitedPage } from './pages/messagePages.js';
import { partnershipPage } from './pages/partnershipPage.js';
import type { AssistantLinks, Page, PageContext } from './pages/types.js';

export type { AssistantLinks } from './pages/types.js';
export { MAX_FORM_FIELD, invitationFormSchema } from './invitationActions.js';

/** What {@link registerInvitationPages} needs. */
export interface InvitationPagesDeps {
  invitations: InvitationService;
  logger: Logger;
  /** URLs of the built stylesheet and scripts (assets/serve.ts). */
  assets: AssetUrls;
  /** Links to the assistant (for the page's language) shown where a page tells the reader to open it; none = no links. */
  assistantLinks?: (locale: SupportedLocale) => AssistantLinks;
  /** Clock for "days left" on the pages; defaults to the system clock. */
  clock?: () => Date;
}

/** Name of the cookie holding the CSRF secret (HttpOnly, SameSite=Strict, path `/invitations`). */
export const CSRF_COOKIE = 'csp_invitation_csrf';

const tokens = new Tokens();

/** A page context plus what the response needs: the CSRF secret and whether a form was issued. */
interface RequestContext extends PageContext {
  /** CSRF secret for this browser (from the cookie or new), and whether it must be (re)set. */
  csrf: { secret: string; fresh: boolean };
  /** Set when the page rendered a form carrying a CSRF token (a fresh secret then goes in the cookie). */
  formIssued: boolean;
  /** The request came over https (directly or through a proxy): the cookie is then `Secure`. */
  secure: boolean;
}

function contextFor(req: Request, now: Date, links?: (locale: SupportedLocale) => AssistantLinks): RequestContext {
  const t = translator(localeFrom(req.headers['accept-language']));
  const existing = parseCookie(String(req.headers.cookie ?? ''))[CSRF_COOKIE];
  const valid = typeof existing === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(existing);
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  const ctx: RequestContext = {
    t,
    now,
    csrf: valid ? { secret: existing, fresh: false } : { secret: tokens.secretSync(), fresh: true },
    formIssued: false,
    secure: req.isSecure() || forwarded === 'https',
    csrfToken: () => {
      ctx.formIssued = true;
      return tokens.create(ctx.csrf.secret);
    },
    ...(links ? { links: links(t.locale) } : {}),
  };
  return ctx;
}

/** A page rendered into its document, with the response headers (and the CSRF cookie when a form was issued). */
function renderPage(ctx: RequestContext, page: Page, assets: AssetUrls): { status: number; html: string; headers: Record<string, string> } {
  const nonce = newNonce();
  // rendered before the headers are made: rendering a form is what issues the CSRF token
  const html = renderInvitationPage(ctx.t, page, nonce, assets);
  const headers = invitationPageHeaders(nonce);
  if (ctx.csrf.fresh && ctx.formIssued) {
    headers['Set-Cookie'] = stringifySetCookie(CSRF_COOKIE, ctx.csrf.secret, { httpOnly: true, sameSite: 'strict', path: '/invitations', secure: ctx.secure });
  }
  return { status: page.status, html, headers };
}

/** The three routes' work, given the deps: each returns the page to send. */
function pageHandlers(deps: InvitationPagesDeps, log: PageLog) {
  const draft = async (req: Request, ctx: RequestContext): Promise<Page> => {
    const opened = await deps.invitations.open(tokenParam(req), 'draft');
    if (!opened.ok) {
      log(linkInvitation(opened.error)?.id, `draft.${problemOf(opened.error)}`);
      return linkProblemPage(ctx, opened.error, 'draft');
    }
    log(opened.invitation.id, 'draft.shown');
    return draftPage(ctx, opened.invitation, deps.invitations.linkFor(opened.invitation));
  };
  const review = async (req: Request, ctx: RequestContext): Promise<Page> => {
    const opened = await deps.invitations.open(tokenParam(req));
    if (!opened.ok) {
      log(linkInvitation(opened.error)?.id, `review.${problemOf(opened.error)}`);
      return linkProblemPage(ctx, opened.error, 'invite');
    }
    const inv = opened.invitation;
    log(inv.id, 'review.shown');
    if (inv.kind !== 'partnership') return customerPage(ctx, opened, customerPrefill(inv));
    const sessionToken = queryParam(req, 'session', sessionQuerySchema);
    const signedIn = sessionToken ? await signedInFor(deps.invitations, opened, sessionToken) : undefined;
    return partnershipPage(ctx, opened, { sessionGiven: sessionToken !== undefined, signedIn });
  };
  const post = async (req: Request, ctx: RequestContext): Promise<Page> => {
    const token = tokenParam(req);
    const raw: unknown = req.body ?? {};
    const parsed = invitationFormSchema.safeParse(raw);
    const csrfToken = parsed.success ? parsed.data.csrf : typeof (raw as { csrf?: unknown }).csrf === 'string' ? (raw as { csrf: string }).csrf : undefined;
    if (ctx.csrf.fresh || !csrfToken || !tokens.verify(ctx.csrf.secret, csrfToken)) {
      log(undefined, 'post.csrfRefused');
      return messagePage(ctx, 403, 'pages.csrf.title', [ctx.t('pages.csrf.text')], reopenButton(ctx, token, raw));
    }
    if (!parsed.success) {
      log(undefined, 'post.badForm');
      return messagePage(ctx, 400, 'pages.badForm.title', [ctx.t('pages.badForm.text')], reopenButton(ctx, token, raw));
    }
    const opened = await deps.invitations.open(token);
    if (!opened.ok) {
      log(linkInvitation(opened.error)?.id, `post.${problemOf(opened.error)}`);
      return linkProblemPage(ctx, opened.error, 'invite');
    }
    const handler = opened.invitation.kind === 'partnership' ? postPartnership : postCustomer;
    return handler(ctx, deps.invitations, opened, parsed.data, log);
  };
  return { draft, review, post };
}

/**
 * Registers the invitation pages on `server` (see the module comment for the routes). The body
 * parser must already be installed (`mapParams: false`), and the query parser. A page that fails
 * unexpectedly is answered 500 with the failure page (logged without details).
 */
export function registerInvitationPages(server: Server, deps: InvitationPagesDeps): void {
  const clock = deps.clock ?? (() => new Date());
  const log: PageLog = (invitationId, outcome) => deps.logger.info({ invitationId, outcome }, 'invitation page');
  const handlers = pageHandlers(deps, log);

  const handle = (page: 'review' | 'post' | 'draft', work: (req: Request, ctx: RequestContext) => Promise<Page>) => async (req: Request, res: Response) => {
    const ctx = contextFor(req, clock(), deps.assistantLinks);
    let rendered: ReturnType<typeof renderPage>;
    try {
      rendered = renderPage(ctx, await work(req, ctx), deps.assets);
    } catch (err) {
      deps.logger.error({ err: (err as Error).name, page }, 'invitation page failed');
      rendered = renderPage(ctx, messagePage(ctx, 500, 'pages.failure.title', [ctx.t('pages.failure.text')]), deps.assets);
    }
    sendHtml(res, rendered.status, rendered.html, rendered.headers);
  };

  // Wildcards, not `:token`: restify's router (find-my-way) refuses parameters longer than 100
  // characters with a bare 404, and signed tokens are longer (up to MAX_TOKEN_LENGTH). A static
  // `draft/` segment wins over the wildcard; a token never contains '/', so `open` refuses those.
  server.get('/invitations/draft/*', handle('draft', handlers.draft));
  server.get('/invitations/*', handle('review', handlers.review));
  server.post('/invitations/*', handle('post', handlers.post));
}

/** Paths whose 429 page offers to open the same page again (GET only: a form post is not repeated by a link). */
const REOPENABLE = /^\/(invitations|exports)\/[^/]/;

/**
 * Sends the 429 page of a request the rate limits refused (http/rateLimiter.ts): in the language
 * of Accept-Language, with the invitation pages' layout and security headers, and for a GET a
 * button that opens the same path and query again (the request's own, escaped by the renderer);
 * status 429 with `Retry-After` in seconds.
 */
export function rateLimitedPageSender(deps: { assets: AssetUrls; clock?: () => Date }): (req: Request, res: Response, retryAfterSeconds: number) => void {
  const clock = deps.clock ?? (() => new Date());
  return (req, res, retryAfterSeconds) => {
    const ctx = contextFor(req, clock());
    const path = req.getPath();
    const query = req.getQuery();
    const again = req.method === 'GET' && REOPENABLE.test(path) ? `${path}${typeof query === 'string' && query ? `?${query}` : ''}` : undefined;
    const rendered = renderPage(ctx, rateLimitedPage(ctx, retryAfterSeconds, again), deps.assets);
    sendHtml(res, rendered.status, rendered.html, { ...rendered.headers, 'Retry-After': String(retryAfterSeconds) });
  };
}
