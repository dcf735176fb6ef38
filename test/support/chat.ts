/**
 * Test harness: the real AssistantBot (real dialogs, real services, real storage), built by the
 * app's own `composeAssistant`, driven through botbuilder's TestAdapter, one user in one
 * conversation per `TestChat`. Replies are collected per turn.
 */
import { ActivityTypes, MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { composeAssistant, type AssistantServices, type ComposeOptions } from '../../src/app/compose.js';
import type { IdentityConnection } from '../../src/identity/identityService.js';
import type { AssistantBot } from '../../src/bot/assistantBot.js';
import type { PartnerCenterConnection } from '../../src/partnerCenter/connection.js';
import { createLogger } from '../../src/logger.js';
import type { ProviderChoiceRecord } from '../../src/domain/providerChoice.js';
import { loadProviderDirectory, type ProviderDirectory } from '../../src/domain/providers.js';
import type { Reminder } from '../../src/domain/reminders.js';
import type { TenantRecords } from '../../src/store/tenantRecords.js';
import type { TransitionRepository } from '../../src/store/transitionRepository.js';
import type { ChangeLog } from '../../src/store/changeLog.js';
import type { InvitationService } from '../../src/invitations/invitationService.js';
import type { CustomerService } from '../../src/customers/customerService.js';
import type { ReminderService } from '../../src/reminders/reminderService.js';
import { SCRIPT_DETAILS } from './transitionScripts.js';

/** Base URL of invitation links in dialog tests (no server runs there). */
export const TEST_PUBLIC_BASE_URL = 'https://assistant.test';
/** Fixed HMAC secret for dialog tests (32 bytes). */
export const TEST_INVITATION_SECRET = Buffer.alloc(32, 7);

/** Synthetic providers for dialog tests (`test/fixtures/providers.json`). */
export const FIXTURE_DIRECTORY = new URL('../fixtures/providers.json', import.meta.url).pathname;

export interface BotUnderTest {
  storage: Storage;
  /** Tenants' checklists (the repository under `services.checklist`). */
  transitions: TransitionRepository;
  changeLog: ChangeLog;
  services: AssistantServices;
  providerChoices: TenantRecords<ProviderChoiceRecord>;
  directory: ProviderDirectory;
  invitations: InvitationService;
  customers: CustomerService;
  reminders: ReminderService;
  /** Reminders the scheduler delivered (`reminders.tick()`), oldest first: no channel runs in dialog tests. */
  delivered: Array<{ tenantId: string; reminder: Reminder }>;
  bot: AssistantBot;
  clock: { now: Date };
}

/**
 * Builds the bot with the app's composition root over `storage` (MemoryStorage by default), with a
 * settable clock, the fixture directory, a fixed secret, a recording reminder delivery and, for connected
 * mode, an optional Partner Center connection and identity connection (sign-in, verified roles).
 */
export function createBot(
  storage: Storage = new MemoryStorage(),
  start = new Date('2026-11-20T09:00:00Z'),
  directory = loadProviderDirectory(FIXTURE_DIRECTORY),
  partnerCenter?: PartnerCenterConnection,
  identity?: IdentityConnection,
  extra: Pick<ComposeOptions, 'readerToken' | 'partnerCenterRefreshMinutes'> = {},
): BotUnderTest {
  const clock = { now: start };
  const delivered: BotUnderTest['delivered'] = [];
  const assistant = composeAssistant({
    storage,
    directory,
    secret: TEST_INVITATION_SECRET,
    publicBaseUrl: () => TEST_PUBLIC_BASE_URL,
    logger: createLogger('silent'),
    deliver: async (tenantId, reminder) => void delivered.push({ tenantId, reminder }),
    webChatTenantId: 'webchat-tenant',
    // dialog tests click fast; the rate limit has its own tests (test/bot/turnGate, test/http/durability)
    rateLimit: { turns: 1_000_000, windowSeconds: 1 },
    clock: () => clock.now,
    ...(partnerCenter ? { partnerCenter } : {}),
    ...(identity ? { identity } : {}),
    ...extra,
  });
  const { services } = assistant;
  return {
    storage,
    transitions: assistant.transitions,
    changeLog: assistant.changeLog,
    services,
    providerChoices: services.providers.choices,
    directory,
    invitations: services.invitations,
    customers: services.customers,
    reminders: services.reminders,
    delivered,
    bot: assistant.bot,
    clock,
  };
}

export interface ChatOptions {
  userId?: string;
  userName?: string;
  tenantId?: string;
  conversationId?: string;
  channelId?: string;
  locale?: string;
  /** A Teams team channel (several people share the conversation) instead of a personal chat. */
  channel?: boolean;
}

/**
 * An Adaptive Card action found on a reply: its title and submit data (`{ verb, ...fields }`; for a
 * Teams `Action.Execute`, its `verb` merged into its `data`, which is what the bot runs), and its type.
 */
export interface FoundAction {
  title: string;
  data: Record<string, unknown>;
  type?: 'Action.Submit' | 'Action.Execute';
}

/** The answer to an `adaptiveCard/action` invoke (Teams Universal Actions): HTTP status and body. */
export interface InvokeReply {
  status: number;
  body: { statusCode: number; type: string; value: unknown };
}

export class TestChat {
  readonly adapter: TestAdapter;
  /** Every reply of the last turn. */
  replies: Partial<Activity>[] = [];
  /** Every reply of every turn, oldest first (what is still on the user's screen). */
  readonly transcript: Partial<Activity>[] = [];

  constructor(
    readonly under: BotUnderTest,
    readonly options: ChatOptions = {},
  ) {
    this.adapter = new TestAdapter(async (context) => under.bot.run(context));
    // an updated activity changes in place on the user's screen (Teams, Web Chat): so in the transcript
    const update = this.adapter.updateActivity.bind(this.adapter);
    this.adapter.updateActivity = async (context, activity) => {
      const i = this.transcript.findIndex((a) => a.id === activity.id);
      if (i >= 0) this.transcript[i] = { ...this.transcript[i], ...activity };
      this.updates.push(activity);
      return update(context, activity);
    };
  }

  /** Activities the bot updated in place (`updateActivity`), oldest first. */
  readonly updates: Partial<Activity>[] = [];

  private base(): Partial<Activity> {
    const o = this.options;
    return {
      channelId: o.channelId ?? 'msteams',
      from: { id: o.userId ?? 'user-1', name: o.userName ?? 'Ada Admin', aadObjectId: o.userId ?? 'user-1' },
      recipient: { id: 'bot', name: 'assistant' },
      conversation: { id: o.conversationId ?? 'conv-1', isGroup: o.channel === true, conversationType: o.channel ? 'channel' : 'personal', name: '' },
      locale: o.locale ?? 'en-US',
      channelData:
        o.tenantId === ''
          ? {}
          : {
              tenant: { id: o.tenantId ?? 'tenant-a' },
              ...(o.channel ? { team: { id: '19:team@thread.skype' }, channel: { id: o.conversationId ?? 'conv-1' } } : {}),
            },
    };
  }

  /** Sends any activity (merged over this user's defaults) and returns the turn's replies. */
  async send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.splice(0);
    await this.adapter.processActivity({ ...this.base(), ...activity } as Activity);
    this.replies = this.adapter.activeQueue.splice(0);
    this.transcript.push(...this.replies);
    return this.replies;
  }

  /** The user types `text`. */
  say(text: string) {
    return this.send({ type: ActivityTypes.Message, text });
  }

  /** The user selects an Action.Submit whose data is `value` (with any form inputs merged in). */
  submit(value: Record<string, unknown>) {
    return this.send({ type: ActivityTypes.Message, value });
  }

  /**
   * The user clicks the button titled `title` (regex or exact text) on the newest card on screen
   * offering it, merging `inputs`. In Teams the submit carries the card's activity id as
   * `replyToId`, as Teams does; Web Chat sends none.
   */
  async click(title: string | RegExp, inputs: Record<string, unknown> = {}) {
    const card = [...this.transcript].reverse().find((r) => actionsOf([r]).some((a) => matchTitle(a.title, title)));
    const action = card && actionsOf([card]).find((a) => matchTitle(a.title, title));
    if (!card || !action) throw new Error(`No button ${String(title)} in the last replies: ${this.actionTitles().join(' | ')}`);
    const replyTo = this.base().channelId === 'msteams' && card.id ? { replyToId: card.id } : {};
    return this.send({ type: ActivityTypes.Message, value: { ...action.data, ...inputs }, ...replyTo });
  }

  /**
   * Teams: the user selects the `Action.Execute` titled `title` (regex or exact text) on the newest
   * card on screen offering it, with form `inputs`: an `adaptiveCard/action` invoke (trigger
   * `manual`, `replyToId` the card's activity), as Teams sends it. Like Teams, a card in the answer
   * replaces the clicked card on screen (in {@link transcript}). `replies` are the other replies.
   */
  async execute(title: string | RegExp, inputs: Record<string, unknown> = {}): Promise<InvokeReply> {
    const card = [...this.transcript].reverse().find((r) => actionsOf([r]).some((a) => a.type === 'Action.Execute' && matchTitle(a.title, title)));
    const action = card && actionsOf([card]).find((a) => a.type === 'Action.Execute' && matchTitle(a.title, title));
    if (!card || !action) throw new Error(`No Action.Execute ${String(title)} on screen: ${this.actionTitles().join(' | ')}`);
    const { verb, ...data } = { ...action.data, ...inputs };
    return this.invoke({ action: { type: 'Action.Execute', verb, data }, trigger: 'manual' }, card.id);
  }

  /** Teams: the card of activity `cardId` is displayed and its `refresh` runs (trigger `automatic`); a card in the answer replaces it on screen. */
  async refresh(cardId: string): Promise<InvokeReply> {
    const card = this.transcript.find((r) => r.id === cardId);
    const content = card?.attachments?.[0]?.content as { refresh?: { action?: unknown } } | undefined;
    if (!content?.refresh?.action) throw new Error(`Activity ${cardId} shows no card with a refresh block`);
    return this.invoke({ action: content.refresh.action, trigger: 'automatic' }, cardId);
  }

  /**
   * Sends an `adaptiveCard/action` invoke with `value` (in reply to activity `replyToId`) and returns
   * its answer; the turn's other replies are in {@link replies}. A card in the answer replaces
   * activity `replyToId` on screen, as in Teams.
   */
  async invoke(value: unknown, replyToId?: string): Promise<InvokeReply> {
    await this.send({ type: ActivityTypes.Invoke, name: 'adaptiveCard/action', value, ...(replyToId ? { replyToId } : {}) });
    const answers = this.replies.filter((r) => r.type === ActivityTypes.InvokeResponse);
    if (answers.length !== 1) throw new Error(`expected one invoke response, got ${answers.length}`);
    this.replies = this.replies.filter((r) => r.type !== ActivityTypes.InvokeResponse);
    for (let i = this.transcript.length - 1; i >= 0; i--) if (this.transcript[i]!.type === ActivityTypes.InvokeResponse) this.transcript.splice(i, 1);
    const reply = answers[0]!.value as InvokeReply;
    const shown = replyToId ? this.transcript.findIndex((a) => a.id === replyToId) : -1;
    if (shown >= 0 && reply.body.type === 'application/vnd.microsoft.card.adaptive') {
      this.transcript[shown] = { ...this.transcript[shown], text: '', attachments: [{ contentType: reply.body.type, content: reply.body.value }] };
    }
    return reply;
  }

  /** All texts of the last replies: plain text plus every TextBlock/Fact/action title in cards. */
  text(): string {
    return this.replies.map(describe).join('\n');
  }

  /** Adaptive Card contents among the last replies. */
  cards(): Record<string, unknown>[] {
    return this.replies.flatMap((r) =>
      (r.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content as Record<string, unknown>),
    );
  }

  /** The first action titled `title` on the last turn's cards. */
  findAction(title: string | RegExp): FoundAction | undefined {
    return this.actions().find((a) => matchTitle(a.title, title));
  }

  actionTitles(): string[] {
    return this.actions().map((a) => a.title);
  }

  /** Every Action.Submit (and Teams Action.Execute) on the last turn's cards. */
  actions(): FoundAction[] {
    return actionsOf(this.replies);
  }
}

function matchTitle(actual: string, wanted: string | RegExp): boolean {
  return typeof wanted === 'string' ? actual === wanted : wanted.test(actual);
}

/**
 * Every Action.Submit (title and data) in the Adaptive Cards of `replies`, and every Teams
 * Action.Execute with its verb merged into its data (what the bot runs for it; a card's `refresh`
 * action is not a button and is left out).
 */
export function actionsOf(replies: Partial<Activity>[]): FoundAction[] {
  const out: FoundAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Submit') out.push({ title: String(n.title), data: (n.data ?? {}) as Record<string, unknown>, type: 'Action.Submit' });
    if (n.type === 'Action.Execute') out.push({ title: String(n.title), data: { ...(n.data as object), verb: n.verb }, type: 'Action.Execute' });
    // for...in, not Object.entries: the bench's load generator runs this on every reply, in the bot's thread
    for (const key in n) if (key !== 'refresh') walk(n[key]);
  };
  for (const r of replies) for (const a of r.attachments ?? []) walk(a.content);
  return out;
}

/** The text of every TextBlock anywhere under `node` (a card, its columns, containers, show cards), in order. */
export function textBlocksOf(node: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach(walk);
  };
  walk(node);
  return out;
}

/** Flattens an activity into readable text: its text and every string in its cards. */
export function describe(activity: Partial<Activity>): string {
  const parts: string[] = [];
  if (activity.text) parts.push(activity.text);
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'value', 'label']) if (typeof n[key] === 'string') parts.push(n[key] as string);
    for (const [k, v] of Object.entries(n)) if (k !== 'data' && k !== 'choices') walk(v);
  };
  for (const a of activity.attachments ?? []) walk(a.content);
  return parts.join('\n');
}

/** Enrollment details that pass validation (Contoso, Germany, work email): the same as the pure tests' scripts use. */
export const GOOD_DETAILS = SCRIPT_DETAILS;

/** Walks a global admin through steps 1-7 from a fresh conversation, ending on the what's-next list. */
export async function walkChecklistToNext(chat: TestChat): Promise<void> {
  await chat.say('continue');
  await chat.click('Both are current');
  await chat.click('Global admin');
  await chat.click("Yes, it's Restricted");
  await chat.click('Check my details', GOOD_DETAILS);
  await chat.click("I've selected Enroll now", { understood: 'true' });
  await chat.click("It's approved");
  await chat.click("I've accepted the agreement");
}
