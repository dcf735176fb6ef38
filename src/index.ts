/**
 * Entry point: `node dist/src/index.js` (or `npm start`). Reads the environment (see README's
 * configuration table), starts the assistant and stops cleanly on SIGINT/SIGTERM.
 */
import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await startApp(config);
  process.stdout.write(`CSP partner assistant: open ${app.url.replace('127.0.0.1', 'localhost')} to chat (bot endpoint ${app.url}/api/messages)\n`);
  const stop = async (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
