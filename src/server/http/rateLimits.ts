/**
 * The rate-limit policy of the public HTTP routes, in one table: which routes form a group, and how
 * many requests each group allows per client address and per token in a window. The numbers are
 * defaults; `RATE_LIMIT_HTTP` changes any of them (see src/config.ts). The mechanics (the
 * rate-limiter-flexible limiters, the restify handlers, the 429 answers) are in rateLimiter.ts.
 *
 * Every request of a limited route spends one point of its client address's budget first, then
 * (when the request carries one) one point of its token's budget; a request over either budget is
 * answered 429 with `Retry-After` (seconds, rounded up) and does nothing else. So a second link
 * opened from the same address has its own token budget, while the address budget still caps the
 * total. Tokens are keyed by their SHA-256 (never kept, compared or logged raw).
 *
 * **Client address.** The socket's remote address, nothing else: `X-Forwarded-For` and similar
 * headers are ignored, as any client can send them. An IPv4-mapped IPv6 address counts as its IPv4
 * address, and an IPv6 client counts by its /64 network (one subscriber usually holds a whole /64).
 * Behind a reverse proxy or load balancer (Azure App Service, Front Door, a gateway), every client
 * then shares the proxy's address budget: raise the `ip` numbers with `RATE_LIMIT_HTTP`, or limit
 * per client at the proxy.
 *
 * **Scope.** Limits are counted in this process's memory: each instance counts on its own, and a
 * restart forgets the counts. `POST /api/messages` is never limited here: the turn gate
 * (src/bot/turnGate.ts) limits each conversation on its own, so one busy or hostile client never
 * blocks the bot for other conversations.
 */
import type { HttpLimitGroup, HttpRateLimitOverride } from '../../config.js';

/** A budget: `points` requests per `seconds` (a fixed window that starts with the first request). */
export interface Budget {
  /** Requests allowed in one window. */
  points: number;
  /** Length of the window, in seconds. */
  seconds: number;
}

/** Where a group's requests carry their token. */
export type TokenSource =
  /** The route's wildcard: the signed link token of `/invitations/<token>`, `/exports/customers/<token>`. */
  | 'path'
  /** The JSON body's `assertion`: the portal's signed assertion of `POST /api/directline/token`. */
  | 'assertion'
  /** `Authorization: Bearer <token>`: the development Direct Line conversation token. */
  | 'bearer';

/** The policy of one route group. */
export interface RouteGroupPolicy {
  /** The group's routes as `METHOD path`, the path as registered with restify. */
  routes: readonly string[];
  /** Where its requests carry the token that {@link RouteGroupPolicy.perToken} counts. */
  token: TokenSource;
  /** How a refused request is answered: the localized HTML page (routes a browser opens) or JSON. */
  answer: 'page' | 'json';
  /** Budget of one client address (see the module comment). */
  ip: Budget;
  /** Budget of one token, whichever addresses it comes from. */
  perToken: Budget;
}

/** Every group's policy. */
export type RateLimitPolicy = Readonly<Record<HttpLimitGroup, RouteGroupPolicy>>;

/** The default policy: numbers per minute, each with the reason for it. */
export const DEFAULT_RATE_LIMITS: RateLimitPolicy = Object.freeze({
  /**
   * Invitation review and copy pages (`GET`).
   * - ip: 60 requests per 60 s. A partner opens an invitation page a few times (the email link, a
   *   reload, again after signing in); an office of partners behind one NAT address stays far below
   *   one page a second. A scraper or a token guesser is stopped after a minute's worth (tokens are
   *   HMAC-signed, so guessing never succeeds, but every request reads the store).
   * - token: 20 requests per 60 s. One link is read by one or two people; twenty loads of the same
   *   link in a minute is a script or a reload loop.
   */
  invitationPage: {
    routes: ['GET /invitations/*', 'GET /invitations/draft/*'],
    token: 'path',
    answer: 'page',
    ip: { points: 60, seconds: 60 },
    perToken: { points: 20, seconds: 60 },
  },
  /**
   * Accepting or declining on an invitation page (`POST`): each one checks CSRF, roles and the
   * link, and writes the invitation, the relationships and the change log.
   * - ip: 20 requests per 60 s. A person sends a form once, or a few times after fixing a field.
   * - token: 10 requests per 60 s. One invitation is answered once; ten tries in a minute cover
   *   corrections and double clicks.
   */
  invitationForm: {
    routes: ['POST /invitations/*'],
    token: 'path',
    answer: 'page',
    ip: { points: 20, seconds: 60 },
    perToken: { points: 10, seconds: 60 },
  },
  /**
   * The customer list CSV (`GET /exports/customers/<token>`): the most expensive read, the
   * tenant's whole classified customer list.
   * - ip: 20 requests per 60 s. A partner downloads the list once, or again after classifying more.
   * - token: 5 requests per 60 s. A link is good for one hour; five downloads a minute cover a
   *   retry and a second browser.
   */
  export: {
    routes: ['GET /exports/customers/*'],
    token: 'path',
    answer: 'page',
    ip: { points: 20, seconds: 60 },
    perToken: { points: 5, seconds: 60 },
  },
  /**
   * Production Web Chat tokens (`POST /api/directline/token`): each one costs a call to the Direct
   * Line service with our channel secret, which Direct Line rate-limits for every partner at once.
   * - ip: 30 requests per 60 s. The page asks once per load; a portal office behind one NAT
   *   address reloading its pages stays below, a loop hammering Direct Line does not.
   * - token: 5 requests per 60 s. The portal mints an assertion per page load (valid at most ten
   *   minutes); the page posts it once, a reconnect or two at most.
   */
  directLineToken: {
    routes: ['POST /api/directline/token'],
    token: 'assertion',
    answer: 'json',
    ip: { points: 30, seconds: 60 },
    perToken: { points: 5, seconds: 60 },
  },
  /**
   * The development Direct Line's session routes (only with auth off, and then the server binds
   * to loopback only): generate and start create in-memory conversations (500 kept, the oldest
   * evicted), so a flood would evict real chats. Activities (`GET`/`POST .../activities`, Web Chat
   * polls every 300 ms) and the bot's `/devconnector` replies are not limited: the turn gate limits
   * what reaches the bot.
   * - ip: 120 requests per 60 s. A developer reloading the page, or the browser tests opening page
   *   after page, stay below (a page load takes two of these requests).
   * - token: 30 requests per 60 s. Start, reconnect and refresh of one conversation happen a few
   *   times per page load.
   */
  devDirectLine: {
    routes: [
      'POST /v3/directline/tokens/generate',
      'POST /v3/directline/tokens/refresh',
      'POST /v3/directline/conversations',
      'GET /v3/directline/conversations/:conversationId',
    ],
    token: 'bearer',
    answer: 'json',
    ip: { points: 120, seconds: 60 },
    perToken: { points: 30, seconds: 60 },
  },
});

/**
 * Routes deliberately left out of the table, and why (a test checks that every registered route is
 * in exactly one of the two).
 */
export const UNLIMITED_ROUTES: Readonly<Record<string, string>> = Object.freeze({
  'POST /api/messages': 'the bot endpoint: JWT-checked when auth is on, limited per conversation by the turn gate',
  'GET /healthz': 'probes; a constant answer',
  'GET /': 'the Web Chat page: static, rendered from the URL only',
  'GET /assets/:file': 'built scripts and stylesheets, served from memory and cached by browsers',
  'GET /webchat/webchat.js': 'the Web Chat bundle, served from memory and cached by browsers',
  'POST /v3/directline/conversations/:conversationId/activities': 'development only: what reaches the bot is limited by the turn gate',
  'GET /v3/directline/conversations/:conversationId/activities': 'development only: Web Chat polls every 300 ms; reads memory only',
  'POST /devconnector/v3/conversations/:conversationId/activities': "development only: the bot's own replies",
  'POST /devconnector/v3/conversations/:conversationId/activities/:activityId': "development only: the bot's own replies",
  'PUT /devconnector/v3/conversations/:conversationId/activities/:activityId': "development only: the bot's own updates",
  'DELETE /devconnector/v3/conversations/:conversationId/activities/:activityId': "development only: the bot's own deletions",
});

/**
 * The policy with `overrides` (`RATE_LIMIT_HTTP`) applied over `base`: each override replaces one
 * budget of one group.
 */
export function rateLimitPolicy(overrides: readonly HttpRateLimitOverride[] = [], base: RateLimitPolicy = DEFAULT_RATE_LIMITS): RateLimitPolicy {
  const policy = Object.fromEntries(Object.entries(base).map(([group, p]) => [group, { ...p }])) as Record<HttpLimitGroup, RouteGroupPolicy>;
  for (const { group, scope, points, seconds } of overrides) {
    policy[group] = { ...policy[group], [scope === 'ip' ? 'ip' : 'perToken']: { points, seconds } };
  }
  return policy;
}
