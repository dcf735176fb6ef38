/**
 * Accepting a partnership on the accept page does what accepting in the chat does: the same
 * checklist ticks for the reseller and the same reminders planned and cancelled, for the reseller
 * and for the provider. Real app (`startApp`: restify on an ephemeral port, lowdb in a temp dir),
 * chat turns through `/api/messages` with replies to a loopback channel, the page through plain
 * fetch (GET for the CSRF cookie and token, then POST), as a partner's browser does.
 *
 * Provider Northwind (tenant-prov) sends two partnership requests in the chat; resellers Contoso
 * (tenant-chat) and Fabrikam (tenant-page) each enroll in the chat (so each has approval and
 * incentives reminders), then Contoso accepts in the chat and Fabrikam on the page it got from the
 * chat. Each acceptance makes the provider's "invitation still pending" reminder for it obsolete.
 */
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { findTokenInText } from '../../src/domain/invitationToken.js';
import type { Reminder } from '../../src/domain/reminders.js';
import { PARTNERSHIP_ITEMS } from '../../src/domain/transition.js';
import type { RunningApp } from '../../src/index.js';
import { CSRF_COOKIE } from '../../src/server/invitationPages.js';
import { actionsOf, describe as describeActivity } from '../support/chat.js';
import { clickValue, postTurn, startLiveApp, stopLiveApp, TO_ENROLLMENT } from '../support/liveTurns.js';
import type { LoopbackChannel } from '../support/loopbackChannel.js';

const START = new Date('2026-11-20T10:00:00Z'); // a Friday
const PROVIDER = 'tenant-prov';
const VIA_CHAT = 'tenant-chat';
const VIA_PAGE = 'tenant-page';

/** What a reminder list says, without ids, instants of planning or targets (which differ per tenant). */
function summary(reminders: Record<string, Reminder>): Array<[string, string, string, string | undefined]> {
  return Object.values(reminders)
    .map((r): [string, string, string, string | undefined] => [r.kind, r.status, r.dueAt, r.expectedBy])
    .sort((a, b) => a.join().localeCompare(b.join()));
}

describe('accept page vs chat: same checklist ticks, same reminders (real app)', function () {
  this.timeout(60_000);
  let channel: LoopbackChannel;
  let app: RunningApp;
  let dir: string;
  let url: string;
  const clock = { now: START };

  const activity = (user: string, tenantId: string, extra: Partial<Activity>): Partial<Activity> => ({
    type: 'message',
    channelId: 'msteams',
    from: { id: `29:${user}`, name: `${user[0]!.toUpperCase()}${user.slice(1)} Admin`, aadObjectId: `aad-${user}` },
    conversation: { id: `a:conv-${user}`, conversationType: 'personal', isGroup: false, name: '' },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-US',
    ...extra,
  });
  const say = (user: string, tenantId: string, extra: Partial<Activity>) => postTurn(channel, url, activity(user, tenantId, extra));
  const click = (user: string, tenantId: string, replies: Partial<Activity>[], title: string, inputs: Record<string, unknown> = {}) =>
    say(user, tenantId, { value: clickValue(replies, title, inputs) });
  const text = (replies: Partial<Activity>[]) => replies.map(describeActivity).join('\n');

  /** The reseller's global admin walks the checklist up to "enrollment recorded". */
  const enroll = async (user: string, tenantId: string) => {
    let r = await say(user, tenantId, { text: 'continue' });
    for (const [title, inputs] of TO_ENROLLMENT) r = await click(user, tenantId, r, title, inputs);
  };

  /** Pat (Northwind's global admin) sends a partnership request to `email` in the chat; returns the personalized link. */
  const request = async (email: string, company: string): Promise<string> => {
    let r = await say('pat', PROVIDER, { text: 'invitations' });
    if (actionsOf(r).some((a) => a.title === 'Save'))
      r = await click('pat', PROVIDER, r, 'Save', { side: 'provider', name: 'Northwind Distribution', partnerId: '7654321' });
    r = await click('pat', PROVIDER, r, 'Request a partnership');
    if (actionsOf(r).some((a) => a.title === 'Global admin')) r = await click('pat', PROVIDER, r, 'Global admin');
    r = await click('pat', PROVIDER, r, 'Write the email', { email, company });
    const link = /Personalized link:\*\* (\S+)/.exec(text(r))?.[1];
    expect(link, text(r)).to.be.a('string');
    return link!;
  };

  before(async () => {
    ({ app, channel, url, dir } = await startLiveApp('csp-accept-page-', clock));
  });
  after(() => stopLiveApp({ app, channel, dir }));

  it('accepting on the page ticks the same items and plans and cancels the same reminders as accepting in the chat', async () => {
    const toChat = await request('ada@contoso.example', 'Contoso');
    const toPage = await request('fay@fabrikam.example', 'Fabrikam');
    await enroll('ada', VIA_CHAT);
    await enroll('fay', VIA_PAGE);
    const pending = summary((await app.reminders.list(PROVIDER)).reminders);
    expect(pending.map(([kind, status]) => [kind, status])).to.deep.equal([
      ['invitationPending', 'scheduled'],
      ['invitationPending', 'scheduled'],
    ]);
    const enrolled = summary((await app.reminders.list(VIA_CHAT)).reminders);
    expect(enrolled.map(([kind, status]) => [kind, status])).to.deep.equal([
      ['approvalOverdue', 'scheduled'],
      ['incentivesInvitation', 'scheduled'],
    ]);
    expect(summary((await app.reminders.list(VIA_PAGE)).reminders)).to.deep.equal(enrolled);

    // Ada accepts in the chat
    clock.now = new Date('2026-11-23T09:00:00Z');
    const chatAcceptedAt = clock.now.toISOString();
    let r = await say('ada', VIA_CHAT, { text: `We got this: ${toChat}` });
    r = await click('ada', VIA_CHAT, r, 'Authorize indirect provider', { consent: 'true' });
    expect(text(r)).to.match(/Northwind Distribution is now your indirect provider/);

    // Fay opens the accept page the chat hands her, and accepts there
    clock.now = new Date('2026-11-24T09:00:00Z');
    const pageAcceptedAt = clock.now.toISOString();
    r = await say('fay', VIA_PAGE, { text: `We got this: ${toPage}` });
    const pageUrl = /https?:\/\/[^"\s)]+\?session=[A-Za-z0-9_.-]+/.exec(JSON.stringify(r.flatMap((a) => a.attachments ?? [])))?.[0];
    expect(pageUrl, 'the review card links the accept page with a session').to.be.a('string');
    const page = await fetch(pageUrl!);
    const cookie = page.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${CSRF_COOKIE}=`))!
      .split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const session = new URL(pageUrl!).searchParams.get('session')!;
    const posted = await fetch(`${app.url}/invitations/${findTokenInText(toPage)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ action: 'accept', csrf, session, understood: 'on' }).toString(),
    });
    expect(posted.status).to.equal(200);
    expect(await posted.text()).to.include('Northwind Distribution is now your indirect provider');

    // the same ticks, each credited to its acceptor at its time
    const [viaChat, viaPage] = [await app.services.checklist.get(VIA_CHAT), await app.services.checklist.get(VIA_PAGE)];
    for (const item of PARTNERSHIP_ITEMS) {
      expect(viaChat.nextItems[item], `${item} in the chat`).to.deep.equal({ by: { id: 'aad-ada', name: 'Ada Admin' }, at: chatAcceptedAt });
      // the page knows the signed-in user by id only (the session carries no name)
      expect(viaPage.nextItems[item], `${item} on the page`).to.deep.equal({ by: { id: 'aad-fay' }, at: pageAcceptedAt });
    }
    expect(Object.keys(viaPage.nextItems).sort()).to.deep.equal(Object.keys(viaChat.nextItems).sort());
    expect(viaPage.revision).to.equal(viaChat.revision);

    // the same reminders: the resellers' stay planned as they were, the provider's for each request is cancelled
    expect(summary((await app.reminders.list(VIA_PAGE)).reminders)).to.deep.equal(summary((await app.reminders.list(VIA_CHAT)).reminders));
    expect(summary((await app.reminders.list(VIA_CHAT)).reminders)).to.deep.equal(enrolled);
    const provider = Object.values((await app.reminders.list(PROVIDER)).reminders);
    const byLabel = Object.fromEntries(provider.map((x) => [x.label, x.status]));
    expect(byLabel).to.deep.equal({ Contoso: 'obsolete', Fabrikam: 'obsolete' });
    // nothing is due for the provider any more: the scheduler will not even look
    const schedule = (await app.storage.read(['reminders/schedule']))['reminders/schedule'] as { record: { due: Record<string, unknown> } };
    expect(schedule.record.due).to.not.have.property(PROVIDER);
  });

  it('declining on the page cancels the provider reminder too (no bot turn involved)', async () => {
    const toDecline = await request('lee@litware.example', 'Litware');
    const before = Object.values((await app.reminders.list(PROVIDER)).reminders).find((x) => x.label === 'Litware');
    expect(before?.status).to.equal('scheduled');
    const r = await say('lee', 'tenant-litware', { text: 'continue' });
    await click('lee', 'tenant-litware', r, 'Both are current').then((x) => click('lee', 'tenant-litware', x, 'Global admin'));
    const review = await say('lee', 'tenant-litware', { text: `Please check ${toDecline}` });
    const pageUrl = /https?:\/\/[^"\s)]+\?session=[A-Za-z0-9_.-]+/.exec(JSON.stringify(review.flatMap((a) => a.attachments ?? [])))![0];
    const page = await fetch(pageUrl);
    const cookie = page.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${CSRF_COOKIE}=`))!
      .split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const session = new URL(pageUrl).searchParams.get('session')!;
    const posted = await fetch(`${app.url}/invitations/${findTokenInText(toDecline)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ action: 'decline', csrf, session }).toString(),
    });
    expect(posted.status).to.equal(200);
    const after = Object.values((await app.reminders.list(PROVIDER)).reminders).find((x) => x.label === 'Litware');
    expect(after?.status).to.equal('obsolete');
  });
});
