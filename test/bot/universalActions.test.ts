/**
 * The bot's side of Teams Universal Actions: who the refresh blocks name (ParticipantRoster, the
 * conversation's people in group chats), invokes under the turn gate (a refresh counts against its
 * reader's own budget; a refused invoke is still answered), a failed Execute turn still answers
 * the client (500 in the body, HTTP 200), and an invoke speaks the language the user chose.
 */
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext, type Activity, type Storage, type StoreItems } from 'botbuilder';
import { expect } from 'chai';
import { ParticipantRoster, RENOTE_AFTER_MINUTES } from '../../src/bot/participants.js';
import { composeAssistant } from '../../src/app/compose.js';
import { createLogger } from '../../src/logger.js';
import { loadProviderDirectory } from '../../src/domain/providers.js';
import { FIXTURE_DIRECTORY, TEST_INVITATION_SECRET, TEST_PUBLIC_BASE_URL, TestChat, createBot, type BotUnderTest } from '../support/chat.js';

/** Counts writes to the underlying storage. */
class CountingStorage extends MemoryStorage {
  writes = 0;
  override write(changes: StoreItems): Promise<void> {
    this.writes++;
    return super.write(changes);
  }
}

/** Runs `fn` in a turn of group conversation `conv` and saves conversation state. */
async function inTurn<T>(storage: Storage, fn: (context: TurnContext, roster: ParticipantRoster) => Promise<T>, conv = 'g'): Promise<T> {
  const state = new ConversationState(storage);
  const roster = new ParticipantRoster(state);
  const adapter = new TestAdapter();
  let result: T | undefined;
  await adapter.processActivity({ type: 'message', channelId: 'msteams', conversation: { id: conv, isGroup: true } } as Activity, async (context) => {
    result = await fn(context, roster);
    await state.saveChanges(context, false);
  });
  return result!;
}

/** The bot over `storage` with a turn limit of `turns` per minute (createBot's is unlimited). */
function limitedBot(turns: number): BotUnderTest {
  const under = createBot();
  const assistant = composeAssistant({
    storage: under.storage,
    directory: loadProviderDirectory(FIXTURE_DIRECTORY),
    secret: TEST_INVITATION_SECRET,
    publicBaseUrl: () => TEST_PUBLIC_BASE_URL,
    logger: createLogger('silent'),
    deliver: async () => undefined,
    webChatTenantId: 'webchat-tenant',
    rateLimit: { turns, windowSeconds: 60 },
    clock: () => under.clock.now,
  });
  return { ...under, bot: assistant.bot, transitions: assistant.transitions };
}

describe('ParticipantRoster: the people refresh blocks name in group conversations', () => {
  it('lists the people noted, most recently noted first, at most 60; forgets people who left', async () => {
    const storage = new MemoryStorage();
    const now = new Date('2026-11-20T09:00:00Z');
    const ids = Array.from({ length: 70 }, (_, i) => `29:u${i}`);
    for (const id of ids) await inTurn(storage, (c, r) => r.note(c, [id], now));
    const listed = await inTurn(storage, (c, r) => r.userIds(c));
    expect(listed).to.have.length(60);
    expect(listed[0]).to.equal('29:u69');
    expect(listed).to.not.include('29:u9');
    await inTurn(storage, (c, r) => r.note(c, [], now, ['29:u69', '29:u68']));
    expect((await inTurn(storage, (c, r) => r.userIds(c))).slice(0, 2)).to.deep.equal(['29:u67', '29:u66']);
    expect(await inTurn(storage, (c, r) => r.userIds(c), 'other')).to.deep.equal([]);
  });

  it('writes only when someone is new or gone, or was last noted more than a day ago', async () => {
    const storage = new CountingStorage();
    const at = (minutes: number) => new Date(Date.parse('2026-11-20T09:00:00Z') + minutes * 60_000);
    await inTurn(storage, (c, r) => r.note(c, ['29:a'], at(0)));
    const first = storage.writes;
    await inTurn(storage, (c, r) => r.note(c, ['29:a'], at(5)));
    await inTurn(storage, (c, r) => r.note(c, ['29:a'], at(RENOTE_AFTER_MINUTES - 1)));
    expect(storage.writes, 'the same person again the same day: no write').to.equal(first);
    await inTurn(storage, (c, r) => r.note(c, ['29:a'], at(RENOTE_AFTER_MINUTES)));
    expect(storage.writes).to.equal(first + 1);
    await inTurn(storage, (c, r) => r.note(c, ['29:b'], at(RENOTE_AFTER_MINUTES)));
    expect(storage.writes).to.equal(first + 2);
  });

  it('through the bot: people who write and people Teams adds are listed; removed people are not', async () => {
    const under = createBot();
    const ada = new TestChat(under, { userId: '29:ada', conversationId: 'g', channel: true });
    await ada.send({
      type: 'conversationUpdate',
      membersAdded: [
        { id: 'bot', name: 'assistant' },
        { id: '29:cy', name: 'Cy' },
        { id: '29:dee', name: 'Dee' },
      ],
    });
    await ada.send({ type: 'conversationUpdate', membersRemoved: [{ id: '29:dee', name: 'Dee' }] });
    await ada.say('continue');
    const card = ada.cards().find((c) => c.refresh)!;
    expect((card.refresh as { userIds: string[] }).userIds).to.have.members(['29:ada', '29:cy']);
  });
});

describe('Universal Actions under the turn gate and when a turn fails', () => {
  it('a refused Execute is still answered (why, in a message); refreshes count against their reader, not the conversation', async () => {
    const under = limitedBot(2);
    const chat = new TestChat(under, { userId: '29:ada' });
    await chat.say('continue');
    const card = chat.replies.find((r) => r.attachments?.length)!;
    await chat.say('help');
    const refused = await chat.execute('Both are current');
    expect(refused.body.type).to.equal('application/vnd.microsoft.activity.message');
    expect(refused.body.value).to.match(/faster than I can follow/);
    expect((await under.transitions.get('tenant-a')).revision, 'nothing ran').to.equal(0);
    // the conversation's budget is spent, its reader's refresh budget is not
    const refreshed = await chat.refresh(card.id!);
    expect(refreshed.body.type).to.equal('application/vnd.microsoft.card.adaptive');
  });

  it('an Execute whose turn fails answers 500 application/vnd.microsoft.error (HTTP 200) and the error still reaches onTurnError', async () => {
    const storage = new MemoryStorage();
    const under = createBot(storage);
    const chat = new TestChat(under, { userId: '29:ada' });
    await chat.say('continue');
    const errors: Error[] = [];
    chat.adapter.onTurnError = async (_context, error) => void errors.push(error);
    const write = storage.write.bind(storage);
    storage.write = async (changes) => {
      if (Object.keys(changes).some((k) => k.startsWith('tenants/'))) throw new Error('disk full');
      return write(changes);
    };
    const reply = await chat.execute('Both are current');
    expect(reply.status).to.equal(200);
    expect(reply.body).to.deep.include({ statusCode: 500, type: 'application/vnd.microsoft.error' });
    expect(reply.body.value).to.deep.include({ code: 'InternalError' });
    expect(errors.map((e) => e.message)).to.deep.equal(['disk full']);
  });

  it('an invoke speaks the language the user chose, not only the channel locale', async () => {
    const chat = new TestChat(createBot(), { userId: '29:ada' });
    await chat.say('Deutsch');
    await chat.say('continue');
    const card = chat.replies.find((r) => r.attachments?.length)!;
    const refreshed = await chat.refresh(card.id!);
    expect(JSON.stringify(refreshed.body.value)).to.match(/Schritt 1 von 8/);
    const refused = await chat.invoke({ action: { type: 'Action.Execute', verb: 'nope' } });
    expect((refused.body.value as { message: string }).message).to.match(/Es wurde nichts geändert/);
  });
});
