/**
 * The baseline for `npm run bench`: a stock Bot Framework echo bot (ActivityHandler, CloudAdapter,
 * ConversationState over MemoryStorage counting turns) on restify, auth off, on 127.0.0.1. Driven
 * through the same harness as the assistant, so the ratio of their turns/s means something.
 */
import { ActivityHandler, ConversationState, MemoryStorage } from 'botbuilder';
import { serveBot, type ServedBot } from './serveBot.js';

/** Starts the echo bot; resolves with its /api/messages URL and a close(). */
export async function startEchoBot(): Promise<ServedBot> {
  const state = new ConversationState(new MemoryStorage());
  const turns = state.createProperty<number>('turns');
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const n = (await turns.get(context, 0)) + 1;
    await turns.set(context, n);
    await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
    await state.saveChanges(context);
    await next();
  });
  return serveBot('echo', bot);
}
