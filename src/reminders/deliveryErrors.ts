/**
 * What a failed proactive send means, read from the Bot Connector's answer: a pure classification
 * (`permanent`: never retried; `transient`: retried with back-off) and the back-off itself. No I/O.
 *
 * | Answer                                                          | Kind      | Reason             |
 * | --------------------------------------------------------------- | --------- | ------------------ |
 * | 403 `BotNotInConversationRoster`, `ForbiddenOperationException` | permanent | `removed`          |
 * | 403 `ConversationBlockedByUser`, subCode `MessageWritesBlocked` | permanent | `blocked`          |
 * | 403 `BotDisabledByAdmin`                                        | permanent | `disabledByAdmin`  |
 * | 403 anything else (`NotEnoughPermissions`, `InvalidBotApiHost`) | permanent | `refused`          |
 * | 404 (`ConversationNotFound`)                                    | permanent | `conversationGone` |
 * | 400, 413 and other 4xx not named here                           | permanent | `rejected`         |
 * | 401 (`BotNotRegistered`, bad token), the bot's token refused    | transient | `credentials`      |
 * | 429 (`Throttled`)                                               | transient | `throttled`        |
 * | 5xx, 408, 412 (`PreconditionFailed`)                            | transient | `serviceError`     |
 * | no answer: connection refused or reset, DNS, timeout            | transient | `network`          |
 * | any other error                                                 | transient | `unknown`          |
 *
 * Sources (read November 2026):
 * - Microsoft Teams platform docs, "Send and receive messages", sections "Status codes from bot
 *   conversational APIs" and "Status codes retry guidance"
 *   (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages#status-codes-from-bot-conversational-apis):
 *   the 403 codes above, 404 `ConversationNotFound` and 401 `BotNotRegistered` are "Retry: No"
 *   (for `BotNotInConversationRoster`: wait for an `installationUpdate`; for
 *   `ConversationBlockedByUser` / `BotDisabledByAdmin`: stop posting until a user writes to the
 *   bot again); 412, 429, 502, 503, 504 are "Retry: Yes", 429 "using `Retry-After`".
 * - "Proactive messages", "Understand who blocked, muted, or uninstalled a bot"
 *   (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages):
 *   a blocked or uninstalled bot gets 403 with `subCode: MessageWritesBlocked`.
 * - "Optimize your bot with rate limiting" (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit):
 *   back off from 429 exponentially "with a random jitter"; 412, 502 and 504 are retried too.
 * - RFC 9110 section 10.2.3: `Retry-After` is delay-seconds or an HTTP-date.
 *
 * Two decisions differ from a literal reading of the Teams table:
 * - **401 is transient** (`credentials`). It says the bot's own registration or secret is wrong
 *   (expired client secret, wrong app id), which is the same for every reminder of every tenant and
 *   is fixed by whoever runs the assistant. Stopping at once would fail every reminder due during
 *   such an outage for good; retrying on the normal back-off (a handful of requests, minutes apart)
 *   lets the reminders go out once it is fixed, and the give-up reason then names the cause.
 * - **500 is transient** like the other 5xx (the table says "No"): reminders are retried at most
 *   {@link MAX_DELIVERY_ATTEMPTS} times, minutes apart, which is not the request storm the guidance
 *   guards against, and a lost reminder costs more than four extra requests.
 */
import { parseRetryAfter } from '../app/retryAfter.js';
import {
  MAX_DELIVERY_ATTEMPTS,
  RETRY_STEP_MS,
  type DeliveryFailure,
  type DeliveryFailureReason,
  type DeliveryOutcome,
  type Reminder,
} from '../domain/reminders.js';

/** A send failure classified: `retryAfterMs` is how long the channel asked to wait (`Retry-After`), when it did. */
export interface ClassifiedFailure {
  kind: DeliveryFailure['kind'];
  reason: DeliveryFailureReason;
  status?: number;
  code?: string;
  retryAfterMs?: number;
}

/** Longest back-off between two attempts (ms), whatever the attempt count. */
export const RETRY_CAP_MS = 60 * 60_000;
/** Back-off jitter: each wait is the base wait times a random factor in [1 - J, 1 + J]. */
export const RETRY_JITTER = 0.2;
/** Longest `Retry-After` honoured (ms): a longer (or broken) header cannot park a reminder for more than a day. */
export const RETRY_AFTER_MAX_MS = 24 * 3_600_000;

/** 403 error codes (or subCodes) that say the message can never reach that conversation, and why. */
const FORBIDDEN: Readonly<Record<string, DeliveryFailureReason>> = {
  BotNotInConversationRoster: 'removed',
  ForbiddenOperationException: 'removed',
  ConversationBlockedByUser: 'blocked',
  MessageWritesBlocked: 'blocked',
  BotDisabledByAdmin: 'disabledByAdmin',
};

/** Error codes of sends that never got an HTTP answer (Node system errors, undici, core-rest-pipeline). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

/** MSAL / Entra ID answers that mean the bot's own credentials were refused (AADSTS7000215 invalid secret, 7000222 expired, 700016 unknown app). */
const CREDENTIAL_ERROR = /invalid_client|unauthorized_client|AADSTS(7000215|7000222|700016)\b/;

/** What the channel answered, read from a botbuilder `RestError`, this app's `ChannelSendError` or any error. */
interface ChannelAnswer {
  status?: number;
  code?: string;
  body?: string;
  retryAfter?: string;
}

/** Reads status, error code, body and `Retry-After` from the shapes a failed send takes (see {@link ChannelAnswer}). */
export function channelAnswerOf(error: unknown): ChannelAnswer {
  if (!error || typeof error !== 'object') return {};
  const e = error as {
    statusCode?: unknown;
    code?: unknown;
    body?: unknown;
    retryAfter?: unknown;
    response?: { status?: unknown; bodyAsText?: unknown; headers?: { get?: (name: string) => unknown } };
  };
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.response?.status === 'number' ? e.response.status : undefined;
  const body = typeof e.body === 'string' ? e.body : typeof e.response?.bodyAsText === 'string' ? e.response.bodyAsText : undefined;
  const header = typeof e.retryAfter === 'string' ? e.retryAfter : e.response?.headers?.get?.('retry-after');
  return {
    ...(status !== undefined ? { status } : {}),
    ...(typeof e.code === 'string' && e.code ? { code: e.code } : {}),
    ...(body ? { body } : {}),
    ...(typeof header === 'string' ? { retryAfter: header } : {}),
  };
}

/** The Teams error code of a 403: the body's `error.code`, else a known code or subCode named anywhere in the body. */
function forbiddenReason(answer: ChannelAnswer): DeliveryFailureReason {
  const named = answer.code && FORBIDDEN[answer.code];
  if (named) return named;
  const inBody = Object.keys(FORBIDDEN).find((code) => answer.body?.includes(code));
  return inBody ? FORBIDDEN[inBody]! : 'refused';
}

/** The code to record: the answer's own, else the known code named in its body (a nested subCode). */
function codeOf(answer: ChannelAnswer): string | undefined {
  return answer.code ?? Object.keys(FORBIDDEN).find((code) => answer.body?.includes(code));
}

/** Classifies a send that got an HTTP answer with an error status (see the module table). */
function classifyAnswer(answer: ChannelAnswer & { status: number }, now: Date): ClassifiedFailure {
  const { status } = answer;
  const code = codeOf(answer);
  const base = { status, ...(code ? { code } : {}) };
  const retryAfterMs = parseRetryAfter(answer.retryAfter, now);
  const wait = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (status === 401) return { kind: 'transient', reason: 'credentials', ...base };
  if (status === 403) return { kind: 'permanent', reason: forbiddenReason(answer), ...base };
  if (status === 404) return { kind: 'permanent', reason: 'conversationGone', ...base };
  if (status === 429) return { kind: 'transient', reason: 'throttled', ...base, ...wait };
  if (status >= 500 || status === 408 || status === 412) return { kind: 'transient', reason: 'serviceError', ...base, ...wait };
  if (status >= 400) return { kind: 'permanent', reason: 'rejected', ...base };
  return { kind: 'transient', reason: 'unknown', ...base };
}

/**
 * Classifies a failed proactive send (see the module table and its sources): the error a
 * botbuilder send throws (`RestError` with `statusCode`, `code` and the response), the one
 * `proactiveDelivery` throws when it refuses the SDK's own retries (`ChannelSendError`), a network
 * error (`ECONNRESET`...), a timeout (`AbortError`, `TimeoutError`), an MSAL error, or anything else.
 * Pure: `now` only turns an HTTP-date `Retry-After` into a wait.
 */
export function classifyDeliveryError(error: unknown, now: Date): ClassifiedFailure {
  const answer = channelAnswerOf(error);
  if (answer.status !== undefined && answer.status >= 300) return classifyAnswer({ ...answer, status: answer.status }, now);
  const e = (error && typeof error === 'object' ? error : {}) as { name?: unknown; message?: unknown; errorCode?: unknown; cause?: unknown };
  const text = `${String(e.errorCode ?? '')} ${String(e.message ?? '')}`;
  if (CREDENTIAL_ERROR.test(text)) return { kind: 'transient', reason: 'credentials' };
  if ((answer.code && NETWORK_CODES.has(answer.code)) || e.name === 'AbortError' || e.name === 'TimeoutError') {
    return { kind: 'transient', reason: 'network', code: answer.code ?? 'timeout' };
  }
  // a wrapper (ChannelSendError without an answer) keeps what it wraps as `cause`
  if (e.cause && e.cause !== error) return classifyDeliveryError(e.cause, now);
  return { kind: 'transient', reason: 'unknown' };
}

/**
 * Wait before attempt `attempts + 1` after a transient failure (ms): `attempts × RETRY_STEP_MS`
 * (5, 10, 15, 20 minutes) capped at {@link RETRY_CAP_MS}, times a jitter factor in
 * [1 - {@link RETRY_JITTER}, 1 + {@link RETRY_JITTER}] so reminders that failed together do not
 * come back together; never shorter than the channel's `Retry-After` (itself capped at
 * {@link RETRY_AFTER_MAX_MS}, plus up to half the jitter so throttled reminders spread out too).
 * @param random a number in [0, 1) (`Math.random`; tests pass a fixed one)
 */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, random: number): number {
  const backoff = Math.min(RETRY_CAP_MS, Math.max(1, attempts) * RETRY_STEP_MS) * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random);
  const asked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, RETRY_AFTER_MAX_MS) * (1 + (RETRY_JITTER / 2) * random);
  return Math.round(Math.max(Math.min(backoff, RETRY_CAP_MS), asked));
}

/**
 * The outcome to record for `reminder` (already counting this attempt in `attempts`) after its
 * send failed as `failure`: a permanent failure, or a transient one with no attempt left, ends it
 * (`failed`); otherwise it is tried again after {@link retryDelayMs}.
 */
export function failedOutcome(reminder: Reminder, failure: ClassifiedFailure, now: Date, random: number): DeliveryOutcome {
  const stored: DeliveryFailure = {
    kind: failure.kind,
    reason: failure.reason,
    at: now.toISOString(),
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(failure.code ? { code: failure.code } : {}),
  };
  if (failure.kind === 'permanent' || reminder.attempts >= MAX_DELIVERY_ATTEMPTS) return { failure: stored };
  return { failure: stored, retryAt: new Date(now.getTime() + retryDelayMs(reminder.attempts, failure.retryAfterMs, random)).toISOString() };
}
