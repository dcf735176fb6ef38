/**
 * Teams Universal Actions through the real bot (TestChat: real dialogs, services and storage):
 * one card template, `Action.Execute` in Teams and `Action.Submit` everywhere else; the
 * `adaptiveCard/action` invoke runs the turn as the card submit and answers with the card that
 * replaces the clicked one; `refresh` answers read only with the current card for its reader; a
 * stale Execute gets the current card and changes nothing; a malformed action or an unknown verb
 * gets 400 `application/vnd.microsoft.error`.
 */
import type { Activity, MemoryStorage } from 'botbuilder';
import { expect } from 'chai';
import { universalCard } from '../../cards/universal.js';
import { NEXT_ITEM_IDS } from '../../src/domain/transition.js';
import { GOOD_DETAILS, TestChat, actionsOf, createBot, walkChecklistToNext, type BotUnderTest, type InvokeReply } from '../support/chat.js';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** Every action object (of any type) anywhere in `node`, with the path key it was found under. */
function allActions(node: unknown, under = ''): Array<{ under: string; action: Record<string, unknown> }> {
  const out: Array<{ under: string; action: Record<string, unknown> }> = [];
  const walk = (n: unknown, key: string) => {
    if (Array.isArray(n)) return n.forEach((x) => walk(x, key));
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push({ under: key, action: o });
    for (const [k, v] of Object.entries(o)) walk(v, k);
  };
  walk(node, under);
  return out;
}

/** The card contents of `replies`. */
function cardsOf(replies: Partial<Activity>[]): Record<string, unknown>[] {
  return replies.flatMap((r) => (r.attachments ?? []).filter((a) => a.contentType === ADAPTIVE).map((a) => a.content as Record<string, unknown>));
}

/** The card in an invoke answer (fails the test when the answer is not a card). */
function answeredCard(reply: InvokeReply): Record<string, unknown> {
  expect(reply.status, 'HTTP status').to.equal(200);
  expect(reply.body.statusCode, JSON.stringify(reply.body).slice(0, 300)).to.equal(200);
  expect(reply.body.type).to.equal(ADAPTIVE);
  return reply.body.value as Record<string, unknown>;
}

function text(card: unknown): string {
  return JSON.stringify(card);
}

/** The store as it is now (MemoryStorage keeps every item as JSON text). */
function snapshot(under: BotUnderTest): string {
  return JSON.stringify((under.storage as MemoryStorage & { memory: unknown }).memory);
}

/** The newest reply (of the whole transcript) that is a card showing `marker`. */
function newestCard(chat: TestChat, marker: RegExp): Partial<Activity> {
  const found = [...chat.transcript].reverse().find((r) => cardsOf([r]).some((c) => marker.test(text(c))));
  if (!found) throw new Error(`no card ${marker} on screen`);
  return found;
}

describe('Universal Actions: one card template, the action type chosen per channel', () => {
  it('Teams cards carry Action.Execute { verb, data } (titles and styles kept); Web Chat gets the same card with Action.Submit and no refresh', async () => {
    const under = createBot();
    const teams = new TestChat(under, { userId: 'ada', conversationId: 'teams-1' });
    const web = new TestChat(under, { channelId: 'webchat', tenantId: '', userId: 'wes', conversationId: 'web-1' });
    const teamsWelcome = cardsOf(await teams.say('hi'))[0]!;
    const webWelcome = cardsOf(await web.say('hi'))[0]!;

    const teamsActions = allActions(teamsWelcome).map((a) => a.action);
    expect(teamsActions.length).to.be.greaterThan(3);
    expect(
      teamsActions.filter((a) => a.type === 'Action.Submit'),
      'no Action.Submit with a verb left',
    ).to.deep.equal([]);
    for (const a of teamsActions.filter((x) => x.type === 'Action.Execute')) {
      expect(a.verb).to.be.a('string');
      expect(a.data as object).to.not.have.property('verb');
    }
    const webActions = allActions(webWelcome).map((a) => a.action);
    expect(webActions.filter((a) => a.type === 'Action.Execute')).to.deep.equal([]);
    expect(webActions.filter((a) => a.type === 'Action.Submit').length).to.equal(teamsActions.filter((a) => a.type === 'Action.Execute').length);
    // one template: the Teams card is the Web Chat card with its submits turned into executes
    const sameTenantWeb = cardsOf(await new TestChat(under, { channelId: 'webchat', userId: 'ada', conversationId: 'web-2' }).say('hi'))[0]!;
    expect(teamsWelcome).to.deep.equal(universalCard(sameTenantWeb));
    expect(webWelcome).to.not.have.property('refresh');
  });

  it('Web Chat checklist cards are unchanged: Action.Submit with data.verb, no Action.Execute, no refresh block', async () => {
    const under = createBot();
    const web = new TestChat(under, { channelId: 'webchat', tenantId: '' });
    await walkChecklistToNext(web);
    const cards = cardsOf(web.transcript);
    expect(cards.length).to.be.greaterThan(7);
    for (const card of cards) {
      expect(card).to.not.have.property('refresh');
      for (const { action } of allActions(card)) {
        expect(action.type).to.be.oneOf(['Action.Submit', 'Action.OpenUrl', 'Action.ToggleVisibility']);
        if (action.type === 'Action.Submit') expect((action.data as { verb?: unknown }).verb).to.be.a('string');
      }
    }
  });

  it('Teams checklist step cards and the what-s-next list carry a refresh block (verb refresh, their view, the user); other cards do not', async () => {
    const chat = new TestChat(createBot(), { userId: '29:ada' });
    const welcome = cardsOf(await chat.say('hi'))[0]!;
    expect(welcome, 'the welcome card is not a live view').to.not.have.property('refresh');
    const step = cardsOf(await chat.click('Start the checklist')).find((c) => /Step 1 of 8/.test(text(c)))!;
    expect(step.refresh).to.deep.equal({
      action: { type: 'Action.Execute', verb: 'refresh', data: { view: 'checklist.current' } },
      userIds: ['29:ada'],
    });
    expect(
      allActions(step).filter((a) => a.action.verb === 'refresh'),
      'the refresh action is the only one for refresh',
    ).to.have.length(1);
    await walkChecklistToNext(chat);
    const list = cardsOf(chat.replies).find((c) => /Mark done/.test(text(c)))!;
    expect((list.refresh as { action: { data: unknown } }).action.data).to.deep.equal({ view: 'checklist.next' });
  });
});

describe('Universal Actions: adaptiveCard/action invokes', () => {
  it('an Execute runs the step and answers with the next card, which replaces the clicked one; lines still go out as messages', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: '29:ada' });
    await chat.say('continue');
    const clicked = newestCard(chat, /Step 1 of 8/);

    const reply = await chat.execute('Both are current');
    const card = answeredCard(reply);
    expect(text(card)).to.match(/Step 2 of 8/);
    expect(text(card)).to.match(/Who you are/);
    expect(actionsOf([{ attachments: [{ contentType: ADAPTIVE, content: card }] }]).every((a) => a.type === 'Action.Execute')).to.equal(true);
    expect((card.refresh as { userIds: string[] }).userIds).to.deep.equal(['29:ada']);
    expect(cardsOf(chat.replies), 'the next card is the answer, not a new message').to.deep.equal([]);
    // the clicked message is edited to the same card (everyone sees it; Teams refreshes it for the people listed), not retired into a line
    const edits = chat.updates.filter((u) => u.id === clicked.id);
    expect(edits).to.have.length(1);
    expect(edits[0]!.attachments?.[0]?.content).to.deep.equal(card);
    // on screen: the clicked card now shows step 2
    expect(text(chat.transcript.find((a) => a.id === clicked.id)!.attachments)).to.match(/Step 2 of 8/);

    const record = await under.transitions.get('tenant-a');
    expect(record.done.prepare?.by.name).to.equal('Ada Admin');

    // the next click runs on the replaced card: step 2 answered, step 3 shown
    const role = answeredCard(await chat.execute('Global admin'));
    expect(text(role)).to.match(/Step 3 of 8/);
    expect(chat.text(), 'the line the step says goes out as a message').to.match(/global admin/i);
  });

  it('walks the whole checklist with Execute only (forms with inputs, Mark done in place, the finish)', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: '29:ada' });
    await chat.say('continue');
    for (const [title, inputs] of [
      ['Both are current', {}],
      ['Global admin', {}],
      ["Yes, it's Restricted", {}],
      ['Check my details', GOOD_DETAILS],
      ["I've selected Enroll now", { understood: 'true' }],
      ["It's approved", {}],
      ["I've accepted the agreement", {}],
    ] as const) {
      answeredCard(await chat.execute(title, inputs));
    }
    for (let i = 0; i < NEXT_ITEM_IDS.length; i++) {
      const list = answeredCard(await chat.execute('Mark done'));
      expect(text(list), 'the list stays a list, updated in place').to.match(/Reopen/);
      expect((list.refresh as { action: { data: unknown } }).action.data).to.deep.equal({ view: 'checklist.next' });
      expect(chat.text()).to.match(new RegExp(`${i + 1} of 7 items done`));
    }
    expect(
      cardsOf(chat.replies).some((c) => /is complete/.test(text(c))),
      'the finish card goes out as a message',
    ).to.equal(true);
    const record = await under.transitions.get('tenant-a');
    expect(NEXT_ITEM_IDS.every((i) => record.nextItems[i])).to.equal(true);
  });

  it('a stale Execute (the checklist moved on) answers with the current card and changes nothing', async () => {
    const under = createBot();
    const ada = new TestChat(under, { userId: '29:ada', userName: 'Ada', conversationId: 'g', channel: true });
    const bob = new TestChat(under, { userId: '29:bob', userName: 'Bob', conversationId: 'g', channel: true });
    await ada.say('continue');
    await bob.say('continue');
    answeredCard(await ada.execute('Both are current'));
    const before = await under.transitions.get('tenant-a');

    // Bob clicks his own copy of step 1, rendered at the old revision
    const reply = await bob.execute('Both are current');
    const card = answeredCard(reply);
    expect(text(card)).to.match(/Step 2 of 8/);
    expect(text(card)).to.not.match(/Step 1 of 8/);
    expect(bob.text()).to.match(/out of date/);
    const after = await under.transitions.get('tenant-a');
    expect(after.revision, 'nothing changed').to.equal(before.revision);
    expect(after.history).to.deep.equal(before.history);
  });

  it("a second admin's refresh answers read only with the current card for them; refresh userIds name both admins", async () => {
    const under = createBot();
    const ada = new TestChat(under, { userId: '29:ada', userName: 'Ada', conversationId: 'g', channel: true });
    const bob = new TestChat(under, { userId: '29:bob', userName: 'Bob', conversationId: 'g', channel: true });
    await bob.say('hi');
    await ada.say('continue');
    const shared = newestCard(ada, /Step 1 of 8/);
    const refresh = cardsOf([shared])[0]!.refresh as { action: unknown; userIds: string[] };
    expect(refresh.userIds).to.have.members(['29:ada', '29:bob']);

    answeredCard(await ada.execute('Both are current'));
    // Bob sees the same card in the group chat: Teams runs its refresh for him
    bob.transcript.push(shared);
    const stored = snapshot(under);
    const reply = await bob.refresh(shared.id!);
    const card = answeredCard(reply);
    expect(text(card)).to.match(/Step 2 of 8/);
    expect(text(card)).to.match(/Before you start.*Ada, Nov 20, 2026/);
    expect((card.refresh as { userIds: string[] }).userIds).to.have.members(['29:ada', '29:bob']);
    expect(bob.replies, 'a refresh sends nothing').to.deep.equal([]);
    expect(snapshot(under), 'a refresh writes nothing').to.equal(stored);
  });

  it('a refresh of the what-s-next list answers with the list as it is now', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: '29:ada' });
    await walkChecklistToNext(chat);
    const list = newestCard(chat, /Mark done/);
    await chat.click('Mark done');
    const card = answeredCard(await chat.refresh(list.id!));
    expect(text(card)).to.match(/Reopen/);
    expect(text(card)).to.match(/Mark done/);
  });

  it('an Execute whose turn sends no card answers with a message and leaves the card as it is', async () => {
    const chat = new TestChat(createBot(), { userId: '29:ada' });
    await chat.say('continue');
    const reply = await chat.execute('Where do I check?');
    expect(reply.status).to.equal(200);
    expect(reply.body.statusCode).to.equal(200);
    expect(reply.body.type).to.equal('application/vnd.microsoft.activity.message');
    expect(reply.body.value).to.be.a('string').and.equal(chat.replies.at(-1)!.text);
    expect(text(newestCard(chat, /Step 1 of 8/))).to.match(/Both are current/);
  });

  it('a malformed action object, an unknown verb, bad data or an unknown view: 400 application/vnd.microsoft.error, nothing run or stored', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: '29:ada' });
    await chat.say('continue');
    const stored = snapshot(under);
    for (const value of [
      undefined,
      null,
      'Action.Execute',
      [],
      {},
      { action: null },
      { action: 'transition.prepare.confirm' },
      { action: { type: 'Action.Submit', verb: 'transition.prepare.confirm', data: { rev: 0 } } },
      { action: { type: 'Action.Execute' } },
      { action: { type: 'Action.Execute', verb: '' } },
      { action: { type: 'Action.Execute', verb: 42 } },
      { action: { type: 'Action.Execute', verb: 'transition.prepare.confirm', data: [0] } },
      { action: { type: 'Action.Execute', verb: 'transition.prepare.confirm', data: 'rev=0' } },
      { action: { type: 'Action.Execute', verb: 'transition.prepare.confirm', data: { rev: 0 } }, trigger: 'sometimes' },
      { action: { type: 'Action.Execute', verb: 'transition.nope', data: { rev: 0 } } },
      { action: { type: 'Action.Execute', verb: 'delete.everything' } },
      { action: { type: 'Action.Execute', verb: 'transition.prepare.confirm', data: { rev: 'latest' } } },
      { action: { type: 'Action.Execute', verb: 'transition.role.set', data: { rev: 1, role: 'emperor' } } },
      { action: { type: 'Action.Execute', verb: 'menu.open', data: { journey: 'nowhere' } } },
      { action: { type: 'Action.Execute', verb: 'refresh' } },
      { action: { type: 'Action.Execute', verb: 'refresh', data: { view: 'checklist.secrets' } } },
      { action: { type: 'Action.Execute', verb: 'refresh', data: { view: 7 } } },
    ]) {
      const reply = await chat.invoke(value);
      expect(reply.status, JSON.stringify(value)).to.equal(200);
      expect(reply.body.statusCode, JSON.stringify(value)).to.equal(400);
      expect(reply.body.type).to.equal('application/vnd.microsoft.error');
      expect(reply.body.value).to.deep.include({ code: 'BadRequest' });
      expect((reply.body.value as { message: string }).message).to.match(/Nothing was changed/);
      expect(chat.replies, JSON.stringify(value)).to.deep.equal([]);
    }
    expect(snapshot(under), 'nothing stored').to.equal(stored);
  });

  it('speaks the user language: a German refusal', async () => {
    const chat = new TestChat(createBot(), { userId: '29:ada', locale: 'de-DE' });
    const reply = await chat.invoke({ action: { type: 'Action.Execute', verb: 'nope' } });
    expect((reply.body.value as { message: string }).message).to.match(/Es wurde nichts geändert/);
  });

  it('other invoke names keep their behaviour (not implemented: 501)', async () => {
    const chat = new TestChat(createBot(), { userId: '29:ada' });
    await chat.send({ type: 'invoke', name: 'composeExtension/query', value: {} });
    const answer = chat.replies.find((r) => r.type === 'invokeResponse');
    expect((answer?.value as { status: number }).status).to.equal(501);
  });

  it('Teams without a tenant: the Execute is answered with the reason, nothing stored', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: '29:ada', tenantId: '' });
    const reply = await chat.invoke({ action: { type: 'Action.Execute', verb: 'menu.open', data: { journey: 'transition' } } });
    expect(reply.body.type).to.equal('application/vnd.microsoft.activity.message');
    expect(reply.body.value).to.match(/which Partner Center tenant/);
    expect(Object.keys((under.storage as MemoryStorage & { memory: object }).memory).filter((k) => k.startsWith('tenants/'))).to.deep.equal([]);
  });
});
