/**
 * A local stand-in for the Partner Center REST API: the documented endpoints the client reads,
 * answering with the documented shapes (see `schemas.ts` and `test/fixtures/partnerCenter/`), on
 * 127.0.0.1 with an ephemeral port. The contract suite runs the client against it (and against
 * the real service when credentials are set); scripted faults give 429 with `Retry-After`, 401,
 * 403, 5xx, slow answers and broken bodies.
 *
 * Paging follows the documented collection shape: a page carries `links.next` with the uri
 * `/v1/customers?size=n&seekOperation=Next` and an `MS-ContinuationToken` header (the token is
 * this server's own: the offset of the next page, base64url). Tokens are opaque to the client.
 *
 * @module
 */
import type http from 'node:http';
import { LocalFakeServer } from '../app/localFakeServer.js';
import type { MpnProfile, LegalBusinessProfile, PartnerCenterCustomer, PartnerRelationship } from './schemas.js';

/** What the fake serves. */
export interface FakePartnerCenterData {
  customers: PartnerCenterCustomer[];
  /** Customer id -> the tenant id of the indirect provider that also serves it (the `IndirectCloudSolutionProvider` filter). */
  providerOfCustomer: Record<string, string>;
  /** Customer id -> the tenant id of its indirect reseller (the `IndirectReseller` filter, a provider's view). */
  resellerOfCustomer: Record<string, string>;
  /** `GET /v1/customers/{id}/relationships`, by customer id (absent: none). */
  customerRelationships: Record<string, PartnerRelationship[]>;
  /** `GET /v1/relationships?relationship_type=IsIndirectResellerOf` (the signed-in reseller's indirect providers). */
  indirectProviders: PartnerRelationship[];
  /** `GET /v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf` (a provider's indirect resellers). */
  indirectResellers: PartnerRelationship[];
  relationshipRequestUrl: string;
  mpnProfile: MpnProfile;
  legalBusinessProfile: LegalBusinessProfile;
}

/**
 * A scripted failure: the next `times` (default 1) requests whose path starts with `path` wait
 * `delayMs`, then get `status` with the documented error body (and `Retry-After`), or `rawBody`, or,
 * with neither, the normal answer (a slow service).
 */
export interface FakeFault {
  path: string;
  status?: number;
  times?: number;
  /** `Retry-After` header value (seconds, or an HTTP date). */
  retryAfter?: string;
  /** Answer after this many ms (a slow service; the client's time limit applies). */
  delayMs?: number;
  /** Send this raw text as a 200 body instead (an undocumented shape). */
  rawBody?: string;
}

/** One request the fake saw (the Authorization header is not kept). */
export interface SeenRequest {
  method: string;
  path: string;
  continuationToken?: string;
  requestId?: string;
  correlationId?: string;
}

const collection = <T>(items: T[], next?: { uri: string; token: string }) => ({
  totalCount: items.length,
  items,
  ...(next ? { links: { next: { uri: next.uri, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: next.token }] } } } : {}),
  attributes: { objectType: 'Collection' },
});

/** The documented error body (`get-partner-by-mpn-id.md`, error-codes.md). */
const errorBody = (status: number) => ({
  code: status === 404 ? 3000 : status,
  description: `fake Partner Center: HTTP ${status}`,
  data: [],
  source: 'PartnerFD',
});

/** The fake service. `start()` it, point the client at `url`, `stop()` it. */
export class FakePartnerCenter extends LocalFakeServer {
  private readonly faults: FakeFault[] = [];
  /** Requests received, oldest first. */
  readonly seen: SeenRequest[] = [];

  /**
   * @param data what to serve (mutable: tests change it between calls)
   * @param tokens accepted bearer tokens; a token maps to the path prefixes it may NOT read (403),
   *   the way a user without the admin agent role is refused
   */
  constructor(
    public data: FakePartnerCenterData,
    private readonly tokens: Record<string, string[]> = { 'fake-token': [] },
  ) {
    super();
  }

  /** Accepts `token` from now on, with the path prefixes it may not read (403), none by default. At most 10,000 tokens are kept (the oldest go first). */
  allow(token: string, forbidden: string[] = []): void {
    const keys = Object.keys(this.tokens);
    if (keys.length >= 10_000) delete this.tokens[keys[0]!];
    this.tokens[token] = forbidden;
  }

  /** Queues a scripted failure (see {@link FakeFault}). */
  fail(fault: FakeFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Forgets the scripted failures not used up and the requests seen. */
  reset(): void {
    this.faults.length = 0;
    this.seen.length = 0;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    const seen: SeenRequest = { method: req.method ?? 'GET', path: `${url.pathname}${url.search}` };
    const token = header('ms-continuationtoken');
    if (token) seen.continuationToken = token;
    const requestId = header('ms-requestid');
    if (requestId) seen.requestId = requestId;
    const correlationId = header('ms-correlationid');
    if (correlationId) seen.correlationId = correlationId;
    this.seen.push(seen);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(requestId ? { 'ms-requestid': requestId } : {}), ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const bearer = /^Bearer (.+)$/.exec(header('authorization') ?? '')?.[1];
    if (!bearer || !(bearer in this.tokens)) return send(401, errorBody(401));
    if (this.tokens[bearer]!.some((prefix) => url.pathname.startsWith(prefix))) return send(403, errorBody(403));
    const fault = this.faults.find((f) => url.pathname.startsWith(f.path) && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
      if (fault.rawBody !== undefined) return send(fault.status ?? 200, fault.rawBody);
      if (fault.status !== undefined && fault.status !== 200)
        return send(fault.status, errorBody(fault.status), fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    }
    const answer = this.route(url, token);
    return answer ? send(200, answer) : send(404, errorBody(404));
  }

  /** The customers a `filter` query selects (`{"Field","Value","Operator":"starts_with"}`), or undefined for an unknown field. */
  private filtered(filter: string): PartnerCenterCustomer[] | undefined {
    let f: { Field?: string; Value?: string };
    try {
      f = JSON.parse(filter) as { Field?: string; Value?: string };
    } catch {
      return undefined;
    }
    const by =
      f.Field === 'IndirectCloudSolutionProvider' ? this.data.providerOfCustomer : f.Field === 'IndirectReseller' ? this.data.resellerOfCustomer : undefined;
    const value = f.Value ?? '';
    return by ? this.data.customers.filter((c) => (by[c.id] ?? '').startsWith(value) && value !== '') : undefined;
  }

  /** The documented answer for `url`, or undefined (404). */
  private route(url: URL, continuation?: string): unknown {
    const d = this.data;
    const path = url.pathname;
    if (path === '/v1/customers') {
      const size = Math.max(1, Math.min(500, Number(url.searchParams.get('size') ?? 40) || 40));
      const offset = continuation && url.searchParams.get('seekOperation') === 'Next' ? Number(Buffer.from(continuation, 'base64url').toString()) : 0;
      const filter = url.searchParams.get('filter');
      const all = filter ? this.filtered(filter) : d.customers;
      if (!all) return undefined;
      const items = all.slice(offset, offset + size);
      const more = offset + size < all.length;
      const query = `size=${size}${filter ? `&filter=${encodeURIComponent(filter)}` : ''}&seekOperation=Next`;
      const next = more ? { uri: `/v1/customers?${query}`, token: Buffer.from(String(offset + size)).toString('base64url') } : undefined;
      return collection(items, next);
    }
    if (path === '/v1/relationships') {
      const type = url.searchParams.get('relationship_type');
      if (type === 'IsIndirectResellerOf') return collection(d.indirectProviders);
      if (type === 'IsIndirectCloudSolutionProviderOf') return collection(d.indirectResellers);
      return undefined;
    }
    if (path === '/v1/customers/relationshiprequests') return { url: d.relationshipRequestUrl, attributes: { objectType: 'RelationshipRequest' } };
    if (path === '/v1/profiles/mpn') return { ...d.mpnProfile, profileType: 'MpnProfile', attributes: { objectType: 'MpnProfile' } };
    if (path === '/v1/profiles/legalbusiness')
      return { ...d.legalBusinessProfile, profileType: 'LegalBusinessProfile', attributes: { objectType: 'LegalBusinessProfile' } };
    const customer = /^\/v1\/customers\/([^/]+)\/relationships$/.exec(path);
    if (customer) {
      const id = decodeURIComponent(customer[1]!);
      return d.customers.some((c) => c.id === id) ? collection(d.customerRelationships[id] ?? []) : undefined;
    }
    return undefined;
  }
}
