import {
  ActivityTypes,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type ChannelAccount,
  type ConversationState,
  type InvokeResponse,
  type PrivateConversationState,
  type StatePropertyAccessor,
  type UserState,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { MainDialog } from '../../dialogs/mainDialog.js';
import { languageCard, recognizeLanguageRequest } from '../../dialogs/language.js';
import { parseSubmit } from '../../dialogs/submits.js';
import { setTurnInfo, turnInfo, type TurnInfo } from '../../dialogs/turnInfo.js';
import { resolveLocale, translator, type SupportedLocale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { parseDirectLineUserId } from '../server/directLineToken.js';
import { ParticipantRoster } from './participants.js';
import { coalesceReplies } from './replyCoalescer.js';
import { captureReplacement, setUniversalTurn, useUniversalCards, type UniversalTurn } from './teamsCards.js';
import { TurnGate } from './turnGate.js';
import { invokeResponseActivity, messageReply, readCardAction, UniversalActions, type CardAction } from './universalActions.js';
import type { ChangeLog, RecordChange } from '../store/changeLog.js';
import type { ReminderService } from '../reminders/reminderService.js';

/**
 * Per-user profile kept in user state: first and last time this user talked to the assistant (ISO
 * instants; last seen to the minute), and the language they chose with the `language` command (else the channel's locale).
 */
export interface UserProfile {
  firstSeenAt: string;
  lastSeenAt: string;
  locale?: SupportedLocale;
}

/** How stale `lastSeenAt` may get before a turn rewrites it, in ms (1 minute). */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** What the bot needs from the composition root. */
export interface AssistantBotDeps {
  conversationState: ConversationState;
  /** Per user within a conversation: the dialog stack in group chats and team channels. */
  privateConversationState: PrivateConversationState;
  userState: UserState;
  mainDialog: MainDialog;
  logger: Logger;
  /** Tenant used for channels that carry none (Web Chat, Emulator): the one the page is configured for. */
  webChatTenantId: string;
  /** True with auth on: Web Chat user ids bound by the token endpoint name the tenant. */
  trustDirectLineUserIds?: boolean;
  /** Per-conversation serialization and rate limit (default: 30 turns per 10 s). */
  gate?: TurnGate;
  /** Clock for the turn (tests pass a fixed one). */
  clock?: () => Date;
  /** Re-plans proactive reminders after a turn changed a transition or invitation record (with `changeLog`). */
  reminders?: ReminderService;
  /** The change log the repositories note writes in: a window per turn collects the turn tenant's changes. */
  changeLog?: ChangeLog;
}

/**
 * Resolves the partner tenant of a turn: Teams sends `channelData.tenant.id` (or
 * `conversation.tenantId`); production Web Chat (auth on, `trustDirectLineUserIds`) carries it in
 * the user id bound by the token endpoint; other channels use the configured Web Chat tenant.
 * Teams without a tenant yields undefined (the user is told; nothing is stored under a guessed tenant).
 */
export function resolveTenantId(activity: TurnContext['activity'], webChatTenantId: string, trustDirectLineUserIds = false): string | undefined {
  const fromTeams = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId;
  if (typeof fromTeams === 'string' && fromTeams.trim()) return fromTeams.trim();
  if (activity.channelId === 'msteams') return undefined;
  // production Web Chat: the user id was bound by POST /api/directline/token and Direct Line enforces it
  const bound =
    trustDirectLineUserIds && (activity.channelId === 'directline' || activity.channelId === 'webchat') ? parseDirectLineUserId(activity.from?.id) : undefined;
  return bound?.tenantId ?? webChatTenantId;
}

/**
 * The assistant's ActivityHandler: greets on first contact (members added, or the Web Chat page's
 * `webchat/join` event), runs the main dialog for messages and card submits (`Action.Submit`, and
 * in Teams `Action.Execute` invokes, answered with the card that replaces the clicked one; see
 * `universalActions.ts`), and saves conversation and user state once, at the end of every turn.
 */
export class AssistantBot extends TeamsActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly privateDialogState: StatePropertyAccessor<DialogState>;
  private readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly clock: () => Date;
  private readonly gate: TurnGate;
  private readonly roster: ParticipantRoster;
  private readonly universal: UniversalActions;

  constructor(private readonly deps: AssistantBotDeps) {
    super();
    this.gate = deps.gate ?? new TurnGate({ turns: 30, windowSeconds: 10 });
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.privateDialogState = deps.privateConversationState.createProperty<DialogState>('dialogState');
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.clock = deps.clock ?? (() => new Date());
    this.roster = new ParticipantRoster(deps.conversationState);
    this.universal = new UniversalActions({
      converse: (context) => this.converse(context),
      knowsView: (view) => deps.mainDialog.knowsView(view),
      renderView: (context, view) => deps.mainDialog.renderView(context, view),
      logger: deps.logger,
    });

    this.onMessage(async (context, next) => {
      await this.converse(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const humans = (context.activity.membersAdded ?? []).filter((m) => m.id !== botId);
      if (humans.length > 0 && (await this.ensureTenant(context))) await deps.mainDialog.sendWelcome(context);
      await next();
    });

    this.onEvent(async (context, next) => {
      if (context.activity.name === 'webchat/join' && (await this.ensureTenant(context))) await deps.mainDialog.sendWelcome(context);
      // Direct Line / Web Chat sign-in without a magic code: the token service's answer to OAuthPrompt
      if (context.activity.name === 'tokens/response') await this.continueDialogs(context);
      await next();
    });
  }

  /** Teams: the sign-in card's `signin/verifyState` continues OAuthPrompt (`dialogs/signIn.ts`) on the user's dialog stack. */
  protected override async handleTeamsSigninVerifyState(context: TurnContext): Promise<void> {
    await this.continueDialogs(context);
  }

  /** Teams SSO: `signin/tokenExchange` (deduplicated by TeamsSSOTokenExchangeMiddleware) continues OAuthPrompt the same way. */
  protected override async handleTeamsSigninTokenExchange(context: TurnContext): Promise<void> {
    await this.continueDialogs(context);
  }

  /** Continues the dialog waiting on the user's stack with an activity that is neither words nor a card (sign-in answers). */
  private async continueDialogs(context: TurnContext): Promise<void> {
    if (!(await this.ensureTenant(context))) return;
    await this.deps.mainDialog.resume(context, isGroupConversation(context) ? this.privateDialogState : this.dialogState);
  }

  /**
   * A message: typed words, a card submit in `value`, attached files (also an `Action.Execute`,
   * presented as its submit). The tenant is checked, the language command answered, then the
   * main dialog runs on the user's dialog stack.
   */
  private async converse(context: TurnContext): Promise<void> {
    if (!(await this.ensureTenant(context))) return;
    if (context.activity.channelId === 'msteams') TurnContext.removeRecipientMention(context.activity);
    const hasText = typeof context.activity.text === 'string' && context.activity.text.trim().length > 0;
    const hasValue = context.activity.value !== undefined && context.activity.value !== null;
    const hasFiles = (context.activity.attachments ?? []).length > 0;
    if ((hasText || hasValue) && (await this.onLanguageRequest(context))) return;
    // in group chats and team channels each user has their own journey: the stack is per user
    const stack = isGroupConversation(context) ? this.privateDialogState : this.dialogState;
    if (hasText || hasValue || hasFiles) await this.deps.mainDialog.run(context, stack);
  }

  /** `adaptiveCard/action` invokes are answered here (Universal Actions); every other invoke as before. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const action = readCardAction(context.activity);
    return action ? this.universal.answer(context, action) : super.onInvokeActivity(context);
  }

  /**
   * Runs the turn after earlier turns of the same conversation have finished (never two at once on
   * one conversation's state), unless the conversation is over its rate limit: then the user is
   * told once per window, in their language, and nothing else happens.
   */
  override async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    const key = `${a.channelId}/${a.conversation?.id ?? 'none'}`;
    const action = readCardAction(a);
    // a refresh is read only and comes for every live card on a reader's screen: limited per reader
    const limitKey = action?.kind === 'refresh' ? `${key}/refresh/${a.from?.id ?? ''}` : key;
    const result = await this.gate.run(key, () => this.runTurn(context, action), limitKey);
    if (result.ran) return;
    const rateLimited = () => translator(a.locale)('errors.rateLimited', { count: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) });
    // an invoke is always answered (a card action gets the reason); a message is told once per window
    if (action) await context.sendActivity(invokeResponseActivity(messageReply(rateLimited())));
    else if (result.firstRefusal && a.type === ActivityTypes.Message) await context.sendActivity(rateLimited());
  }

  private async runTurn(context: TurnContext, action: CardAction | undefined): Promise<void> {
    const activity = context.activity;
    const now = this.clock();
    const chosen = await this.chosenLocale(context, now, action);
    const info: TurnInfo = {
      tenantId: resolveTenantId(activity, this.deps.webChatTenantId, this.deps.trustDirectLineUserIds),
      actor: { id: activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown', ...(activity.from?.name ? { name: activity.from.name } : {}) },
      // the user's choice wins over the channel's locale
      t: translator(chosen ?? activity.locale ?? webChatJoinLocale(activity)),
      now,
      channelId: activity.channelId,
    };
    setTurnInfo(context, info);
    // the tenant's record changes during this turn (to re-plan reminders once, after it)
    const log = this.deps.reminders ? this.deps.changeLog : undefined;
    const mark = info.tenantId && log ? log.begin(info.tenantId) : undefined;
    let changes: RecordChange[] = [];
    // before the coalescer: the capture sees each reply as the dialogs sent it
    await this.prepareCards(context, action, now);
    const replies = coalesceReplies(context);
    try {
      await super.run(context);
    } finally {
      if (mark !== undefined) changes = log!.end(info.tenantId!, mark);
      await replies.flush();
    }
    // three different storage keys: written in parallel (each is skipped when unchanged)
    await Promise.all([
      this.deps.conversationState.saveChanges(context, false),
      this.deps.privateConversationState.saveChanges(context, false),
      this.deps.userState.saveChanges(context, false),
    ]);
    // reminders are delivered where this turn happened, in the language the user reads
    if (this.deps.reminders && changes.length > 0) {
      // without activityId: a reminder is a new message, not a reply to this turn's activity
      const { activityId: _replyTo, ...conversation } = TurnContext.getConversationReference(activity);
      const target = { conversation, locale: turnInfo(context).t.locale, user: info.actor };
      await this.deps.reminders.afterTurn(changes, target);
    }
  }

  /**
   * The language the user chose (user state), if any; notes when they were last seen (to the
   * minute). A card's refresh only reads: it creates and rewrites nothing.
   */
  private async chosenLocale(context: TurnContext, now: Date, action: CardAction | undefined): Promise<SupportedLocale | undefined> {
    const type = context.activity.type;
    if (!context.activity.from?.id) return undefined;
    if (action?.kind === 'refresh') return (await this.profile.get(context))?.locale;
    if (type !== ActivityTypes.Message && type !== ActivityTypes.ConversationUpdate && type !== ActivityTypes.Event && !action) return undefined;
    const profile = await this.profile.get(context, { firstSeenAt: now.toISOString(), lastSeenAt: now.toISOString() });
    // last seen to the minute: user state is not rewritten on every turn of a busy conversation
    if (now.getTime() - Date.parse(profile.lastSeenAt) >= LAST_SEEN_RESOLUTION_MS)
      await this.profile.set(context, { ...profile, lastSeenAt: now.toISOString() });
    return profile.locale;
  }

  /**
   * Universal Actions for the turn: in Teams, cards go out with `Action.Execute` and live views
   * with a `refresh` block for the conversation's people (the user in a personal chat; in group
   * chats and channels the people the roster noted, this user included); on an `adaptiveCard/action`
   * turn, the capture of the card that answers it. Other channels: nothing at all.
   */
  private async prepareCards(context: TurnContext, action: CardAction | undefined, now: Date): Promise<void> {
    const a = context.activity;
    const turn: UniversalTurn = {};
    if (a.channelId === 'msteams') {
      const group = isGroupConversation(context);
      if (group && action?.kind !== 'refresh') await this.noteParticipants(context, now);
      const user = a.from?.id;
      turn.teams = useUniversalCards(context, async () => (group ? this.roster.userIds(context) : user ? [user] : []));
    }
    if (action?.kind === 'execute') turn.capture = captureReplacement(context, a.replyToId);
    if (turn.teams || turn.capture) setUniversalTurn(context, turn);
  }

  /** Group conversations: who wrote or clicked, who was added or removed (the refresh blocks' `userIds`). */
  private async noteParticipants(context: TurnContext, now: Date): Promise<void> {
    const a = context.activity;
    const people = (members: ChannelAccount[] | undefined) => (members ?? []).map((m) => m.id).filter((id) => id && id !== a.recipient?.id);
    const update = a.type === ActivityTypes.ConversationUpdate;
    const seen = update ? people(a.membersAdded) : (a.type === ActivityTypes.Message || a.type === ActivityTypes.Invoke) && a.from?.id ? [a.from.id] : [];
    const left = update ? people(a.membersRemoved) : [];
    if (seen.length > 0 || left.length > 0) await this.roster.note(context, seen, now, left);
  }

  /**
   * The `language` command at any prompt: typed words show the language card; the card's button (or
   * a language named on its own, "Deutsch") switches. The choice is kept in user state and used from
   * this turn on; the journey in progress is not disturbed.
   * @returns true when the turn was a language request (handled here).
   */
  private async onLanguageRequest(context: TurnContext): Promise<boolean> {
    const info = turnInfo(context);
    const parsed = parseSubmit(context.activity.value);
    const request =
      parsed?.ok && parsed.submit.verb === 'language.set'
        ? ({ kind: 'switch', locale: resolveLocale(parsed.submit.locale) } as const)
        : parsed
          ? undefined
          : recognizeLanguageRequest(info.t, context.activity.text);
    if (!request) return false;
    if (request.kind === 'ask') {
      await context.sendActivity(MessageFactory.attachment(languageCard(info.t)));
      return true;
    }
    const profile = await this.profile.get(context, { firstSeenAt: info.now.toISOString(), lastSeenAt: info.now.toISOString() });
    await this.profile.set(context, { ...profile, locale: request.locale });
    const t = translator(request.locale);
    setTurnInfo(context, { ...info, t });
    await context.sendActivity(t('language.switched', { language: t('language.name') }));
    return true;
  }

  private async ensureTenant(context: TurnContext): Promise<boolean> {
    const info = turnInfo(context);
    if (info.tenantId) return true;
    await context.sendActivity(info.t('errors.noTenant'));
    return false;
  }
}

/** True in group chats and team channels (several people share the conversation). */
export function isGroupConversation(context: TurnContext): boolean {
  const c = context.activity.conversation;
  return c?.isGroup === true || c?.conversationType === 'channel' || c?.conversationType === 'groupChat';
}

/** The browser language the Web Chat page sends with its `webchat/join` event, if any. */
function webChatJoinLocale(activity: TurnContext['activity']): string | undefined {
  const value = activity.type === ActivityTypes.Event ? (activity.value as { locale?: unknown } | undefined) : undefined;
  return typeof value?.locale === 'string' ? value.locale : undefined;
}
