/**
 * Teams Universal Actions through the real app over HTTP (`POST /api/messages`, CloudAdapter,
 * replies to a loopback channel): the invoke's answer is the HTTP response body, as Teams reads it.
 * Two admins in one Teams channel: one clicks `Action.Execute` and gets the next card as the answer;
 * the other's copy, refreshed, shows the current state; nothing is written by the refresh; an
 * unknown verb is a 400 `application/vnd.microsoft.error`. Web Chat in the same app keeps
 * `Action.Submit`.
 */
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { actionsOf } from '../support/chat.js';
import { postTurn, startLiveApp, stopLiveApp, type LiveApp } from '../support/liveTurns.js';

const TENANT = 'tenant-http-ua';
const CONVERSATION = '19:ua-channel@thread.tacv2';

function teams(user: 'ada' | 'bob', extra: Partial<Activity>): Partial<Activity> {
  return {
    type: 'message',
    channelId: 'msteams',
    from: { id: `29:${user}`, name: user === 'ada' ? 'Ada Admin' : 'Bob Builder', aadObjectId: `aad-${user}` },
    conversation: { id: CONVERSATION, conversationType: 'channel', isGroup: true, name: '' },
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: CONVERSATION } },
    locale: 'en-US',
    ...extra,
  };
}

/** Posts an invoke like Teams; returns the HTTP status, the parsed body and the turn's replies. */
async function invoke(live: LiveApp, activity: Partial<Activity>) {
  const res = await fetch(live.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `in-${Math.random()}`,
      timestamp: new Date(),
      serviceUrl: live.channel.serviceUrl,
      recipient: { id: 'bot', name: 'assistant' },
      ...activity,
    }),
  });
  const body = (await res.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
  return { status: res.status, body, replies: live.channel.take(activity.conversation?.id ?? '') };
}

function cards(replies: Partial<Activity>[]): Record<string, unknown>[] {
  return replies.flatMap((r) => (r.attachments ?? []).map((a) => a.content as Record<string, unknown>));
}

describe('Universal Actions over HTTP: adaptiveCard/action invokes answered in the response body', function () {
  this.timeout(30_000);
  const clock = { now: new Date('2026-11-20T09:00:00Z') };
  let live: LiveApp;

  before(async () => {
    live = await startLiveApp('csp-ua-', clock);
  });
  after(() => stopLiveApp(live));

  it('an Execute gets the next card; the other admin refreshes and sees it; nothing is written by the refresh; an unknown verb is a 400', async () => {
    await postTurn(live.channel, live.url, teams('bob', { text: 'hi' }));
    const first = await postTurn(live.channel, live.url, teams('ada', { text: 'continue' }));
    const step1 = cards(first).find((c) => /Step 1 of 8/.test(JSON.stringify(c)))!;
    expect(step1.refresh).to.deep.equal({
      action: { type: 'Action.Execute', verb: 'refresh', data: { view: 'checklist.current' } },
      userIds: ['29:ada', '29:bob'],
    });
    const button = actionsOf(first).find((a) => a.title === 'Both are current')!;
    expect(button.type).to.equal('Action.Execute');
    const { verb, ...data } = button.data;

    const executed = await invoke(
      live,
      teams('ada', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'reply-step1',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    );
    expect(executed.status).to.equal(200);
    expect(executed.body.statusCode).to.equal(200);
    expect(executed.body.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(executed.body.value)).to.match(/Step 2 of 8/);
    const edits = executed.replies.filter((r) => r.id === 'reply-step1');
    expect(cards(executed.replies.filter((r) => !edits.includes(r))), 'the next card is the answer, not another message').to.deep.equal([]);
    expect(cards(edits), 'the clicked message is updated to the same card').to.deep.equal([executed.body.value]);

    const stored = JSON.stringify(await live.app.storage.read([`tenants/${TENANT}/transition`]));
    const refreshed = await invoke(
      live,
      teams('bob', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'reply-step1',
        value: { action: step1.refresh && (step1.refresh as { action: unknown }).action, trigger: 'automatic' },
      }),
    );
    expect(refreshed.status).to.equal(200);
    expect(refreshed.body.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(refreshed.body.value)).to.match(/Step 2 of 8/);
    expect(refreshed.replies, 'a refresh sends nothing').to.deep.equal([]);
    expect(JSON.stringify(await live.app.storage.read([`tenants/${TENANT}/transition`])), 'a refresh writes nothing').to.equal(stored);

    const unknown = await invoke(
      live,
      teams('bob', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'transition.launch', data: {} } } }),
    );
    expect(unknown.status).to.equal(200);
    expect(unknown.body).to.deep.include({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(unknown.body.value).to.deep.include({ code: 'BadRequest' });
    const malformed = await invoke(
      live,
      teams('bob', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: ['x'] } } }),
    );
    expect(malformed.body.statusCode).to.equal(400);
  });

  it('Web Chat on the same app keeps Action.Submit (no Action.Execute, no refresh)', async () => {
    const replies = await postTurn(live.channel, live.url, {
      type: 'message',
      channelId: 'webchat',
      from: { id: 'web-user', name: 'Wes' },
      conversation: { id: 'web-ua-1' },
      text: 'continue',
    } as Partial<Activity>);
    const json = JSON.stringify(cards(replies));
    expect(json).to.match(/"type":"Action.Submit"/);
    expect(json).to.not.match(/Action.Execute|"refresh"/);
  });
});
