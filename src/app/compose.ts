/**
 * The object graph of the assistant, built in one place: storage -> change log -> repositories ->
 * services -> MainDialog -> AssistantBot. `startApp` (src/index.ts) adds the adapter, the HTTP
 * server and the reminder scheduler around it; the dialog tests (`test/support/chat.ts`) and the
 * benches reuse it as is, so every path runs the same wiring.
 */
import { fileURLToPath } from 'node:url';
import { ConversationState, PrivateConversationState, UserState, type Storage } from 'botbuilder';
import { MainDialog } from '../../dialogs/mainDialog.js';
import { AssistantBot } from '../bot/assistantBot.js';
import { TurnGate, type TurnGateOptions } from '../bot/turnGate.js';
import { ChecklistService } from '../checklist/checklistService.js';
import { CustomerService } from '../customers/customerService.js';
import { PartnerCenterRefresh, type ReaderToken } from '../customers/partnerCenterRefresh.js';
import { loadProviderDirectory, type ProviderDirectory } from '../domain/providers.js';
import { InvitationService } from '../invitations/invitationService.js';
import { createPartnerRecords } from '../invitations/partnerRecords.js';
import type { Logger } from '../logger.js';
import { ProviderService } from '../providers/providerService.js';
import { ReminderService, type ReminderDelivery } from '../reminders/reminderService.js';
import type { PartnerCenterConnection } from '../partnerCenter/connection.js';
import { IdentityService, type IdentityConnection } from '../identity/identityService.js';
import { ChangeLog } from '../store/changeLog.js';
import { TransitionRepository } from '../store/transitionRepository.js';

/** The provider directory shipped with the app (copied next to the build by `npm run build`). */
export const SHIPPED_PROVIDER_DIRECTORY = fileURLToPath(new URL('../data/providers.json', import.meta.url));

/**
 * The use cases the journeys and the pages call (each owns its side effects; see `src/<area>/`).
 * `MainDialog` takes this object (`new MainDialog(services)`).
 */
export interface AssistantServices {
  checklist: ChecklistService;
  providers: ProviderService;
  invitations: InvitationService;
  customers: CustomerService;
  reminders: ReminderService;
  /** Connected identity only. */
  identity?: IdentityService;
  /** Connected to Partner Center only: the background reads' schedule. */
  partnerCenterRefresh?: PartnerCenterRefresh;
}

/** What {@link composeAssistant} needs. */
export interface ComposeOptions {
  /** Where everything is kept (lowdb, Azure Blob, Cosmos DB, or MemoryStorage in tests). */
  storage: Storage;
  /** HMAC secret of invitation and export links, at least 32 bytes (`loadInvitationSecret`). */
  secret: Buffer;
  /** Absolute base URL links start with (no trailing slash); read when a link is made. */
  publicBaseUrl: () => string;
  logger: Logger;
  /** Sends one reminder (startApp: a proactive message through the adapter). */
  deliver: ReminderDelivery;
  /** Default: the shipped directory ({@link SHIPPED_PROVIDER_DIRECTORY}). */
  directory?: ProviderDirectory;
  /** Tenant for channels that carry none (Web Chat, Emulator): the one the page is configured for. */
  webChatTenantId: string;
  /** True with auth on: Web Chat user ids bound by the token endpoint name the tenant. */
  trustDirectLineUserIds?: boolean;
  /** Per-conversation rate limit; default 30 turns per 10 s. */
  rateLimit?: TurnGateOptions;
  /** One clock for the bot and every service (tests pass a fixed one); default the system clock. */
  clock?: () => Date;
  /** Names this instance in reminder claims (default: random per process). */
  instanceId?: string;
  /** Connected mode: how to reach Partner Center; undefined = manual mode. */
  partnerCenter?: PartnerCenterConnection;
  /** Connected identity: sign-in and roles verified in Microsoft Entra ID; undefined = roles are self-declared. */
  identity?: IdentityConnection;
  /** Connected mode: minutes between background reads of a tenant's customers (default 60). */
  partnerCenterRefreshMinutes?: number;
  /** Connected mode: a reader's token from the token service outside a turn (startApp builds it over the adapter). */
  readerToken?: ReaderToken;
}

/** The composed assistant: the bot and what tests, benches and the server reach into. */
export interface Assistant {
  storage: Storage;
  /** Where repositories note writes; reminders are planned from it. */
  changeLog: ChangeLog;
  /** Tenants' checklists (`tenants/<id>/transition`). */
  transitions: TransitionRepository;
  services: AssistantServices;
  mainDialog: MainDialog;
  bot: AssistantBot;
}

/**
 * Builds the graph over `options.storage`. Page-side writes re-plan reminders: the change log's
 * units of work hand the changes no bot turn watched to `ReminderService.afterWrites`.
 * @throws ProviderDirectoryError when the default directory cannot be loaded (names file and field).
 */
export function composeAssistant(options: ComposeOptions): Assistant {
  const { storage, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const changeLog = new ChangeLog();
  const { transitions, services } = composeServices(options, clock, changeLog);
  changeLog.onUnwatchedChanges((changes) => services.reminders.afterWrites(changes));
  const mainDialog = new MainDialog(services);
  const bot = new AssistantBot({
    conversationState: new ConversationState(storage),
    privateConversationState: new PrivateConversationState(storage),
    userState: new UserState(storage),
    mainDialog,
    logger,
    webChatTenantId: options.webChatTenantId,
    ...(options.trustDirectLineUserIds !== undefined ? { trustDirectLineUserIds: options.trustDirectLineUserIds } : {}),
    gate: new TurnGate(options.rateLimit ?? { turns: 30, windowSeconds: 10 }),
    reminders: services.reminders,
    changeLog,
    clock,
  });
  return { storage, changeLog, transitions, services, mainDialog, bot };
}

/** The services over one set of repositories, all on `clock` and noting writes in `changeLog`. */
function composeServices(options: ComposeOptions, clock: () => Date, changeLog: ChangeLog): { transitions: TransitionRepository; services: AssistantServices } {
  const { storage, secret, publicBaseUrl, logger } = options;
  const transitions = new TransitionRepository(storage, clock, changeLog);
  const records = createPartnerRecords(storage, clock, changeLog);
  const checklist = new ChecklistService({
    transitions,
    partners: records,
    clock,
    changeLog,
    ...(options.identity ? { roleSource: 'verified' as const } : {}),
  });
  // a bad directory entry stops the start with the file and field named (ProviderDirectoryError)
  const directory = options.directory ?? loadProviderDirectory(SHIPPED_PROVIDER_DIRECTORY);
  const providers = new ProviderService({ storage, directory, checklist, clock, changeLog });
  const invitations = new InvitationService({ storage, transitions, secret, publicBaseUrl, clock, changeLog, records, checklist });
  const customers = new CustomerService({
    storage,
    invitations,
    secret,
    publicBaseUrl,
    clock,
    changeLog,
    checklist,
    ...(options.partnerCenter ? { partnerCenter: options.partnerCenter } : {}),
  });
  const reminders = new ReminderService({
    storage,
    transitions,
    invitations: records.invitations,
    deliver: options.deliver,
    logger,
    clock,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
  });
  const identity = options.identity ? new IdentityService({ connection: options.identity, checklist, clock }) : undefined;
  const partnerCenterRefresh = options.partnerCenter
    ? new PartnerCenterRefresh({
        storage,
        customers,
        ...(identity ? { partnerCenterToken: (userToken: string) => identity.partnerCenterToken(userToken) } : {}),
        ...(options.readerToken ? { readerToken: options.readerToken } : {}),
        intervalMinutes: options.partnerCenterRefreshMinutes ?? 60,
        clock,
        logger,
      })
    : undefined;
  return {
    transitions,
    services: {
      checklist,
      providers,
      invitations,
      customers,
      reminders,
      ...(identity ? { identity } : {}),
      ...(partnerCenterRefresh ? { partnerCenterRefresh } : {}),
    },
  };
}
