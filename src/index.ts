/**
 * The entry point. `startApp` builds the assistant's object graph with `composeAssistant`
 * (src/app/compose.ts: storage -> change log -> repositories -> services -> dialogs -> bot) and adds
 * what only a server needs: the adapter, the HTTP server and the reminder scheduler. Run directly
 * (`node dist/src/index.js`, `npm start`) it reads the environment (README's configuration table),
 * starts the assistant and stops cleanly on SIGINT/SIGTERM. Tests import `startApp` from here.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ClientCachingAuthentication } from './bot/clientCache.js';
import { liveConnection, startDemoConnection, type PartnerCenterConnection } from './partnerCenter/connection.js';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TeamsSSOTokenExchangeMiddleware, type Storage } from 'botbuilder';
import { liveIdentity, startDemoIdentity } from './identity/connection.js';
import type { IdentityConnection } from './identity/identityService.js';
import { readerTokens } from './bot/readerTokens.js';
import type { Server } from 'restify';
import { composeAssistant, SHIPPED_PROVIDER_DIRECTORY, type AssistantServices } from './app/compose.js';
import type { AppConfig } from './config.js';
import { translator } from './i18n/index.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createHttpServer, type InFlight } from './server/httpServer.js';
import { createStorage } from './store/sharedStorage.js';
import type { ReminderService } from './reminders/reminderService.js';
import { proactiveDelivery } from './reminders/proactiveDelivery.js';
import type { TransitionRepository } from './store/transitionRepository.js';
import { ProviderDirectoryError, loadProviderDirectory } from './domain/providers.js';
import type { InvitationService } from './invitations/invitationService.js';
import type { CustomerService } from './customers/customerService.js';
import { loadInvitationSecret } from './store/invitationSecret.js';

export { SHIPPED_PROVIDER_DIRECTORY } from './app/compose.js';

/** How long `close()` waits for in-flight turns to finish, in ms. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** A running assistant: its base URL and a `close()` that stops accepting requests and waits for in-flight turns. */
export interface RunningApp {
  url: string;
  server: Server;
  storage: Storage;
  logger: Logger;
  /** Tenants' checklists (roles live here: `people`). */
  transitions: TransitionRepository;
  /** Every use case (checklist, providers, invitations, customers, reminders), as the journeys get them. */
  services: AssistantServices;
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
 * Starts the assistant: the object graph from `composeAssistant`, then the adapter and the HTTP
 * server listening on `config.host:config.port` (port 0 picks a free port), then the reminder
 * scheduler (unless `config.reminderCheckSeconds` is 0). Storage is chosen by `config.storage`
 * (lowdb under `<DATA_DIR>/store` by default; Azure Blob or Cosmos DB for several instances).
 * @throws ProviderDirectoryError when the provider directory is invalid (file and field named).
 */
export async function startApp(config: AppConfig, overrides: AppOverrides = {}): Promise<RunningApp> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const storage = overrides.storage ?? createStorage({ ...config.storage, dataDir: config.dataDir });
  const partnerCenter = config.partnerCenterMode === 'fake' ? await startDemoConnection() : config.partnerCenterMode === 'live' ? liveConnection() : undefined;
  const identity = await startIdentity(config, partnerCenter);
  const { adapter, auth } = createAdapter(config, logger, storage, identity);
  let baseUrl = '';
  const { bot, transitions, services } = composeAssistant({
    storage,
    logger,
    // a bad directory entry stops the start (ProviderDirectoryError) before anything is written
    directory: loadProviderDirectory(config.providerDirectory ?? SHIPPED_PROVIDER_DIRECTORY),
    secret: loadInvitationSecret(config.dataDir, config.invitationSecret),
    publicBaseUrl: () => config.publicBaseUrl ?? baseUrl,
    deliver: proactiveDelivery(adapter, config.microsoftAppId),
    webChatTenantId: config.webChatTenantId,
    trustDirectLineUserIds: config.authEnabled,
    rateLimit: config.rateLimit,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.instanceId ? { instanceId: overrides.instanceId } : {}),
    ...(partnerCenter ? { partnerCenter } : {}),
    ...(identity ? { identity } : {}),
    partnerCenterRefreshMinutes: config.partnerCenterRefreshMinutes,
    ...(identity ? { readerToken: readerTokens(auth, config.microsoftAppId, identity.connectionName) } : {}),
  });
  const { invitations, customers, reminders } = services;
  const clock = overrides.clock ? { clock: overrides.clock } : {};
  const { server, inFlight } = createHttpServer({ config, adapter, bot, logger, invitations, customers, ...clock, baseUrl: () => baseUrl });
  baseUrl = await listen(server, config);
  logger.info({ url: baseUrl, auth: config.authEnabled, dataDir: path.resolve(config.dataDir) }, 'assistant listening');
  if (!config.authEnabled) logger.warn('MicrosoftAppId is empty: auth is OFF, bound to loopback only, development Direct Line surface on');
  if (config.reminderCheckSeconds > 0) reminders.start(config.reminderCheckSeconds * 1000);
  // background Partner Center reads: checked 4 times per interval, so a tenant is read at most a quarter interval late
  const refresh = services.partnerCenterRefresh;
  if (refresh && config.partnerCenterRefreshMinutes > 0) refresh.start((config.partnerCenterRefreshMinutes * 60_000) / 4);
  if (partnerCenter?.mode === 'fake')
    logger.warn('PARTNER_CENTER_MODE=fake: customers come from the bundled fake Partner Center (demo data, labelled so in the chat)');
  if (partnerCenter?.mode === 'live') logger.info('PARTNER_CENTER_MODE=live: customers are read from Partner Center as the signed-in user');
  if (identity?.mode === 'fake')
    logger.warn({ signIn: identity.oAuthUrl }, 'PARTNER_CENTER_MODE=fake: sign-in goes to the bundled fake token service (demo people, not real accounts)');
  if (identity?.mode === 'live') logger.info({ connection: identity.connectionName }, 'connected identity: roles are verified in Microsoft Entra ID');
  const close = async () => {
    await closeApp(server, inFlight, reminders, logger);
    await refresh?.stop();
    await partnerCenter?.close();
    await identity?.close();
  };
  return { url: baseUrl, server, storage, logger, transitions, services, invitations, customers, reminders, close };
}

/** Connected identity from `config`: the demo's fakes (`PARTNER_CENTER_MODE=fake`), the live OAuth connection (`OAUTH_CONNECTION_NAME`), or none (manual mode). */
async function startIdentity(config: AppConfig, partnerCenter?: PartnerCenterConnection): Promise<IdentityConnection | undefined> {
  // the demo's fake Partner Center accepts the Partner Center tokens its fake Entra mints
  if (config.partnerCenterMode === 'fake') return startDemoIdentity(config.webChatTenantId, (token) => partnerCenter?.accept?.(token));
  if (!config.oauthConnectionName) return undefined;
  return liveIdentity({
    connectionName: config.oauthConnectionName,
    clientId: config.microsoftAppId,
    clientSecret: config.microsoftAppPassword,
    tenantId: config.microsoftAppTenantId,
  });
}

/**
 * The Bot Framework adapter for `config`'s app registration; a failed turn is logged and the user
 * told (in the activity's language). Connected identity: the token service is the connection's
 * (the fake's in the demo) and Teams SSO token exchanges are deduplicated across instances through
 * `storage` (`TeamsSSOTokenExchangeMiddleware`).
 */
function createAdapter(
  config: AppConfig,
  logger: Logger,
  storage: Storage,
  identity?: IdentityConnection,
): { adapter: CloudAdapter; auth: ClientCachingAuthentication } {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
    MicrosoftAppType: config.microsoftAppType,
    ...(identity?.oAuthUrl ? { OAuthUrl: identity.oAuthUrl } : {}),
  });
  const cached = new ClientCachingAuthentication(auth);
  const adapter = new CloudAdapter(cached);
  if (identity) adapter.use(new TeamsSSOTokenExchangeMiddleware(storage, identity.connectionName));
  adapter.onTurnError = async (context, error) => {
    logger.error(
      { err: { name: error.name, message: error.message, stack: error.stack }, channel: context.activity.channelId, activityType: context.activity.type },
      'turn failed',
    );
    try {
      await context.sendActivity(translator(context.activity.locale)('errors.turnFailed'));
    } catch (sendError) {
      logger.error({ err: (sendError as Error).message }, 'could not tell the user about the failed turn');
    }
  };
  return { adapter, auth: cached };
}

/** Listens on `config.host:config.port`; returns the base URL (`http://host:port`, IPv6 hosts bracketed). */
async function listen(server: Server, config: AppConfig): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${address.port}`;
}

/**
 * Stops the scheduler, then closes gracefully: stop accepting, let in-flight turns finish and
 * save (up to {@link SHUTDOWN_GRACE_MS}), then drop what is left.
 */
async function closeApp(server: Server, inFlight: InFlight, reminders: ReminderService, logger: Logger): Promise<void> {
  await reminders.stop();
  const http = server.server as unknown as { closeAllConnections?: () => void; closeIdleConnections?: () => void };
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  http.closeIdleConnections?.();
  const finished = await inFlight.drained(SHUTDOWN_GRACE_MS);
  if (!finished) logger.warn({ inFlight: inFlight.size }, 'shutdown: turns still running after the grace period');
  http.closeAllConnections?.();
  await closed;
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
