/**
 * The HTTP core of the Partner Center REST client: one GET with the documented headers, bounded
 * retries that honour `Retry-After`, a time limit per attempt, and answers checked against the
 * documented shape (zod). No endpoint knowledge here; see `client.ts`.
 *
 * Sources (MicrosoftDocs/partner-center-sdk `develop/`, commit de1e685): `headers.md` (Authorization:
 * Bearer, Accept: application/json, MS-RequestId kept for a retry after a time-out and new after
 * any answer, MS-CorrelationId), `error-codes.md` and the API throttling guidance (HTTP 429 with
 * `Retry-After` in seconds; wait, then back off). Fixtures with citations: `test/fixtures/partnerCenter/`.
 *
 * @module
 */
import { parseRetryAfter } from '../app/retryAfter.js';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { PartnerCenterError, codeForStatus } from './errors.js';

/** The production endpoint (Partner Center REST, global cloud). */
export const PARTNER_CENTER_BASE_URL = 'https://api.partnercenter.microsoft.com';

/**
 * Gives a bearer token for Partner Center (`https://api.partnercenter.microsoft.com/user_impersonation`
 * for App+User). Called before every attempt, so a token service that refreshes tokens (MSAL's
 * cache) is asked each time; the client never keeps or logs the token. Whatever it throws reaches
 * the caller unchanged and is not retried (a missing consent is not a Partner Center outage).
 */
export type TokenProvider = (signal?: AbortSignal) => Promise<string>;

/** How the core retries and waits. All times in ms. */
export interface RetryPolicy {
  /** Attempts in all, first included (default 4). */
  attempts: number;
  /** First back-off without a `Retry-After` (default 500 ms), doubled per attempt, with full jitter. */
  baseDelayMs: number;
  /** The longest `Retry-After` this client waits (default 30,000 ms); a longer one fails as `throttled`. */
  maxRetryAfterMs: number;
  /** Time limit of one attempt (default 30,000 ms). */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxRetryAfterMs: 30_000, timeoutMs: 30_000 };

/** What {@link PartnerCenterHttp} needs. */
export interface PartnerCenterHttpOptions {
  token: TokenProvider;
  /** Default {@link PARTNER_CENTER_BASE_URL}; tests and `PARTNER_CENTER_MODE=fake` pass the fake server's. */
  baseUrl?: string;
  retry?: Partial<RetryPolicy>;
  /** Waits `ms` (tests record the waits instead of sleeping). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default the global fetch. */
  fetch?: typeof fetch;
}

/** One GET: the path under the base URL (`/v1/customers?size=100`), extra headers, the caller's abort signal. */
export interface GetRequest {
  path: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** A failure worth another attempt: its error, and the wait Partner Center asked for. */
type Retryable = { error: PartnerCenterError; waitMs?: number };

/**
 * GETs Partner Center resources. Retries 429 (after `Retry-After`, else back-off), 5xx, time-outs
 * and network errors, up to `attempts`; 401, 403, 404 and other 4xx fail at once.
 */
export class PartnerCenterHttp {
  readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PartnerCenterHttpOptions) {
    this.baseUrl = (options.baseUrl ?? PARTNER_CENTER_BASE_URL).replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? realSleep;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /**
   * GETs `request.path` and returns the body checked against `schema`, with the answer's headers.
   * @throws PartnerCenterError (see `errors.ts` for the codes); an AbortError when `request.signal` aborts.
   */
  async get<S extends z.ZodType>(request: GetRequest, schema: S): Promise<{ body: z.infer<S>; headers: Headers }> {
    const operation = `GET ${request.path.split('?')[0]}`;
    // headers.md: a new MS-CorrelationId per call; the same MS-RequestId again only after an attempt
    // that got no answer (a time-out or a broken connection), a new one after any answer
    const ids = { correlationId: randomUUID(), requestId: randomUUID() };
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request, operation, schema, ids);
      if (!('error' in outcome)) return outcome;
      if (outcome.error.status !== undefined) ids.requestId = randomUUID();
      const last = attempt >= this.policy.attempts;
      const tooLong = outcome.waitMs !== undefined && outcome.waitMs > this.policy.maxRetryAfterMs;
      if (last || tooLong) throw outcome.error;
      const backoff = Math.random() * this.policy.baseDelayMs * 2 ** (attempt - 1);
      await this.sleep(outcome.waitMs ?? backoff, request.signal);
    }
  }

  /** One attempt: the parsed answer, or a retryable failure; throws final failures. */
  private async attempt<S extends z.ZodType>(
    request: GetRequest,
    operation: string,
    schema: S,
    { correlationId, requestId }: { correlationId: string; requestId: string },
  ): Promise<{ body: z.infer<S>; headers: Headers } | Retryable> {
    const timeout = AbortSignal.timeout(this.policy.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    // a token the provider cannot give (e.g. consent missing) is not Partner Center's failure:
    // its error goes to the caller as it is, without retrying
    const token = await this.options.token(signal);
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${request.path}`, {
        method: 'GET',
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${token}`,
          'MS-RequestId': requestId,
          'MS-CorrelationId': correlationId,
          ...request.headers,
        },
        signal,
      });
    } catch (err) {
      if (request.signal?.aborted) throw request.signal.reason;
      const code = timeout.aborted ? 'timeout' : 'network';
      return { error: new PartnerCenterError(code, operation, undefined, requestId, undefined, { cause: err }) };
    }
    if (response.ok) {
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new PartnerCenterError('badResponse', operation, response.status, requestId, undefined, { cause: parsed.error });
      return { body: parsed.data, headers: response.headers };
    }
    await response.body?.cancel();
    const waitMs = parseRetryAfter(response.headers.get('retry-after'), new Date());
    const error = new PartnerCenterError(codeForStatus(response.status), operation, response.status, requestId, waitMs);
    if (response.status === 429 || response.status >= 500) return { error, ...(waitMs !== undefined ? { waitMs } : {}) };
    throw error;
  }
}
