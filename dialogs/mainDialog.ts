/**
 * The root of every conversation: the welcome card (what the assistant does, the journeys that
 * exist, where the tenant stands) and routing of words and card submits to a journey.
 */
import { MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { renderCard } from '../cards/render.js';
import { STEP_IDS, currentStep, nextAction, type TransitionRecord } from '../src/domain/transition.js';
import type { Translator } from '../src/i18n/index.js';
import type { ProviderChoiceRecord } from '../src/domain/providerChoice.js';
import type { ProviderDirectory } from '../src/domain/providers.js';
import type { TenantRecords } from '../src/store/tenantRecords.js';
import type { TransitionRepository } from '../src/store/transitionRepository.js';
import { findTokenInText } from '../src/domain/invitationToken.js';
import { PENDING_REMINDER_DAYS, summarizeInvitations } from '../src/domain/invitations.js';
import type { InvitationService } from '../src/invitations/invitationService.js';
import type { CustomerService } from '../src/customers/customerService.js';
import type { ReminderService } from '../src/reminders/reminderService.js';
import type { ReminderResult } from '../src/domain/reminders.js';
import { remindersCard } from './reminderViews.js';
import { csvSource } from '../src/customers/csvAttachment.js';
import { CUSTOMER_DIALOG, CustomerDialog, type CustomerOptions } from './customerDialog.js';
import { INVITATION_DIALOG, InvitationDialog, type InvitationOptions } from './invitationDialog.js';
import { PROVIDER_DIALOG, ProviderDialog, type ProviderOptions } from './providerDialog.js';
import { commandOf } from './guidedDialog.js';
import { looksLikeCsv, matches, recognizeIntent, recognizeProviderQuery } from './recognizer.js';
import { isReroute, parseSubmit } from './submits.js';
import { TRANSITION_DIALOG, TransitionDialog, type TransitionOptions } from './transitionDialog.js';
import { turnInfo } from './turnInfo.js';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE = 'mainDialog.route';
const REROUTED = Symbol('rerouted');

/** The journeys the welcome card offers, in order (each has `journeys.<id>.*` words and a `menu.open` verb). */
const WELCOME_JOURNEYS = ['transition', 'providers', 'invitations', 'customers', 'providerListing'] as const;

/** Builds the welcome card for the user's tenant (status line reflects the tenant's record). */
export function welcomeCard(t: Translator, record: TransitionRecord | undefined, userId: string, userName?: string, waitingInvitations = 0) {
  const started = record !== undefined && record.revision > 0;
  const action = record ? nextAction(record, userId) : undefined;
  const cur = record ? currentStep(record) : undefined;
  let status = t('welcome.statusNotStarted');
  if (started && action?.kind === 'complete') status = t('welcome.statusComplete');
  else if (started && action?.kind === 'ineligible') status = t('welcome.statusIneligible');
  else if (started && cur) status = t('welcome.statusInProgress', { current: STEP_IDS.indexOf(cur) + 1, total: STEP_IDS.length, title: t(`steps.${cur}.title`) });
  if (waitingInvitations > 0) status = `${status} ${t('welcome.invitationsWaiting', { count: waitingInvitations, days: PENDING_REMINDER_DAYS })}`;
  const firstName = userName?.split(/\s+/)[0];
  return renderCard('welcome', {
    title: t('welcome.title', { greetingName: firstName ? ` ${firstName}` : '' }),
    intro: t('welcome.intro'),
    status,
    journeysTitle: t('welcome.journeysTitle'),
    journeys: WELCOME_JOURNEYS.map((journey) => ({
      title: t(`journeys.${journey}.title`),
      description: t(`journeys.${journey}.description`),
      button: journey === 'transition' && started ? t('journeys.transition.resume') : t(`journeys.${journey}.start`),
      data: { verb: 'menu.open', journey },
    })),
    commandsHint: t('welcome.commandsHint'),
  });
}

/**
 * Routes a turn that no journey is waiting on: journey verbs and words start the right journey,
 * greetings and unknown words get the welcome card. `menu` at any time cancels the active journey
 * (its progress is in the tenant record, so nothing is lost) and shows the welcome card.
 */
export class MainDialog extends ComponentDialog {
  constructor(
    private readonly journeys: TransitionRepository,
    directory: ProviderDirectory,
    providerChoices: TenantRecords<ProviderChoiceRecord>,
    private readonly invitations: InvitationService,
    customers: CustomerService,
    private readonly reminders?: ReminderService,
  ) {
    super(MAIN_DIALOG);
    this.addDialog(new TransitionDialog(journeys, invitations));
    this.addDialog(new ProviderDialog(directory, providerChoices, journeys));
    this.addDialog(new InvitationDialog(invitations, journeys));
    this.addDialog(new CustomerDialog(customers, invitations));
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.finish.bind(this)]));
    this.initialDialogId = ROUTE;
  }

  /**
   * Runs one turn through the dialog stack stored in `dialogState` (conversation state).
   * The caller saves state once at the end of the turn.
   */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const set = new DialogSet(dialogState);
    set.add(this);
    const dc = await set.createContext(context);
    if (commandOf(dc) === 'menu') {
      await dc.cancelAllDialogs();
      await this.sendWelcome(context);
      return;
    }
    // the reminder list works at any prompt and leaves the journey in progress where it was
    if (this.reminders && (await this.onReminders(context, this.reminders))) return;
    // a CSV file sent in the middle of another journey is a customer import: route it afresh
    const hasCsvFile = (context.activity.attachments ?? []).some((a) => csvSource(a) !== undefined);
    if (hasCsvFile && dc.activeDialog && !this.isIn(dc, CUSTOMER_DIALOG)) await dc.cancelAllDialogs();
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  /**
   * The reminder list and its buttons (`reminders` typed, or a `reminders.*` submit).
   * @returns true when the turn was handled here.
   */
  private async onReminders(context: TurnContext, reminders: ReminderService): Promise<boolean> {
    const { t, tenantId, actor } = turnInfo(context);
    const parsed = parseSubmit(context.activity.value);
    const submit = parsed?.ok && parsed.submit.verb.startsWith('reminders.') ? parsed.submit : undefined;
    if (!submit && (parsed || !matches(t, 'commands.reminders', context.activity.text))) return false;
    if (!tenantId) return false;
    let notice: string | undefined;
    if (submit && (submit.verb === 'reminders.cancel' || submit.verb === 'reminders.restore')) {
      const result: ReminderResult =
        submit.verb === 'reminders.cancel' ? await reminders.cancel(tenantId, submit.id, submit.rev, actor) : await reminders.restore(tenantId, submit.id, submit.rev);
      if (!result.ok) {
        const status = 'status' in result.error ? t(`reminders.statusName.${result.error.status}`) : '';
        await context.sendActivity(t(`reminders.errors.${result.error.code}`, { status }));
        if (result.error.code !== 'stale') return true;
      } else notice = t(submit.verb === 'reminders.cancel' ? 'reminders.cancelled' : 'reminders.restored');
    }
    await context.sendActivity(MessageFactory.attachment(remindersCard(t, await reminders.list(tenantId), notice)));
    return true;
  }

  /** True when the dialog `id` is on the stack below this main dialog. */
  private isIn(dc: DialogContext, id: string): boolean {
    const inner = (dc.activeDialog?.state as { dialogs?: { dialogStack?: Array<{ id: string }> } } | undefined)?.dialogs?.dialogStack ?? [];
    return inner.some((d) => d.id === id);
  }

  /** Sends the welcome card (first contact, "menu", greetings). */
  async sendWelcome(context: TurnContext): Promise<void> {
    const info = turnInfo(context);
    const record = info.tenantId ? await this.journeys.get(info.tenantId) : undefined;
    const invitations = info.tenantId ? await this.invitations.invitations.get(info.tenantId) : undefined;
    const waiting = invitations ? summarizeInvitations(invitations, info.now).reminders.length : 0;
    await context.sendActivity(MessageFactory.attachment(welcomeCard(info.t, record, info.actor.id, info.actor.name, waiting)));
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    const parsed = parseSubmit(ctx.activity.value);
    if (parsed && !parsed.ok) {
      await ctx.sendActivity(t('errors.badSubmit'));
      return step.endDialog();
    }
    if (parsed?.ok) {
      const { submit } = parsed;
      if (submit.verb === 'menu.open') {
        if (submit.journey === 'providers') return step.beginDialog(PROVIDER_DIALOG, { stage: 'country' } satisfies ProviderOptions);
        if (submit.journey === 'providerListing') return step.beginDialog(PROVIDER_DIALOG, { stage: 'listing' } satisfies ProviderOptions);
        if (submit.journey === 'invitations') return step.beginDialog(INVITATION_DIALOG, { stage: 'hub' } satisfies InvitationOptions);
        if (submit.journey === 'customers') return step.beginDialog(CUSTOMER_DIALOG, { stage: 'summary' } satisfies CustomerOptions);
        return step.beginDialog(TRANSITION_DIALOG, {} satisfies TransitionOptions);
      }
      if (submit.verb === 'command') return this.onCommandOutsideJourney(step, submit.command);
      if (submit.verb.startsWith('providers.')) return step.beginDialog(PROVIDER_DIALOG, { handleCurrentActivity: true } satisfies ProviderOptions);
      if (submit.verb.startsWith('invitations.')) return step.beginDialog(INVITATION_DIALOG, { handleCurrentActivity: true } satisfies InvitationOptions);
      if (submit.verb.startsWith('customers.')) return step.beginDialog(CUSTOMER_DIALOG, { handleCurrentActivity: true } satisfies CustomerOptions);
      // A checklist card clicked while no journey is waiting (new conversation, after "cancel"):
      // hand the click to the journey, which checks the card's revision before acting.
      return step.beginDialog(TRANSITION_DIALOG, { handleCurrentActivity: true } satisfies TransitionOptions);
    }
    const command = commandOf(step);
    if (command) return this.onCommandOutsideJourney(step, command);
    const text = ctx.activity.text ?? '';
    const hasCsvFile = (ctx.activity.attachments ?? []).some((a) => csvSource(a) !== undefined);
    if (hasCsvFile || looksLikeCsv(text)) return step.beginDialog(CUSTOMER_DIALOG, { handleCurrentActivity: true, stage: 'import' } satisfies CustomerOptions);
    if (matches(t, 'commands.customers', text)) return step.beginDialog(CUSTOMER_DIALOG, { stage: 'summary' } satisfies CustomerOptions);
    if (matches(t, 'commands.addCustomer', text)) return step.beginDialog(CUSTOMER_DIALOG, { stage: 'add' } satisfies CustomerOptions);
    if (matches(t, 'commands.importCustomers', text)) return step.beginDialog(CUSTOMER_DIALOG, { stage: 'import' } satisfies CustomerOptions);
    if (matches(t, 'commands.exportCustomers', text)) return step.beginDialog(CUSTOMER_DIALOG, { handleCurrentActivity: true, stage: 'summary' } satisfies CustomerOptions);
    const token = findTokenInText(ctx.activity.text);
    if (token) return step.beginDialog(INVITATION_DIALOG, { stage: 'review', token } satisfies InvitationOptions);
    if (matches(t, 'commands.haveInvitation', ctx.activity.text)) return step.beginDialog(INVITATION_DIALOG, { stage: 'paste' } satisfies InvitationOptions);
    if (matches(t, 'commands.invitations', ctx.activity.text)) return step.beginDialog(INVITATION_DIALOG, { stage: 'hub' } satisfies InvitationOptions);
    if (matches(t, 'commands.providerListing', ctx.activity.text)) return step.beginDialog(PROVIDER_DIALOG, { stage: 'listing' } satisfies ProviderOptions);
    const providerQuery = recognizeProviderQuery(t, ctx.activity.text);
    if (providerQuery) {
      const options: ProviderOptions = providerQuery.country
        ? { stage: 'results', country: providerQuery.country, priorities: providerQuery.priorities }
        : { stage: 'country', priorities: providerQuery.priorities };
      return step.beginDialog(PROVIDER_DIALOG, options);
    }
    const intent = recognizeIntent(t, ctx.activity.text);
    if (intent === 'approved') return step.beginDialog(TRANSITION_DIALOG, { intent: 'approved' } satisfies TransitionOptions);
    if (intent === 'continue') return step.beginDialog(TRANSITION_DIALOG, {} satisfies TransitionOptions);
    await ctx.sendActivity(t('errors.notUnderstood'));
    await this.sendWelcome(ctx);
    return step.endDialog();
  }

  private async onCommandOutsideJourney(step: WaterfallStepContext, command: string): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    switch (command) {
      case 'status':
        return step.beginDialog(TRANSITION_DIALOG, { intent: 'status' } satisfies TransitionOptions);
      case 'plan':
        return step.beginDialog(TRANSITION_DIALOG, { intent: 'plan' } satisfies TransitionOptions);
      case 'help':
        await ctx.sendActivity(t('help.outside'));
        await ctx.sendActivity(t('help.commands'));
        return step.endDialog();
      case 'back':
      case 'cancel':
      case 'startOver':
      case 'menu':
      default:
        await this.sendWelcome(ctx);
        return step.endDialog();
    }
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // a journey got a card of another journey: route the same activity again (once per turn)
    if (isReroute(step.result) && !step.context.turnState.get(REROUTED)) {
      step.context.turnState.set(REROUTED, true);
      return step.replaceDialog(ROUTE);
    }
    return step.endDialog(step.result);
  }
}
