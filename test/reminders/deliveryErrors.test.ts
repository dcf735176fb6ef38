/**
 * The delivery-failure classification on its own (pure): each Bot Connector answer of the Teams
 * "Status codes from bot conversational APIs" table in the shapes a send throws (botbuilder's
 * `RestError`, this app's `ChannelSendError`, network errors, timeouts, MSAL errors), `Retry-After`
 * in both forms, and the back-off (jitter, cap, never before `Retry-After`).
 */
import { parseRetryAfter } from '../../src/app/retryAfter.js';
import { expect } from 'chai';
import { MAX_DELIVERY_ATTEMPTS, RETRY_STEP_MS, type Reminder } from '../../src/domain/reminders.js';
import {
  RETRY_AFTER_MAX_MS,
  RETRY_CAP_MS,
  channelAnswerOf,
  classifyDeliveryError,
  failedOutcome,
  retryDelayMs,
  type ClassifiedFailure,
} from '../../src/reminders/deliveryErrors.js';
import { ChannelSendError } from '../../src/reminders/proactiveDelivery.js';

const NOW = new Date('2026-11-28T09:00:00Z');
const MIN = 60_000;

/** What botbuilder 4.23 throws for an error answer: a core-rest-pipeline `RestError` (statusCode, code from the body, response). */
function restError(status: number, body?: unknown, headers: Record<string, string> = {}): Error {
  const text = body === undefined ? '' : JSON.stringify(body);
  const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
  return Object.assign(new Error(code ?? ''), {
    name: 'RestError',
    statusCode: status,
    ...(code ? { code } : {}),
    response: { status, bodyAsText: text, headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}
const teams = (code: string) => ({ error: { code, message: code } });

describe('classifyDeliveryError (pure)', () => {
  const cases: Array<[string, unknown, Omit<ClassifiedFailure, 'retryAfterMs'>]> = [
    [
      '403 BotNotInConversationRoster',
      restError(403, teams('BotNotInConversationRoster')),
      { kind: 'permanent', reason: 'removed', status: 403, code: 'BotNotInConversationRoster' },
    ],
    [
      '403 ForbiddenOperationException (not installed in personal scope)',
      restError(403, teams('ForbiddenOperationException')),
      { kind: 'permanent', reason: 'removed', status: 403, code: 'ForbiddenOperationException' },
    ],
    [
      '403 ConversationBlockedByUser',
      restError(403, teams('ConversationBlockedByUser')),
      { kind: 'permanent', reason: 'blocked', status: 403, code: 'ConversationBlockedByUser' },
    ],
    [
      '403 errorCode 209 with subCode MessageWritesBlocked (the body Teams documents for a blocked or uninstalled bot)',
      restError(403, { errorCode: 209, message: '{\r\n  "subCode": "MessageWritesBlocked",\r\n  "details": "Thread is blocked from message writes."\r\n}' }),
      { kind: 'permanent', reason: 'blocked', status: 403, code: 'MessageWritesBlocked' },
    ],
    [
      '403 BotDisabledByAdmin',
      restError(403, teams('BotDisabledByAdmin')),
      { kind: 'permanent', reason: 'disabledByAdmin', status: 403, code: 'BotDisabledByAdmin' },
    ],
    [
      '403 NotEnoughPermissions',
      restError(403, teams('NotEnoughPermissions')),
      { kind: 'permanent', reason: 'refused', status: 403, code: 'NotEnoughPermissions' },
    ],
    ['403 without a body', restError(403), { kind: 'permanent', reason: 'refused', status: 403 }],
    [
      '404 ConversationNotFound',
      restError(404, teams('ConversationNotFound')),
      { kind: 'permanent', reason: 'conversationGone', status: 404, code: 'ConversationNotFound' },
    ],
    ['400 BadArgument', restError(400, teams('BadArgument')), { kind: 'permanent', reason: 'rejected', status: 400, code: 'BadArgument' }],
    ['413 MessageSizeTooBig', restError(413, teams('MessageSizeTooBig')), { kind: 'permanent', reason: 'rejected', status: 413, code: 'MessageSizeTooBig' }],
    [
      '401 BotNotRegistered: transient (see the module comment)',
      restError(401, teams('BotNotRegistered')),
      { kind: 'transient', reason: 'credentials', status: 401, code: 'BotNotRegistered' },
    ],
    ['429 Throttled', restError(429, teams('Throttled')), { kind: 'transient', reason: 'throttled', status: 429, code: 'Throttled' }],
    [
      '412 PreconditionFailed',
      restError(412, teams('PreconditionFailed')),
      { kind: 'transient', reason: 'serviceError', status: 412, code: 'PreconditionFailed' },
    ],
    ['408', restError(408), { kind: 'transient', reason: 'serviceError', status: 408 }],
    [
      '500 ServiceError: transient (see the module comment)',
      restError(500, teams('ServiceError')),
      { kind: 'transient', reason: 'serviceError', status: 500, code: 'ServiceError' },
    ],
    ['502', restError(502), { kind: 'transient', reason: 'serviceError', status: 502 }],
    ['503', restError(503), { kind: 'transient', reason: 'serviceError', status: 503 }],
    ['504', restError(504), { kind: 'transient', reason: 'serviceError', status: 504 }],
    [
      'ChannelSendError of an error answer (proactiveDelivery)',
      new ChannelSendError({ statusCode: 403, code: 'BotNotInConversationRoster' }),
      { kind: 'permanent', reason: 'removed', status: 403, code: 'BotNotInConversationRoster' },
    ],
    [
      'connection reset (RestError without status)',
      Object.assign(new Error('socket hang up'), { name: 'RestError', code: 'ECONNRESET' }),
      { kind: 'transient', reason: 'network', code: 'ECONNRESET' },
    ],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      { kind: 'transient', reason: 'network', code: 'ECONNREFUSED' },
    ],
    ['DNS failure', Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), { kind: 'transient', reason: 'network', code: 'ENOTFOUND' }],
    [
      'timeout (AbortError)',
      Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }),
      { kind: 'transient', reason: 'network', code: 'timeout' },
    ],
    [
      'ChannelSendError wrapping a reset (no answer)',
      new ChannelSendError({}, Object.assign(new Error('socket hang up'), { name: 'RestError', code: 'ECONNRESET' })),
      { kind: 'transient', reason: 'network', code: 'ECONNRESET' },
    ],
    [
      'MSAL: invalid client secret',
      Object.assign(new Error('invalid_client: AADSTS7000215: Invalid client secret provided.'), { name: 'ServerError', errorCode: 'invalid_client' }),
      { kind: 'transient', reason: 'credentials' },
    ],
    ['any other Error', new Error('boom'), { kind: 'transient', reason: 'unknown' }],
    ['not an Error at all', 'boom', { kind: 'transient', reason: 'unknown' }],
    ['undefined', undefined, { kind: 'transient', reason: 'unknown' }],
  ];
  for (const [label, error, expected] of cases) {
    it(`${label} -> ${expected.kind} ${expected.reason}`, () => {
      expect(classifyDeliveryError(error, NOW)).to.deep.equal(expected);
    });
  }

  it('reads Retry-After (seconds or HTTP date) on 429 and 5xx, from a RestError response or a ChannelSendError; ignores it on 403', () => {
    expect(classifyDeliveryError(restError(429, teams('Throttled'), { 'retry-after': '120' }), NOW).retryAfterMs).to.equal(120_000);
    const date = new Date(NOW.getTime() + 90_000).toUTCString();
    expect(classifyDeliveryError(restError(503, undefined, { 'retry-after': date }), NOW).retryAfterMs).to.equal(90_000);
    expect(classifyDeliveryError(new ChannelSendError({ statusCode: 429, retryAfter: '7' }), NOW).retryAfterMs).to.equal(7_000);
    expect(classifyDeliveryError(restError(403, teams('BotNotInConversationRoster'), { 'retry-after': '60' }), NOW)).to.not.have.property('retryAfterMs');
  });

  it('channelAnswerOf reads what it can and nothing from a non-object', () => {
    expect(channelAnswerOf(restError(429, teams('Throttled'), { 'retry-after': '3' }))).to.deep.equal({
      status: 429,
      code: 'Throttled',
      body: JSON.stringify(teams('Throttled')),
      retryAfter: '3',
    });
    expect(channelAnswerOf(null)).to.deep.equal({});
    expect(channelAnswerOf(42)).to.deep.equal({});
  });

  it('ChannelSendError.fromResponse takes the code from the ErrorResponse body, the Retry-After header, and survives a body that is not JSON', () => {
    const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n] });
    const e = ChannelSendError.fromResponse({ status: 429, headers: headers({ 'retry-after': '30' }), bodyAsText: JSON.stringify(teams('Throttled')) });
    expect(e).to.include({ name: 'ChannelSendError', statusCode: 429, code: 'Throttled', retryAfter: '30' });
    expect(e.message).to.equal('Bot Connector answered 429 Throttled');
    const html = ChannelSendError.fromResponse({ status: 502, headers: headers({}), bodyAsText: '<html>Bad gateway</html>' });
    expect(html).to.include({ statusCode: 502, body: '<html>Bad gateway</html>' });
    expect(html.code).to.equal(undefined);
  });
});

describe('parseRetryAfter (RFC 9110: delay-seconds or HTTP-date)', () => {
  const cases: Array<[string | undefined, number | undefined]> = [
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    [new Date(NOW.getTime() + 2 * 3_600_000).toUTCString(), 2 * 3_600_000],
    ['Fri, 27 Nov 2026 09:00:00 GMT', 0], // in the past: at once
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [value, ms] of cases) {
    it(`${JSON.stringify(value)} -> ${ms}`, () => expect(parseRetryAfter(value, NOW)).to.equal(ms));
  }
});

describe('retry back-off (jitter, cap, Retry-After)', () => {
  it('without Retry-After: attempts × RETRY_STEP_MS (5, 10, 15, 20 minutes) at the middle of the jitter', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, undefined, 0.5))).to.deep.equal([5, 10, 15, 20].map((m) => m * MIN));
  });

  it('jitter stays within ±20 %, and the wait never exceeds the cap', () => {
    for (let n = 1; n <= 30; n++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.999]) {
        const base = Math.min(RETRY_CAP_MS, n * RETRY_STEP_MS);
        const d = retryDelayMs(n, undefined, r);
        expect(d, `attempt ${n}, random ${r}`).to.be.within(Math.floor(base * 0.8), Math.min(RETRY_CAP_MS, Math.ceil(base * 1.2)));
      }
    }
    expect(retryDelayMs(1, undefined, 0)).to.equal(4 * MIN);
    expect(retryDelayMs(1, undefined, 1)).to.equal(6 * MIN);
    expect(retryDelayMs(100, undefined, 0.999)).to.equal(RETRY_CAP_MS);
  });

  it('never sooner than Retry-After; a longer Retry-After wins over the back-off, spread by up to +10 %', () => {
    for (const ra of [0, 1_000, 4 * MIN, 30 * MIN, 3 * 3_600_000]) {
      for (const r of [0, 0.5, 0.999]) expect(retryDelayMs(1, ra, r)).to.be.at.least(ra);
    }
    expect(retryDelayMs(1, 3_600_000, 0)).to.equal(3_600_000);
    expect(retryDelayMs(1, 3_600_000, 0.5)).to.equal(3_780_000);
    expect(retryDelayMs(1, 2_000, 0.5), 'a short Retry-After does not make it sooner than the back-off').to.equal(5 * MIN);
  });

  it('a Retry-After longer than a day is capped at a day', () => {
    expect(retryDelayMs(1, 30 * 86_400_000, 0)).to.equal(RETRY_AFTER_MAX_MS);
  });
});

describe('failedOutcome', () => {
  const reminder = (attempts: number) => ({ id: 'approvalOverdue:x', attempts }) as Reminder;

  it('permanent: ended at once, whatever the attempts left', () => {
    const failure: ClassifiedFailure = { kind: 'permanent', reason: 'removed', status: 403, code: 'BotNotInConversationRoster' };
    expect(failedOutcome(reminder(1), failure, NOW, 0.5)).to.deep.equal({
      failure: { kind: 'permanent', reason: 'removed', status: 403, code: 'BotNotInConversationRoster', at: NOW.toISOString() },
    });
  });

  it('transient with attempts left: tried again after the back-off (Retry-After honoured); after the last attempt: ended', () => {
    const throttled: ClassifiedFailure = { kind: 'transient', reason: 'throttled', status: 429, retryAfterMs: 2 * 3_600_000 };
    const out = failedOutcome(reminder(1), throttled, NOW, 0);
    expect(out).to.deep.equal({
      failure: { kind: 'transient', reason: 'throttled', status: 429, at: NOW.toISOString() },
      retryAt: new Date(NOW.getTime() + 2 * 3_600_000).toISOString(),
    });
    expect(failedOutcome(reminder(MAX_DELIVERY_ATTEMPTS), throttled, NOW, 0)).to.deep.equal({
      failure: { kind: 'transient', reason: 'throttled', status: 429, at: NOW.toISOString() },
    });
  });
});
