import { expect } from 'chai';
import { ActivityTypes, CardFactory, MessageFactory, TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { coalesceReplies } from '../../src/bot/replyCoalescer.js';
import { TestChat, createBot } from '../support/chat.js';

const card = (title: string) =>
  MessageFactory.attachment(CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: title }] }));

/** Runs one turn whose logic is `logic` with the coalescer installed the way AssistantBot does; returns what the channel received. */
async function turn(logic: (context: TurnContext) => Promise<void>): Promise<Partial<Activity>[]> {
  const adapter = new TestAdapter(async (context) => {
    const replies = coalesceReplies(context);
    try {
      await logic(context);
    } finally {
      await replies.flush();
    }
  });
  await adapter.processActivity({ type: ActivityTypes.Message, text: 'hi' }).catch(() => undefined);
  return adapter.activeQueue.splice(0);
}

const shape = (replies: Partial<Activity>[]) =>
  replies.map(
    (r) => `${r.type}:${r.text ?? ''}${r.attachments ? `+card(${(r.attachments[0]!.content as { body: Array<{ text: string }> }).body[0]!.text})` : ''}`,
  );

describe('coalesceReplies: a line said right before a card goes out with the card', () => {
  it('sends a line and the card after it as one activity, text above the card', async () => {
    const replies = await turn(async (c) => {
      await c.sendActivity('Noted.');
      await c.sendActivity(card('Step 3'));
    });
    expect(shape(replies)).to.deep.equal(['message:Noted.+card(Step 3)']);
  });

  it('only the last line before a card joins it; earlier lines stay separate, in order', async () => {
    const replies = await turn(async (c) => {
      await c.sendActivity('one');
      await c.sendActivity('two');
      await c.sendActivity(card('A'));
      await c.sendActivity('three');
    });
    expect(shape(replies)).to.deep.equal(['message:one', 'message:two+card(A)', 'message:three']);
  });

  it('keeps a card that has its own text, a typing indicator and suggested actions apart, in order', async () => {
    const replies = await turn(async (c) => {
      await c.sendActivity('line');
      await c.sendActivity({ ...card('B'), text: 'caption' });
      await c.sendActivity('before typing');
      await c.sendActivity({ type: ActivityTypes.Typing });
      await c.sendActivity(MessageFactory.suggestedActions(['Yes', 'No'], 'Pick one'));
      await c.sendActivity(card('C'));
    });
    expect(shape(replies)).to.deep.equal([
      'message:line',
      'message:caption+card(B)',
      'message:before typing',
      'typing:',
      'message:Pick one',
      'message:+card(C)',
    ]);
    expect(replies[4]!.suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['Yes', 'No']);
  });

  it('a held line resolves at once with an empty id; a sent card gets the channel id', async () => {
    let lineId: string | undefined = 'unset';
    let cardId: string | undefined;
    await turn(async (c) => {
      lineId = (await c.sendActivity('held'))?.id;
      cardId = (await c.sendActivity(card('D')))?.id;
    });
    expect(lineId).to.equal('');
    expect(cardId).to.be.a('string').and.not.equal('');
  });

  it('sends the held line when the turn logic throws after it, and only once', async () => {
    const replies = await turn(async (c) => {
      await c.sendActivity('saved before the failure');
      throw new Error('boom');
    });
    expect(shape(replies)).to.deep.equal(['message:saved before the failure']);
  });

  it('in the assistant: choosing a role answers with one message, the confirmation above the next step card', async () => {
    const chat = new TestChat(createBot());
    await chat.say('continue');
    await chat.click('Both are current');
    const replies = await chat.click('Global admin');
    expect(replies).to.have.length(1);
    expect(replies[0]!.text).to.match(/Noted: you are \*\*Global admin\*\*/);
    expect(chat.text()).to.match(/Step 3 of 8/);
  });
});
