/**
 * What can go wrong talking to Partner Center, as values a journey can explain to the partner in
 * their language (`partnerCenter.errors.<code>` in the locale files).
 *
 * @module
 */

/**
 * Why a Partner Center call failed:
 * - `unauthorized` (401): the sign-in expired or the token is not for Partner Center; sign in again.
 * - `forbidden` (403): the signed-in user lacks the Partner Center role the call needs (for example
 *   admin agent), or the tenant is not a CSP partner.
 * - `notFound` (404): the customer, relationship or profile does not exist (any more).
 * - `throttled` (429): Partner Center asked to slow down for longer than this client waits.
 * - `unavailable` (5xx after the retries): Partner Center is down or overloaded; try later.
 * - `timeout`: no answer within the time limit (after the retries).
 * - `network`: the connection failed (DNS, TLS, reset) after the retries.
 * - `badResponse`: an answer that is not the documented shape (a contract break; logged, not retried).
 * - `badRequest` (other 4xx): the request was refused as it is.
 */
export type PartnerCenterErrorCode =
  'unauthorized' | 'forbidden' | 'notFound' | 'throttled' | 'unavailable' | 'timeout' | 'network' | 'badResponse' | 'badRequest';

/** Every code, for the locale completeness test. */
export const PARTNER_CENTER_ERROR_CODES: readonly PartnerCenterErrorCode[] = [
  'unauthorized',
  'forbidden',
  'notFound',
  'throttled',
  'unavailable',
  'timeout',
  'network',
  'badResponse',
  'badRequest',
];

/**
 * A failed Partner Center call. The message names the operation and the HTTP status, never the
 * token or the response body (which can hold customer data).
 */
export class PartnerCenterError extends Error {
  override readonly name = 'PartnerCenterError';

  constructor(
    /** Why it failed (see {@link PartnerCenterErrorCode}). */
    readonly code: PartnerCenterErrorCode,
    /** The operation, e.g. `GET /v1/customers`. */
    readonly operation: string,
    /** The HTTP status of the last answer, when there was one. */
    readonly status?: number,
    /** Partner Center's `MS-RequestId` / `MS-CorrelationId` of the last attempt, for support. */
    readonly requestId?: string,
    /** For `throttled`: how long Partner Center asked to wait, in ms. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(`Partner Center ${operation}: ${code}${status ? ` (HTTP ${status})` : ''}`, options);
  }

  /** The locale key of the partner-facing explanation. */
  get messageKey(): string {
    return `partnerCenter.errors.${this.code}`;
  }
}

/** The error code for an HTTP status that is final (not retried). */
export function codeForStatus(status: number): PartnerCenterErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  return 'badRequest';
}

/**
 * The partner-facing explanation of `error` in the translator's language (`partnerCenter.errors.<code>`;
 * `throttled` names the seconds to wait, at least 1).
 */
export function describePartnerCenterError(
  t: (key: string, params?: Record<string, string | number | undefined>) => string,
  error: PartnerCenterError,
): string {
  return t(error.messageKey, { seconds: Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000)) });
}
