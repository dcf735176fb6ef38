/**
 * Serves a bench baseline bot the way the Bot Framework samples do: restify with the body parser,
 * `POST /api/messages` through `CloudAdapter` (auth off), on 127.0.0.1 with an ephemeral port.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ActivityHandler } from 'botbuilder';
import restify from 'restify';

/** A running baseline bot: its /api/messages URL and a close(). */
export interface ServedBot {
  url: string;
  close: () => Promise<void>;
}

/** Starts `bot` behind a new CloudAdapter; `name` is the restify server name. */
export async function serveBot(name: string, bot: ActivityHandler): Promise<ServedBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer({ name, handleUncaughtExceptions: false });
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
