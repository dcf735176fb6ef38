/**
 * The baseline for `npm run bench`: a stock Bot Framework echo bot (ActivityHandler, CloudAdapter,
 * ConversationState over MemoryStorage counting turns) on restify, auth off, on 127.0.0.1. Driven
 * through the same harness as the assistant, so the ratio of their turns/s means something.
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, MemoryStorage } from 'botbuilder';
import restify from 'restify';

/** Starts the echo bot; resolves with its /api/messages URL and a close(). */
export async function startEchoBot(): Promise<{ url: string; close: () => Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
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
  const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${server.address().port}/api/messages`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
