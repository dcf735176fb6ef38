/**
 * The composition root and entry point. `startApp` wires config -> storage -> state ->
 * repositories -> dialogs -> bot -> adapter -> HTTP server; run directly (`node dist/src/index.js`,
 * `npm start`) it reads the environment (README's configuration table), starts the assistant and
 * stops cleanly on SIGINT/SIGTERM. Tests import `startApp` from here.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MessageFactory,
  PrivateConversationState,
  UserState,
  type ConversationReference,
  type Storage,
} from 'botbuilder';
import type { Server } from 'restify';
import { MainDialog } from '../dialogs/mainDialog.js';
import { reminderMessageCard } from '../dialogs/reminders/views.js';
import { interimChecklist, interimProviders } from '../dialogs/interimServices.js';
import { AssistantBot } from './bot/assistantBot.js';
import { TurnGate } from './bot/turnGate.js';
import type { AppConfig } from './config.js';
import { translator } from './i18n/index.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createHttpServer } from './server/httpServer.js';
import { createStorage } from './store/sharedStorage.js';
import { ReminderService } from './reminders/reminderService.js';
import { TransitionRepository } from './store/transitionRepository.js';
import { TenantRecords } from './store/tenantRecords.js';
import { ProviderDirectoryError, loadProviderDirectory } from './domain/providers.js';
import { newProviderChoiceRecord } from './domain/providerChoice.js';
import { InvitationService } from './invitations/invitationService.js';
import { CustomerService } from './customers/customerService.js';
import { loadInvitationSecret } from './store/invitationSecret.js';

/** The provider directory shipped with the app (copied next to the build by `npm run build`). */
export const SHIPPED_PROVIDER_DIRECTORY = fileURLToPath(new URL('./data/providers.json', import.meta.url));

/** How long `close()` waits for in-flight turns to finish, in ms. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** A running assistant: its base URL and a `close()` that stops accepting requests and waits for in-flight turns. */
export interface RunningApp {
  url: string;
  server: Server;
  storage: Storage;
  logger: Logger;
  /** Tenants' checklists (roles live here: `people`). */
  journeys: TransitionRepository;
  /** Invitations and relationships use cases (shared by the chat and the accept pages). */
  invitations: InvitationService;
  /** Customer classification use cases (chat and the CSV export). */
  customers: CustomerService;
  /** Proactive reminders: planning, the list, and the scheduler (started unless `REMINDER_CHECK_SECONDS` is 0). */
  reminders: ReminderService;
  close(): Promise<void>;
}

/** Optional seams for tests: a fixed clock, another Storage, a logger. */
export interface AppOverrides {
  clock?: () => Date;
  storage?: Storage;
  logger?: Logger;
  /** Names this instance in reminder claims (tests running two instances in one process). */
  instanceId?: string;
}

/**
 * The composition root: config -> storage -> state -> repositories and the provider directory ->
 * dialogs -> bot -> adapter -> HTTP server, then listens on `config.host:config.port` (port 0 picks a free port).
 * Storage is chosen by `config.storage` (lowdb under `<DATA_DIR>/store` by default; Azure Blob or
 * Cosmos DB for several instances). The reminder scheduler starts with the server.
 */
export async function startApp(config: AppConfig, overrides: AppOverrides = {}): Promise<RunningApp> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const storage = overrides.storage ?? createStorage({ ...config.storage, dataDir: config.dataDir });
  const conversationState = new ConversationState(storage);
  const privateConversationState = new PrivateConversationState(storage);
  const userState = new UserState(storage);
  const journeys = new TransitionRepository(storage, overrides.clock);
  // a bad directory entry stops the start with the file and field named (ProviderDirectoryError)
  const directory = loadProviderDirectory(config.providerDirectory ?? SHIPPED_PROVIDER_DIRECTORY);
  const providerChoices = new TenantRecords(storage, 'providers', newProviderChoiceRecord, 1, overrides.clock);
  let baseUrl = '';
  const secret = loadInvitationSecret(config.dataDir, config.invitationSecret);
  const publicBaseUrl = () => config.publicBaseUrl ?? baseUrl;
  const clock = overrides.clock ? { clock: overrides.clock } : {};
  const invitations = new InvitationService({ storage, journeys, secret, publicBaseUrl, ...clock });
  const customers = new CustomerService({ storage, invitations, secret, publicBaseUrl, ...clock });
  // a reminder goes to the conversation it was planned in, in the planner's language
  const reminders = new ReminderService({
    storage,
    journeys,
    invitations: invitations.invitations,
    logger,
    ...clock,
    ...(overrides.instanceId ? { instanceId: overrides.instanceId } : {}),
    deliver: async (_tenantId, reminder) => {
      const t = translator(reminder.target.locale);
      await adapter.continueConversationAsync(config.microsoftAppId, reminder.target.conversation as Partial<ConversationReference>, async (context) => {
        await context.sendActivity(MessageFactory.attachment(reminderMessageCard(t, reminder)));
      });
    },
  });
  const checklist = interimChecklist(journeys, invitations, overrides.clock);
  const mainDialog = new MainDialog({ checklist, providers: interimProviders(directory, providerChoices, journeys, overrides.clock), invitations, customers, reminders });
  const bot = new AssistantBot({
    conversationState,
    privateConversationState,
    userState,
    mainDialog,
    logger,
    webChatTenantId: config.webChatTenantId,
    trustDirectLineUserIds: config.authEnabled,
    gate: new TurnGate(config.rateLimit),
    reminders,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
    MicrosoftAppType: config.microsoftAppType,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: { name: error.name, message: error.message, stack: error.stack }, channel: context.activity.channelId, activityType: context.activity.type }, 'turn failed');
    try {
      await context.sendActivity(translator(context.activity.locale)('errors.turnFailed'));
    } catch (sendError) {
      logger.error({ err: (sendError as Error).message }, 'could not tell the user about the failed turn');
    }
  };

  const { server, inFlight } = createHttpServer({ config, adapter, bot, logger, invitations, customers, ...clock, baseUrl: () => baseUrl });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  baseUrl = `http://${host}:${address.port}`;
  logger.info({ url: baseUrl, auth: config.authEnabled, dataDir: path.resolve(config.dataDir) }, 'assistant listening');
  if (!config.authEnabled) {
    logger.warn('MicrosoftAppId is empty: auth is OFF, bound to loopback only, development Direct Line surface on');
  }
  if (config.reminderCheckSeconds > 0) reminders.start(config.reminderCheckSeconds * 1000);
  return {
    url: baseUrl,
    server,
    storage,
    logger,
    journeys,
    invitations,
    customers,
    reminders,
    close: async () => {
      await reminders.stop();
      // graceful: stop accepting, let in-flight turns finish and save (up to SHUTDOWN_GRACE_MS), then drop what is left
      const http = server.server as unknown as { closeAllConnections?: () => void; closeIdleConnections?: () => void };
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      http.closeIdleConnections?.();
      const finished = await inFlight.drained(SHUTDOWN_GRACE_MS);
      if (!finished) logger.warn({ inFlight: inFlight.size }, 'shutdown: turns still running after the grace period');
      http.closeAllConnections?.();
      await closed;
    },
  };
}

/** Reads the environment, starts the assistant, and handles signals. Exit codes: 2 bad configuration or provider directory, 1 other start failure. */
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
  let app: RunningApp;
  try {
    app = await startApp(config);
  } catch (err) {
    if (err instanceof ProviderDirectoryError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.stdout.write(`CSP partner assistant: open ${app.url.replace('127.0.0.1', 'localhost')} to chat (bot endpoint ${app.url}/api/messages)\n`);
  const stop = async (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`Failed to start: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
