/**
 * Reminder delivery failures through the real send path: the app from `startApp` (its own
 * `CloudAdapter`, `onTurnError` and `proactiveDelivery`), reminders planned by real turns, sent by
 * `continueConversationAsync` to a loopback Bot Connector that answers each case (403
 * `BotNotInConversationRoster`, 404 `ConversationNotFound`, 429 with `Retry-After` in seconds and
 * as an HTTP date, 503 then 200, a dropped connection), on a fake clock. Each case checks the
 * reminder's stored state, the attempts and the next attempt's time, how many requests reached the
 * channel (one per attempt: neither the SDK's own retries nor `onTurnError`'s apology), and what
 * the `reminders` list says in another chat of the tenant; "Send here instead" delivers there.
 * Then `proactiveDelivery` alone: a time limit, and turns that keep the SDK's retries.
 */
import { expect } from 'chai';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory, type Activity } from 'botbuilder';
import { MAX_DELIVERY_ATTEMPTS, RETRY_STEP_MS, type Reminder } from '../../src/domain/reminders.js';
import type { RunningApp } from '../../src/index.js';
import { classifyDeliveryError } from '../../src/reminders/deliveryErrors.js';
import { ChannelSendError, proactiveDelivery } from '../../src/reminders/proactiveDelivery.js';
import { ClientCachingAuthentication } from '../../src/bot/clientCache.js';
import { actionsOf } from '../support/chat.js';
import { cardText, clickValue, personalActivity, postTurn, startLiveApp, stopLiveApp, TO_ENROLLMENT } from '../support/liveTurns.js';
import { errorBody, LoopbackChannel } from '../support/loopbackChannel.js';

const START = new Date('2026-11-20T10:00:00Z'); // a Friday
/** Approval expected by Friday 2026-11-27: the reminder is due the next morning. */
const DUE = Date.parse('2026-11-28T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('reminder delivery failures (real adapter, loopback Bot Connector)', function () {
  this.timeout(30_000);
  let channel: LoopbackChannel;
  let app: RunningApp;
  let dir: string;
  const clock = { now: START };
  let url: string;

  const say = (user: string, extra: Partial<Activity>, chat = '') => postTurn(channel, url, personalActivity(user, extra, { chat }));
  /** Walks `user`'s checklist to "enrollment recorded" at START: the approval and incentives reminders are planned for `a:conv-<user>`. */
  const enroll = async (user: string) => {
    clock.now = START;
    let r = await say(user, { text: 'continue' });
    for (const [title, inputs] of TO_ENROLLMENT) r = await say(user, { value: clickValue(r, title, inputs) });
  };
  const approval = async (user: string): Promise<Reminder> =>
    Object.values((await app.reminders.list(`tenant-${user}`)).reminders).find((r) => r.kind === 'approvalOverdue')!;
  /** Checks at `ms` (fake clock) and returns how long the check took in real time. */
  const tickAt = async (ms: number) => {
    clock.now = new Date(ms);
    const began = Date.now();
    const report = await app.reminders.tick();
    return { report, tookMs: Date.now() - began };
  };
  /** The `reminders` list as seen from another chat of the tenant (the planning chat refuses every message). */
  const listFromOtherChat = (user: string) => say(user, { text: 'reminders' }, '-2');

  before(async () => {
    ({ app, channel, url, dir } = await startLiveApp('csp-delivery-', clock));
  });
  after(() => stopLiveApp({ app, channel, dir }));

  it('403 BotNotInConversationRoster: one request, not retried, marked "removed"; the list says so and "Send here instead" delivers in the other chat', async () => {
    await enroll('rex');
    channel.answer('a:conv-rex', { status: 403, body: errorBody('BotNotInConversationRoster', 'The bot is not part of the conversation roster.') });
    const { report } = await tickAt(DUE);
    expect(report).to.include({ claimed: 1, sent: 0, retried: 0, failed: 1 });
    expect(channel.sends('a:conv-rex'), 'one request: no SDK retry, no onTurnError apology').to.equal(1);
    const failed = await approval('rex');
    expect(failed).to.include({ status: 'failed', attempts: 1 });
    expect(failed.lastFailure).to.deep.equal({ kind: 'permanent', reason: 'removed', status: 403, code: 'BotNotInConversationRoster', at: iso(DUE) });

    // nothing more is tried, however long we wait (the incentives reminder still waits for its day)
    await tickAt(DUE + 3 * 86_400_000);
    expect(channel.sends('a:conv-rex')).to.equal(1);
    expect((await app.reminders.list('tenant-rex')).reminders[failed.id]!.status).to.equal('failed');

    const list = await listFromOtherChat('rex');
    const text = cardText(list);
    expect(text).to.contain('**Enrollment approval (expected by Friday, November 27, 2026)**: not delivered (Nov 28, 2026');
    expect(text).to.contain('The assistant is no longer in the chat where Dana rex planned this reminder');
    expect(text).to.contain('Choose **Send here instead**');
    const sendHere = clickValue(list, /^Send here instead: Enrollment approval/);

    const answer = await say('rex', { value: sendHere }, '-2');
    expect(cardText(answer)).to.contain('Planned again in this chat');
    const again = await approval('rex');
    expect(again)
      .to.include({ status: 'scheduled', attempts: 0, dueAt: iso(DUE + 3 * 86_400_000) })
      .and.not.have.property('lastFailure');
    expect((again.target.conversation as { conversation: { id: string } }).conversation.id).to.equal('a:conv-rex-2');
    // an old list card is refused
    expect(cardText(await say('rex', { value: sendHere }, '-2'))).to.contain('That list is out of date');

    channel.take('a:conv-rex-2');
    expect((await tickAt(DUE + 3 * 86_400_000)).report).to.include({ sent: 1 });
    expect(cardText(channel.take('a:conv-rex-2'))).to.contain('Is your indirect reseller enrollment approved yet?');
    expect(channel.sends('a:conv-rex')).to.equal(1);
    expect(await approval('rex')).to.include({ status: 'sent', attempts: 1 });
  });

  it('404 ConversationNotFound: one request, not retried, marked "conversationGone"', async () => {
    await enroll('gus');
    channel.answer('a:conv-gus', { status: 404, body: errorBody('ConversationNotFound', 'Conversation not found.') });
    await tickAt(DUE);
    expect(channel.sends('a:conv-gus')).to.equal(1);
    const failed = await approval('gus');
    expect(failed).to.include({ status: 'failed', attempts: 1 });
    expect(failed.lastFailure).to.deep.include({ kind: 'permanent', reason: 'conversationGone', status: 404, code: 'ConversationNotFound' });
    const text = cardText(await listFromOtherChat('gus'));
    expect(text).to.contain('The chat where Dana gus planned this reminder no longer exists');
    expect(actionsOf(await listFromOtherChat('gus')).map((a) => a.title)).to.include(
      'Send here instead: Enrollment approval (expected by Friday, November 27, 2026)',
    );
  });

  const retryAfterForms: Array<[string, string, number]> = [
    ['in seconds', '3600', 3_600_000],
    ['as an HTTP date', new Date(DUE + 2 * 3_600_000).toUTCString(), 2 * 3_600_000],
  ];
  for (const [form, header, waitMs] of retryAfterForms) {
    it(`429 with Retry-After ${form}: the check does not sleep, the next attempt is not before it (plus at most 10 %), then it is sent`, async () => {
      const user = waitMs === 3_600_000 ? 'tia' : 'tom';
      const conv = `a:conv-${user}`;
      await enroll(user);
      channel.answer(conv, { status: 429, headers: { 'retry-after': header }, body: errorBody('Throttled', 'Too many requests.') }, { status: 200 });
      const { report, tookMs } = await tickAt(DUE);
      expect(report).to.include({ retried: 1, failed: 0 });
      expect(tookMs, 'the SDK did not wait for Retry-After inside the send').to.be.below(2_000);
      expect(channel.sends(conv)).to.equal(1);
      const waiting = await approval(user);
      expect(waiting).to.include({ status: 'scheduled', attempts: 1 });
      expect(waiting.lastFailure).to.deep.equal({ kind: 'transient', reason: 'throttled', status: 429, code: 'Throttled', at: iso(DUE) });
      const next = Date.parse(waiting.dueAt);
      expect(next).to.be.within(DUE + waitMs, DUE + waitMs * 1.1);

      const text = cardText(await listFromOtherChat(user));
      expect(text).to.contain('next attempt ');
      expect(text).to.contain(`Attempt 1 of ${MAX_DELIVERY_ATTEMPTS} failed on Nov 28, 2026, 09:00 AM UTC (Teams asked the assistant to slow down)`);

      await tickAt(next - 1);
      expect(channel.sends(conv), 'not before Retry-After').to.equal(1);
      expect((await tickAt(next)).report).to.include({ sent: 1 });
      expect(channel.sends(conv)).to.equal(2);
      expect(await approval(user))
        .to.include({ status: 'sent', attempts: 2 })
        .and.not.have.property('lastFailure');
    });
  }

  it('503 then 200: one request per attempt, retried after the back-off (5 minutes ± 20 %), sent on the second attempt', async () => {
    await enroll('sam');
    channel.answer('a:conv-sam', { status: 503 }, { status: 200 });
    const { tookMs } = await tickAt(DUE);
    expect(tookMs, 'no SDK back-off inside the send').to.be.below(2_000);
    expect(channel.sends('a:conv-sam')).to.equal(1);
    const waiting = await approval('sam');
    expect(waiting).to.include({ status: 'scheduled', attempts: 1 });
    expect(waiting.lastFailure).to.deep.equal({ kind: 'transient', reason: 'serviceError', status: 503, at: iso(DUE) });
    expect(Date.parse(waiting.dueAt)).to.be.within(DUE + 0.8 * RETRY_STEP_MS, DUE + 1.2 * RETRY_STEP_MS);
    expect(cardText(await listFromOtherChat('sam'))).to.contain('(the Teams or Bot Framework service was unavailable)');

    expect((await tickAt(Date.parse(waiting.dueAt))).report).to.include({ sent: 1 });
    expect(channel.sends('a:conv-sam')).to.equal(2);
    expect(cardText(channel.take('a:conv-sam'))).to.contain('Is your indirect reseller enrollment approved yet?');
    expect(await approval('sam')).to.include({ status: 'sent', attempts: 2 });
  });

  it(`a dropped connection every time: ${MAX_DELIVERY_ATTEMPTS} attempts of one request each, spaced by the back-off, then given up as "network"`, async () => {
    await enroll('ned');
    channel.answer('a:conv-ned', 'drop');
    let at = DUE;
    const gaps: number[] = [];
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await tickAt(at);
      expect(channel.sends('a:conv-ned'), `attempt ${attempt}`).to.equal(attempt);
      const r = await approval('ned');
      if (r.status === 'failed') break;
      gaps.push(Date.parse(r.dueAt) - at);
      at = Date.parse(r.dueAt);
    }
    expect(gaps).to.have.length(MAX_DELIVERY_ATTEMPTS - 1);
    gaps.forEach((gap, i) => expect(gap, `wait after attempt ${i + 1}`).to.be.within(0.8 * (i + 1) * RETRY_STEP_MS, 1.2 * (i + 1) * RETRY_STEP_MS));
    const failed = await approval('ned');
    expect(failed).to.include({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
    expect(failed.lastFailure).to.deep.include({ kind: 'transient', reason: 'network', code: 'ECONNRESET' });
    await tickAt(at + 86_400_000);
    expect(channel.sends('a:conv-ned')).to.equal(MAX_DELIVERY_ATTEMPTS);
    expect(cardText(await listFromOtherChat('ned'))).to.match(
      new RegExp(
        `not delivered: all ${MAX_DELIVERY_ATTEMPTS} attempts failed, the last on Nov 28, 2026, \\d+:\\d\\d AM UTC \\(the assistant could not reach the chat service, or got no answer in time\\)`,
      ),
    );
  });
});

describe('proactiveDelivery alone (a CloudAdapter with auth off, loopback Bot Connector)', function () {
  this.timeout(20_000);
  let channel: LoopbackChannel;
  let adapter: CloudAdapter;
  const turnErrors: string[] = [];
  const reminder = (conversationId: string) =>
    ({
      id: 'approvalOverdue:enrollment@x',
      kind: 'approvalOverdue',
      subjectId: 'enrollment@x',
      expectedBy: '2026-11-27',
      dueAt: iso(DUE),
      status: 'sending',
      attempts: 1,
      createdAt: iso(DUE),
      updatedAt: iso(DUE),
      target: {
        conversation: { conversation: { id: conversationId }, serviceUrl: channel.serviceUrl, channelId: 'msteams', bot: { id: 'bot' }, user: { id: 'u' } },
        locale: 'de-DE',
        user: { id: 'u', name: 'Uma' },
      },
    }) as Reminder;

  before(async () => {
    channel = new LoopbackChannel();
    await channel.start();
    adapter = new CloudAdapter(new ClientCachingAuthentication(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' })));
    adapter.onTurnError = async (_context, error) => void turnErrors.push(error.message);
  });
  after(() => channel.stop());

  it('sends the card in the planner’s language and resolves', async () => {
    await proactiveDelivery(adapter, '')('t', reminder('ok'));
    expect(cardText(channel.take('ok'))).to.contain('Ist Ihre Registrierung als indirekter Reseller schon genehmigt?');
  });

  it('a refusal rejects (onTurnError never sees it) with the answer the classifier needs', async () => {
    channel.answer('gone', { status: 403, body: errorBody('ConversationBlockedByUser', 'User blocked the conversation with the bot.') });
    const error = await proactiveDelivery(adapter, '')('t', reminder('gone')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ChannelSendError);
    expect(classifyDeliveryError(error, new Date())).to.deep.equal({ kind: 'permanent', reason: 'blocked', status: 403, code: 'ConversationBlockedByUser' });
    expect(turnErrors).to.deep.equal([]);
  });

  it('a Bot Connector that never answers fails as a timeout after timeoutMs, one request', async () => {
    channel.answer('slow', 'hang');
    const began = Date.now();
    const error = await proactiveDelivery(adapter, '', { timeoutMs: 150 })('t', reminder('slow')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - began).to.be.below(2_000);
    expect(classifyDeliveryError(error, new Date())).to.deep.equal({ kind: 'transient', reason: 'network', code: 'timeout' });
    expect(channel.sends('slow')).to.equal(1);
  });

  it('turns on the same (cached) client keep the SDK’s own retries: a reply after a 503 still arrives', async () => {
    await proactiveDelivery(adapter, '')('t', reminder('ok')); // the one-attempt policy is on this client now
    channel.answer('turn', { status: 503 }, { status: 200 });
    const reference = { conversation: { id: 'turn' }, serviceUrl: channel.serviceUrl, channelId: 'msteams', bot: { id: 'bot' }, user: { id: 'u' } };
    await adapter.continueConversationAsync('', reference as never, async (context) => void (await context.sendActivity(MessageFactory.text('hello'))));
    expect(channel.sends('turn')).to.equal(2);
    expect(channel.take('turn').map((a) => a.text)).to.deep.equal(['hello']);
    expect(turnErrors).to.deep.equal([]);
  });
});
