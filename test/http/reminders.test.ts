/**
 * Proactive reminders through the real app: planned by the turn that records enrollment, sent by
 * the scheduler through the saved conversation reference to a loopback channel (in the planner's
 * language) exactly once, listed with `reminders`, cancelled and turned back on from the list card,
 * and a stale list card refused.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import type { RunningApp } from '../../src/index.js';
import { actionsOf, GOOD_DETAILS } from '../support/chat.js';
import { cardText, clickValue, personalActivity, postTurn, startLiveApp, stopLiveApp, TO_ENROLLMENT } from '../support/liveTurns.js';
import type { LoopbackChannel } from '../support/loopbackChannel.js';

const START = new Date('2026-11-20T10:00:00Z'); // a Friday

describe('proactive reminders (real app, loopback channel)', function () {
  this.timeout(30_000);
  let channel: LoopbackChannel;
  let app: RunningApp;
  let dir: string;
  const clock = { now: START };
  let url: string;

  const say = (user: string, locale: string, extra: Partial<Activity>) => postTurn(channel, url, personalActivity(user, extra, { locale }));
  const click = (user: string, locale: string, replies: Partial<Activity>[], title: string | RegExp, inputs: Record<string, unknown> = {}) =>
    say(user, locale, { value: clickValue(replies, title, inputs) });
  /** Walks the checklist of `user`'s tenant up to "enrollment recorded" (English buttons). */
  const enroll = async (user: string) => {
    let r = await say(user, 'en-US', { text: 'continue' });
    for (const [title, inputs] of TO_ENROLLMENT) r = await click(user, 'en-US', r, title, inputs);
    return r;
  };

  before(async () => {
    ({ app, channel, url, dir } = await startLiveApp('csp-reminders-', clock));
  });
  after(() => stopLiveApp({ app, channel, dir }));

  it('plans approval and incentives reminders when enrollment is recorded, and sends the approval one once, after its date', async () => {
    await enroll('ana');
    const planned = Object.values((await app.reminders.list('tenant-ana')).reminders);
    expect(planned.map((r) => [r.kind, r.status]).sort()).to.deep.equal([
      ['approvalOverdue', 'scheduled'],
      ['incentivesInvitation', 'scheduled'],
    ]);
    const approval = planned.find((r) => r.kind === 'approvalOverdue')!;
    // five business days from Friday 2026-11-20 is Friday 2026-11-27; the reminder is the next morning, 09:00 UTC
    expect(approval.expectedBy).to.equal('2026-11-27');
    expect(approval.dueAt).to.equal('2026-11-28T09:00:00.000Z');

    clock.now = new Date('2026-11-28T08:59:00Z');
    expect((await app.reminders.tick()).sent).to.equal(0);
    expect(channel.take('a:conv-ana')).to.have.length(0);

    clock.now = new Date('2026-11-28T09:00:30Z');
    const report = await app.reminders.tick();
    expect(report).to.include({ claimed: 1, sent: 1 });
    const sent = channel.take('a:conv-ana');
    expect(sent).to.have.length(1);
    // a new message: not threaded under the user's last activity (the loopback channel ids those `in-N`)
    expect(String(sent[0]!.replyToId ?? '')).to.not.match(/^in-/);
    const text = cardText(sent);
    expect(text).to.contain('Is your indirect reseller enrollment approved yet?');
    expect(text).to.match(/November 27, 2026/);
    expect(actionsOf(sent).map((a) => a.title)).to.deep.equal(['Open the checklist', 'All reminders']);
    // a Teams chat: the reminder's buttons are Universal Actions, like every card of a turn
    expect(actionsOf(sent).map((a) => a.type)).to.deep.equal(['Action.Execute', 'Action.Execute']);

    // later checks send nothing more
    clock.now = new Date('2026-11-29T09:00:00Z');
    expect((await app.reminders.tick()).sent).to.equal(0);
    expect(channel.take('a:conv-ana')).to.have.length(0);
    expect((await app.reminders.list('tenant-ana')).reminders[approval.id]!.status).to.equal('sent');

    // the reminder's button opens the checklist at the approval step
    const opened = await click('ana', 'en-US', sent, 'Open the checklist');
    expect(actionsOf(opened).map((a) => a.title)).to.include("It's approved");
  });

  it('lists reminders on "reminders", cancels one from the card, refuses a stale card, and turns it back on', async () => {
    const list = await say('ana', 'en-US', { text: 'reminders' });
    const listText = cardText(list);
    expect(listText).to.contain('Reminders');
    expect(listText).to.match(/Enrollment approval \(expected by .*\)\*\*: sent/);
    expect(listText).to.match(/Incentives invitation \(expected by .*\)\*\*: due/);
    const cancelTitles = actionsOf(list)
      .filter((a) => a.data.verb === 'reminders.cancel')
      .map((a) => a.title);
    expect(cancelTitles).to.have.length(1);
    expect(cancelTitles[0]).to.match(/^Cancel: Incentives invitation/);

    const afterCancel = await click('ana', 'en-US', list, /^Cancel: Incentives/);
    expect(cardText(afterCancel)).to.contain('Cancelled: nobody in your tenant will get this reminder');
    expect(cardText(afterCancel)).to.match(/cancelled by Dana ana on/);

    // the old list card's button is stale now: refused, nothing changes, the current list is shown
    const stale = await click('ana', 'en-US', list, /^Cancel: Incentives/);
    expect(cardText(stale)).to.contain('That list is out of date');
    const rec = await app.reminders.list('tenant-ana');
    const incentives = Object.values(rec.reminders).find((r) => r.kind === 'incentivesInvitation')!;
    expect(incentives.status).to.equal('cancelled');

    // a cancelled reminder is not sent at its time
    clock.now = new Date('2026-12-21T09:30:00Z');
    expect((await app.reminders.tick()).sent).to.equal(0);
    expect(channel.take('a:conv-ana')).to.have.length(0);

    // turned back on: sent at the next check (its time has passed), once
    const restored = await click('ana', 'en-US', afterCancel, /^Turn back on: Incentives/);
    expect(cardText(restored)).to.contain('Turned back on');
    expect((await app.reminders.tick()).sent).to.equal(1);
    const sent = channel.take('a:conv-ana');
    expect(cardText(sent)).to.contain('Look for your incentives invitation');
    expect((await app.reminders.tick()).sent).to.equal(0);
  });

  it("does not send the approval reminder once approval is recorded, and speaks the planner's language", async () => {
    clock.now = START;
    // a German-speaking admin enrolls (buttons are clicked by their data, the text is German)
    let r = await say('bea', 'de-DE', { text: 'weiter' });
    for (const title of ['Beides ist aktuell', 'Globaler Administrator', 'Ja, „Eingeschränkt“']) r = await click('bea', 'de-DE', r, title);
    r = await click('bea', 'de-DE', r, 'Angaben prüfen', GOOD_DETAILS);
    await click('bea', 'de-DE', r, 'Ich habe „Jetzt registrieren“ gewählt', { understood: 'true' });
    const planned = Object.values((await app.reminders.list('tenant-bea')).reminders);
    expect(planned.map((p) => p.target.locale)).to.deep.equal(['de-DE', 'de-DE']);

    // another tenant: approval confirmed before the date -> approval reminder obsolete, never sent
    r = await enroll('cem');
    await click('cem', 'en-US', r, "It's approved");
    const cem = Object.values((await app.reminders.list('tenant-cem')).reminders);
    expect(cem.find((x) => x.kind === 'approvalOverdue')!.status).to.equal('obsolete');

    clock.now = new Date('2026-11-28T09:00:00Z');
    await app.reminders.tick();
    expect(channel.take('a:conv-cem')).to.have.length(0);
    const german = channel.take('a:conv-bea');
    expect(german).to.have.length(1);
    expect(cardText(german)).to.match(/genehmigt/);
    expect(actionsOf(german).map((a) => a.title)).to.include('Alle Erinnerungen');
  });
});
