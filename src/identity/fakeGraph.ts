/**
 * A local stand-in for Microsoft Graph's `GET /v1.0/me/transitiveMemberOf` (groups and directory
 * roles of the signed-in user, documented shape: `value` of directory objects with `@odata.type`,
 * paged by `@odata.nextLink`), on 127.0.0.1 with an ephemeral port. Each accepted bearer
 * token stands for one user and their memberships. Scripted faults give 401, 403, 429 and 5xx.
 *
 * @module
 */
import type http from 'node:http';
import { LocalFakeServer } from '../app/localFakeServer.js';
import type { MembershipObject } from './graphRoles.js';

/** The fake Microsoft Graph. `start()` it, point the reader at `url`, `stop()` it. */
export class FakeGraph extends LocalFakeServer {
  private readonly faults: Array<{ status: number; retryAfter?: string; times: number }> = [];
  /** Paths requested, oldest first. */
  readonly seen: string[] = [];

  /** @param users bearer token -> that user's memberships */
  constructor(public users: Record<string, MembershipObject[]>) {
    super();
  }

  /** The next `times` requests (default 1) get `status` (with `Retry-After`). */
  fail(status: number, times = 1, retryAfter?: string): void {
    this.faults.push({ status, times, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.seen.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: string) => ({ error: { code, message: `fake Microsoft Graph: HTTP ${status}` } });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const memberships = token ? this.users[token] : undefined;
    if (!memberships) return send(401, error(401, 'InvalidAuthenticationToken'));
    const fault = this.faults.find((f) => f.times > 0);
    if (fault) {
      fault.times--;
      return send(
        fault.status,
        error(fault.status, fault.status === 403 ? 'Authorization_RequestDenied' : 'TooManyRequests'),
        fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
      );
    }
    if (url.pathname !== '/v1.0/me/transitiveMemberOf') return send(404, error(404, 'Request_ResourceNotFound'));
    const top = Math.max(1, Math.min(999, Number(url.searchParams.get('$top') ?? 100) || 100));
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
    const select = (url.searchParams.get('$select') ?? '').split(',').filter(Boolean);
    const page = memberships
      .slice(skip, skip + top)
      .map((m) => (select.length ? Object.fromEntries(Object.entries(m).filter(([k]) => k === '@odata.type' || select.includes(k))) : m));
    // the real Graph's nextLink is absolute (https://graph.microsoft.com/v1.0/...); the client reads an
    // absolute link only for https hosts, so this http fake gives it relative to the version root
    const next =
      skip + top < memberships.length
        ? `/me/transitiveMemberOf?$top=${top}&$skiptoken=${skip + top}${select.length ? `&$select=${select.join(',')}` : ''}`
        : undefined;
    send(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects', value: page, ...(next ? { '@odata.nextLink': next } : {}) });
  }
}
