/**
 * The rate limits of the public HTTP routes at work: one rate-limiter-flexible memory limiter per
 * group and budget (the policy and its reasons are in rateLimits.ts), and two restify handlers that
 * apply them to every request of a limited route. {@link HttpRateLimiter.byAddress} runs before the
 * body is parsed, so a refused request costs no parsing; {@link HttpRateLimiter.byToken} runs after
 * (the portal assertion is in the JSON body). Refusals are 429 with `Retry-After` and `Cache-Control:
 * no-store`: the group's localized page, or JSON `{ error: { code: 'rateLimited', retryAfterSeconds,
 * message } }`. A refusal is logged once per client or token and window, naming the group, the
 * budget, the client address (for a firewall rule) or the first 12 hex digits of the token's SHA-256.
 */
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Next, Request, RequestHandler, Response } from 'restify';
import type { HttpLimitGroup } from '../../config.js';
import type { Logger } from '../../logger.js';
import { tokenParam } from './params.js';
import type { RateLimitPolicy, RouteGroupPolicy } from './rateLimits.js';

/** Longest token read for counting, in characters (longer input is cut; the route refuses it anyway). */
const MAX_COUNTED_TOKEN = 4096;
/** Refusals remembered for "log once per window" before expired entries are swept. */
const MAX_TOLD = 10_000;

/** Answers a refused request of a group whose answer is `page` (the invitation pages' 429 page). */
export type RateLimitedPage = (req: Request, res: Response, retryAfterSeconds: number) => void;

/** What {@link HttpRateLimiter} needs. */
export interface HttpRateLimiterDeps {
  logger: Logger;
  /** Sends the localized 429 page (invitationPages.ts). */
  page: RateLimitedPage;
}

/**
 * The key of a client address: the socket's remote address (see rateLimits.ts on proxies); an
 * IPv4-mapped IPv6 address as IPv4; other IPv6 addresses by their /64 network (`2001:db8:0:1::/64`).
 */
export function clientAddressKey(remote: string | undefined): string {
  if (!remote) return 'unknown';
  const address = remote.split('%')[0]!;
  if (!ipaddr.isValid(address)) return address.toLowerCase();
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** SHA-256 of a token, hex: the only form a token is counted under. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token a request of `policy` carries, `''` when none. */
function tokenOf(req: Request, source: RouteGroupPolicy['token']): string {
  if (source === 'path') return tokenParam(req);
  if (source === 'bearer') {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    return match ? match[1]!.slice(0, MAX_COUNTED_TOKEN) : '';
  }
  const assertion: unknown = (req.body as { assertion?: unknown } | undefined)?.assertion;
  return typeof assertion === 'string' ? assertion.slice(0, MAX_COUNTED_TOKEN) : '';
}

/** `Retry-After` for a wait of `ms` milliseconds: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The two limiters of a group. */
interface GroupLimiters {
  policy: RouteGroupPolicy;
  ip: RateLimiterMemory;
  token: RateLimiterMemory;
}

/** Applies a {@link RateLimitPolicy} to restify requests (see the module comment). */
export class HttpRateLimiter {
  private readonly groups = new Map<HttpLimitGroup, GroupLimiters>();
  /** `METHOD path` of each limited route -> its group. */
  private readonly routes = new Map<string, HttpLimitGroup>();
  /** Refusals already logged, until the end of their window (ms since the epoch). */
  private readonly told = new Map<string, number>();

  constructor(
    policy: RateLimitPolicy,
    private readonly deps: HttpRateLimiterDeps,
  ) {
    for (const [group, p] of Object.entries(policy) as Array<[HttpLimitGroup, RouteGroupPolicy]>) {
      this.groups.set(group, {
        policy: p,
        ip: new RateLimiterMemory({ keyPrefix: `${group}:ip`, points: p.ip.points, duration: p.ip.seconds }),
        token: new RateLimiterMemory({ keyPrefix: `${group}:token`, points: p.perToken.points, duration: p.perToken.seconds }),
      });
      for (const route of p.routes) this.routes.set(route, group);
    }
  }

  /** The group of the route `req` matched, if it is limited. */
  groupOf(req: Request): HttpLimitGroup | undefined {
    const route = req.getRoute?.();
    return route ? this.routes.get(`${String(route.method).toUpperCase()} ${String(route.path)}`) : undefined;
  }

  /** restify handler: spends a point of the client address's budget; 429 when it is used up. */
  readonly byAddress: RequestHandler = (req: Request, res: Response, next: Next) => {
    const group = this.groupOf(req);
    if (!group) return next();
    this.spend(req, res, next, group, 'ip', clientAddressKey(req.socket?.remoteAddress));
  };

  /** restify handler (after the body parser): spends a point of the request token's budget; 429 when it is used up. */
  readonly byToken: RequestHandler = (req: Request, res: Response, next: Next) => {
    const group = this.groupOf(req);
    const token = group ? tokenOf(req, this.groups.get(group)!.policy.token) : '';
    if (!group || !token) return next();
    this.spend(req, res, next, group, 'token', tokenKey(token));
  };

  /**
   * Spends one point of `key` in `group`'s `scope` budget, then continues or refuses. A limiter
   * failure lets the request through; both it and a failure further down the chain are logged,
   * never left as an unhandled rejection.
   */
  private spend(req: Request, res: Response, next: Next, group: HttpLimitGroup, scope: 'ip' | 'token', key: string): void {
    const limiters = this.groups.get(group)!;
    limiters[scope]
      .consume(key)
      .then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof RateLimiterRes)) {
            this.deps.logger.error({ group, scope, err: (err as Error)?.name }, 'rate limiter failed; request let through');
            return next();
          }
          const seconds = retryAfterSeconds(err.msBeforeNext);
          this.logOnce(group, scope, key, err.msBeforeNext, seconds);
          this.refuse(req, res, limiters.policy, seconds);
          next(false);
        },
      )
      .catch((err: unknown) => this.deps.logger.error({ group, err: (err as Error)?.name }, 'request failed after the rate limit check'));
  }

  /** The 429 answer: `Retry-After`, no caching, and the group's page or JSON (plain text if the page fails). */
  private refuse(req: Request, res: Response, policy: RouteGroupPolicy, seconds: number): void {
    res.setHeader('Retry-After', String(seconds));
    res.setHeader('Cache-Control', 'no-store');
    if (policy.answer === 'json') {
      res.json(429, { error: { code: 'rateLimited', retryAfterSeconds: seconds, message: `Too many requests. Try again in ${seconds} s.` } });
      return;
    }
    try {
      this.deps.page(req, res, seconds);
    } catch (err) {
      this.deps.logger.error({ err: (err as Error)?.name }, 'rate limit page failed');
      if (res.headersSent) return;
      res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end(`Too many requests. Try again in ${seconds} s.`);
    }
  }

  private logOnce(group: HttpLimitGroup, scope: 'ip' | 'token', key: string, msBeforeNext: number, seconds: number): void {
    const now = Date.now();
    const id = `${group}:${scope}:${key}`;
    if ((this.told.get(id) ?? 0) > now) return;
    if (this.told.size >= MAX_TOLD) for (const [k, until] of this.told) if (until <= now) this.told.delete(k);
    if (this.told.size < MAX_TOLD) this.told.set(id, now + msBeforeNext);
    const who = scope === 'ip' ? { client: key } : { tokenSha256: key.slice(0, 12) };
    this.deps.logger.warn({ group, budget: scope, ...who, retryAfterSeconds: seconds }, 'rate limit reached; requests refused with 429');
  }
}
