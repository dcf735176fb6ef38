/**
 * The transition checklist journey (direct bill partner -> indirect reseller on the same tenant).
 *
 * The tenant's {@link TransitionRecord} is the source of truth, so a journey resumes anywhere: in a
 * new conversation, after a restart, or for a second admin of the same tenant. The dialog is a
 * two-step waterfall run in a loop: `showStep` renders where the user stands and waits; `answer`
 * interprets the reply (a card submit parsed with zod, or typed words), applies it through the
 * pure domain rules, and loops.
 */
import type { Attachment, TurnContext } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import { Dialog, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { PARTNER_ROLES } from '../src/domain/roles.js';
import {
  NEXT_ITEM_IDS,
  STEP_IDS,
  applyCommand,
  commandStep,
  currentStep,
  isEnrolled,
  nextAction,
  previousStep,
  type NextItemId,
  type StepId,
  type TransitionCommand,
  type TransitionError,
  type TransitionRecord,
} from '../src/domain/transition.js';
import type { EnrollmentDetails } from '../src/domain/enrollmentDetails.js';
import type { TransitionRepository } from '../src/store/transitionRepository.js';
import { GuidedDialog } from './guidedDialog.js';
import { asksForCustomers, asksForInvitations, matches, normalize, recognizeIntent, recognizeProviderQuery, type CommandId } from './recognizer.js';
import { REROUTE, parseSubmit, type Submit } from './submits.js';
import {
  cardForStep,
  completeCard,
  detailsCard,
  enrollCard,
  ineligibleCard,
  needsGlobalAdminCard,
  nextCard,
  planCard,
  roleCard,
  startOverCard,
  statusCard,
  type ViewContext,
} from './transitionViews.js';
import { turnInfo } from './turnInfo.js';

export const TRANSITION_DIALOG = 'transitionDialog';
const LOOP = 'transitionDialog.loop';

/**
 * Options for one pass of the loop.
 * - `render` (default true): send the card for where the user stands.
 * - `review`: show this earlier step instead (after "back").
 * - `shown`: the step and record revision of the last card shown, so typed answers apply to it.
 * - `handleCurrentActivity`: this turn's activity is already the answer (a card clicked when no
 *   journey was active, e.g. in a new conversation).
 * - `intent`: what the user asked for when the journey was started ("approved", "status", "plan").
 */
export interface TransitionOptions {
  render?: boolean;
  review?: StepId;
  shown?: Shown;
  handleCurrentActivity?: boolean;
  intent?: 'approved' | 'status' | 'plan' | 'continue';
}

/**
 * The card last shown in this conversation: its step and the record revision it was rendered
 * from (typed answers apply to it), and the id of its activity when the channel returned one (the
 * what's-next list is updated in place through it).
 */
export interface Shown {
  step: StepId;
  rev: number;
  activityId?: string;
}

/** Facts recorded by other journeys that tick checklist items (an accepted partnership request). */
export interface ChecklistFacts {
  /** The tenant's checklist with items ticked from recorded facts (see `InvitationService.reconcileChecklist`). */
  reconcileChecklist(tenantId: string): Promise<TransitionRecord>;
}

/** The transition checklist as a ComponentDialog over a {@link TransitionRepository}; `facts` ticks items other journeys proved done. */
export class TransitionDialog extends GuidedDialog {
  constructor(
    private readonly journeys: TransitionRepository,
    private readonly facts?: ChecklistFacts,
  ) {
    super(TRANSITION_DIALOG);
    this.addDialog(new WaterfallDialog(LOOP, [this.showStep.bind(this), this.answer.bind(this)]));
    this.initialDialogId = LOOP;
  }

  // ---- waterfall steps -------------------------------------------------------------------

  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = (step.options ?? {}) as TransitionOptions;
    if (o.handleCurrentActivity) {
      shownOf(step).shown = o.shown;
      return step.next();
    }
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    if (o.intent === 'approved') await this.confirmApprovedByWords(ctx);
    if (o.intent === 'status') await ctx.sendActivity(MessageFactory.attachment(statusCard(await this.view(ctx))));
    if (o.intent === 'plan') await ctx.sendActivity(MessageFactory.attachment(planCard(await this.view(ctx))));

    const v = await this.view(ctx);
    if (o.review) {
      await ctx.sendActivity(t('back.going', { title: t(`steps.${o.review}.title`) }));
      await ctx.sendActivity(MessageFactory.attachment(cardForStep(v, o.review)));
      shownOf(step).shown = { step: o.review, rev: v.record.revision };
    } else if (o.render === false) {
      shownOf(step).shown = o.shown;
    } else {
      shownOf(step).shown = await this.sendCurrent(ctx, v);
    }
    return Dialog.EndOfTurn;
  }

  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    const shown = shownOf(step).shown;
    const parsed = parseSubmit(ctx.activity.value);
    if (parsed && !parsed.ok) {
      await ctx.sendActivity(t('errors.badSubmit'));
      return this.loop(step, { render: false, shown });
    }
    if (parsed?.ok) return this.onSubmit(step, parsed.submit, shown);
    return this.onText(step, ctx.activity.text ?? '', shown);
  }

  // ---- commands that work at any prompt --------------------------------------------------

  protected override async onCommand(dc: DialogContext, command: Exclude<CommandId, 'menu'>): Promise<DialogTurnResult | undefined> {
    const ctx = dc.context;
    const { t } = turnInfo(ctx);
    const v = await this.view(ctx);
    const shown = (dc.activeDialog?.state as { values?: { shown?: TransitionOptions['shown'] } } | undefined)?.values?.shown;
    switch (command) {
      case 'help': {
        const cur = currentStep(v.record);
        if (cur) {
          const n = STEP_IDS.indexOf(cur) + 1;
          await ctx.sendActivity(t('help.atStep', { current: n, total: STEP_IDS.length, title: t(`steps.${cur}.title`), summary: t(`steps.${cur}.summary`) }));
        }
        await ctx.sendActivity(t('help.commands'));
        return Dialog.EndOfTurn;
      }
      case 'status':
        await ctx.sendActivity(MessageFactory.attachment(statusCard(v)));
        return Dialog.EndOfTurn;
      case 'plan':
        await ctx.sendActivity(MessageFactory.attachment(planCard(v)));
        return Dialog.EndOfTurn;
      case 'back': {
        const from = shown?.step ?? currentStep(v.record) ?? 'next';
        const prev = previousStep(v.record, from);
        if (!prev.ok) {
          await ctx.sendActivity(t(prev.reason === 'locked' ? 'back.locked' : 'back.atStart'));
          return Dialog.EndOfTurn;
        }
        return dc.replaceDialog(LOOP, { review: prev.step } satisfies TransitionOptions);
      }
      case 'cancel':
        await ctx.sendActivity(t('cancel.done'));
        return dc.cancelAllDialogs();
      case 'startOver':
        if (isEnrolled(v.record)) {
          await ctx.sendActivity(t('startOver.refused'));
          return Dialog.EndOfTurn;
        }
        await ctx.sendActivity(MessageFactory.attachment(startOverCard(v)));
        return Dialog.EndOfTurn;
    }
  }

  // ---- answers ---------------------------------------------------------------------------

  private async onSubmit(step: WaterfallStepContext, submit: Submit, shown: TransitionOptions['shown']): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    if (!isTransitionVerb(submit)) return step.endDialog(REROUTE);
    switch (submit.verb) {
      case 'menu.open':
      case 'command': // 'menu' is handled by the main dialog; others never reach here
        return this.loop(step, {});
      case 'transition.prepare.howTo':
        await ctx.sendActivity(t('prepare.howToText'));
        return this.loop(step, { render: false, shown });
      case 'transition.approval.notYet':
        await ctx.sendActivity(t('approval.notYetText'));
        return this.loop(step, { render: false, shown });
      case 'transition.startOver.keep':
        await ctx.sendActivity(t('startOver.kept'));
        return this.loop(step, {});
      case 'transition.eligibility.answer':
        if (submit.answer === 'notSure') {
          await ctx.sendActivity(t('eligibility.notSureText'));
          return this.loop(step, { render: false, shown });
        }
        return this.execute(step, { type: 'answerEligibility', answer: submit.answer }, submit.rev);
      case 'transition.prepare.confirm':
        return this.execute(step, { type: 'confirmPrepared' }, submit.rev);
      case 'transition.role.set':
        return this.execute(step, { type: 'setRole', role: submit.role }, submit.rev);
      case 'transition.eligibility.recheck':
        return this.execute(step, { type: 'recheckEligibility' }, submit.rev);
      case 'transition.details.submit': {
        const { legalName, partnerId, country, primaryContactEmail } = submit;
        return this.execute(step, { type: 'submitDetails', details: { legalName, partnerId, country, primaryContactEmail } }, submit.rev);
      }
      case 'transition.enroll.confirm':
        return this.execute(step, { type: 'confirmEnrollment', understood: submit.understood === 'true' }, submit.rev);
      case 'transition.enroll.decline':
        return this.execute(step, { type: 'declineEnrollment' }, submit.rev);
      case 'transition.approval.confirm':
        return this.execute(step, { type: 'confirmApproved' }, submit.rev);
      case 'transition.agreement.confirm':
        return this.execute(step, { type: 'confirmAgreement' }, submit.rev);
      case 'transition.next.set':
        return this.setNextItem(step, submit.item, submit.done, shown);
      case 'transition.startOver.confirm':
        return this.execute(step, { type: 'startOver' }, submit.rev);
      default:
        return step.endDialog(REROUTE);
    }
  }

  /** Typed words answer the card last shown in this conversation (never a later step). */
  private async onText(step: WaterfallStepContext, text: string, shown: TransitionOptions['shown']): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    // the provider journey's words: let the main dialog start it
    if (recognizeProviderQuery(t, text) || matches(t, 'commands.providerListing', text) || asksForInvitations(t, text) || asksForCustomers(t, text)) return step.endDialog(REROUTE);
    const intent = recognizeIntent(t, text);
    if (intent === 'continue') return this.loop(step, {});
    if (intent === 'approved') {
      await this.confirmApprovedByWords(ctx);
      return this.loop(step, {});
    }
    const yes = matches(t, 'commands.yes', text);
    const no = matches(t, 'commands.no', text);
    const target = shown?.step;
    const rev = shown?.rev;
    const role = PARTNER_ROLES.find((r) => normalize(t(`roles.${r}`)) === normalize(text));
    let command: TransitionCommand | undefined;
    switch (target) {
      case 'prepare':
        if (yes) command = { type: 'confirmPrepared' };
        break;
      case 'role':
        if (role) command = { type: 'setRole', role };
        break;
      case 'eligibility':
        if (yes) command = { type: 'answerEligibility', answer: 'restricted' };
        else if (no) command = { type: 'answerEligibility', answer: 'notRestricted' };
        else if (role === 'notSure') {
          await ctx.sendActivity(t('eligibility.notSureText'));
          return this.loop(step, { render: false, shown });
        }
        break;
      case 'enroll':
        if (no) command = { type: 'declineEnrollment' };
        else if (yes) {
          // A typed "yes" is not an explicit confirmation of no rollback: the card's tick box is.
          await ctx.sendActivity(t('enroll.mustConfirm'));
          return this.loop(step, { render: false, shown });
        }
        break;
      case 'approval':
        if (yes) command = { type: 'confirmApproved' };
        else if (no) {
          await ctx.sendActivity(t('approval.notYetText'));
          return this.loop(step, { render: false, shown });
        }
        break;
      case 'agreement':
        if (yes) command = { type: 'confirmAgreement' };
        break;
      default:
        break;
    }
    if (command) return this.execute(step, command, rev);
    await ctx.sendActivity(t('errors.notUnderstood'));
    return this.loop(step, { render: false, shown });
  }

  /**
   * Applies `command` to the tenant's record (eTag-safe, see TransitionRepository.update), then
   * tells the user what happened and shows where they stand now.
   * @param rev the record revision the user's card or prompt was rendered from
   */
  private async execute(step: WaterfallStepContext, command: TransitionCommand, rev: number | undefined): Promise<DialogTurnResult> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    const result = await this.journeys.update(info.tenantId!, (r) => applyCommand(r, command, info.actor, info.now, rev));
    if (!result.ok) return this.refuse(step, command, result.error);

    const v = this.viewOf(ctx, result.record);
    await this.retireAnsweredCard(ctx, command);
    switch (command.type) {
      case 'setRole':
        await ctx.sendActivity(t('role.recorded', { role: t(`roles.${command.role}`) }));
        if (command.role === 'notSure') await ctx.sendActivity(t('role.notSureText'));
        else if (command.role !== 'globalAdmin') await ctx.sendActivity(t('role.notGlobalAdmin', { role: t(`roles.${command.role}`) }));
        break;
      case 'submitDetails':
        await ctx.sendActivity(t('details.saved'));
        break;
      case 'declineEnrollment':
        await ctx.sendActivity(t('enroll.declined'));
        return this.loop(step, { render: false, shown: { step: 'enroll', rev: result.record.revision } });
      case 'confirmEnrollment':
        await ctx.sendActivity(t('enroll.recorded', { name: info.actor.name || t('progress.someone') }));
        break;
      case 'startOver':
        await ctx.sendActivity(t('startOver.done'));
        break;
      default:
        break;
    }
    const shown = await this.sendCurrent(ctx, v);
    return this.loop(step, { render: false, shown });
  }

  /**
   * Ticks or reopens one what's-next item. The guard is the item's own state rather than the card's
   * revision: a click on an older copy of the list still does what its button says, and a double
   * click finds the item already in that state and changes nothing. Confirms in one line and updates
   * the list card in place (Teams: the clicked card; Web Chat: the list this conversation showed
   * last) instead of sending the whole list again; when every item is done, shows the finish card.
   */
  private async setNextItem(step: WaterfallStepContext, item: NextItemId, done: boolean, shown: Shown | undefined): Promise<DialogTurnResult> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    const command: TransitionCommand = { type: 'setNextItem', item, done };
    const result = await this.journeys.update(info.tenantId!, (r) =>
      Boolean(r.nextItems[item]) === done ? { ok: false as const, error: { code: 'unchanged' as const, mark: r.nextItems[item] } } : applyCommand(r, command, info.actor, info.now),
    );
    const title = t(`next.items.${item}.title`);
    if (!result.ok) {
      const e = result.error;
      if (!('mark' in e)) return this.refuse(step, command, e);
      await ctx.sendActivity(e.mark ? t('next.alreadyDone', { item: title, name: e.mark.by.name || t('progress.someone'), date: t.shortDate(e.mark.at) }) : t('next.alreadyOpen', { item: title }));
      return this.loop(step, { render: false, shown });
    }
    const record = result.record;
    const count = NEXT_ITEM_IDS.filter((i) => record.nextItems[i]).length;
    await ctx.sendActivity(t(done ? 'next.markedDone' : 'next.reopened', { item: title, done: count, total: NEXT_ITEM_IDS.length }));
    const v = this.viewOf(ctx, record);
    // the list shows the change, also when it was the last item (a later Reopen updates it again)
    const cardId = ctx.activity.replyToId ?? shown?.activityId;
    if (cardId) await this.updateCard(ctx, cardId, nextCard(v));
    if (!currentStep(record)) await this.sendCurrent(ctx, v);
    return this.loop(step, { render: false, shown: { step: 'next', rev: record.revision, ...(cardId ? { activityId: cardId } : {}) } });
  }

  /** Replaces the card of activity `id` where the channel allows updates (Teams, Web Chat on the development Direct Line); a refused update is ignored. */
  private async updateCard(ctx: TurnContext, id: string, card: Attachment): Promise<void> {
    try {
      await ctx.updateActivity({ ...MessageFactory.attachment(card), id });
    } catch {
      // the Direct Line service and some clients cannot update: the confirmation line stands alone
    }
  }

  private async refuse(step: WaterfallStepContext, command: TransitionCommand, error: TransitionError): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    const v = await this.view(ctx);
    switch (error.code) {
      case 'invalidDetails': {
        const typed = command.type === 'submitDetails' ? asStrings(command.details) : {};
        await ctx.sendActivity(MessageFactory.attachment(detailsCard(v, typed, error.errors)));
        return this.loop(step, { render: false, shown: { step: 'details', rev: v.record.revision } });
      }
      case 'mustConfirmNoRollback':
        await ctx.sendActivity(MessageFactory.attachment(enrollCard(v, t('enroll.mustConfirm'))));
        return this.loop(step, { render: false, shown: { step: 'enroll', rev: v.record.revision } });
      case 'stale':
        await ctx.sendActivity(t('errors.stale'));
        break;
      case 'globalAdminRequired':
        await ctx.sendActivity(t('errors.globalAdminRequired', { step: t(`steps.${error.step}.title`) }));
        break;
      case 'stepNotReached':
        await ctx.sendActivity(t('errors.stepNotReached', { step: t(`steps.${error.step}.title`), current: t(`steps.${error.current}.title`) }));
        break;
      case 'stepLocked':
        await ctx.sendActivity(t('errors.stepLocked', { step: t(`steps.${error.step}.title`) }));
        break;
      case 'notEligible':
        await ctx.sendActivity(t('errors.notEligible'));
        break;
      case 'cannotStartOverAfterEnrollment':
        await ctx.sendActivity(t('startOver.refused'));
        break;
    }
    const shown = await this.sendCurrent(ctx, v);
    return this.loop(step, { render: false, shown });
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** "approved" typed anywhere: confirm approval if the tenant is waiting for it, else explain. */
  private async confirmApprovedByWords(ctx: TurnContext): Promise<void> {
    const info = turnInfo(ctx);
    const record = await this.journeys.get(info.tenantId!);
    if (currentStep(record) !== 'approval') {
      if (!isEnrolled(record)) await ctx.sendActivity(info.t('approval.notEnrolledYet'));
      return;
    }
    await this.journeys.update(info.tenantId!, (r) => applyCommand(r, { type: 'confirmApproved' }, info.actor, info.now));
  }

  /**
   * In Teams, replaces the card the user just answered with a one-line read-only summary, so its
   * buttons are gone (the revision check already makes them harmless). Channels that cannot
   * update activities keep the card; a failed update is ignored.
   */
  private async retireAnsweredCard(ctx: TurnContext, command: TransitionCommand): Promise<void> {
    const { activity } = ctx;
    if (activity.channelId !== 'msteams' || !activity.replyToId || activity.value === undefined) return;
    const step = commandStep(command);
    if (!step || command.type === 'setNextItem') return; // the what's-next list stays live
    const { t, actor } = turnInfo(ctx);
    try {
      await ctx.updateActivity({
        id: activity.replyToId,
        type: 'message',
        text: t('progress.answered', { step: t(`steps.${step}.title`), name: actor.name || t('progress.someone') }),
      });
    } catch {
      // not every client supports updates; the stale-card guard still protects the old card
    }
  }

  /** Sends the card for where this user stands; returns what was shown (for typed answers). */
  private async sendCurrent(ctx: TurnContext, v: ViewContext): Promise<Shown | undefined> {
    const action = nextAction(v.record, v.userId);
    let card: Attachment;
    let shownStep: StepId | undefined;
    switch (action.kind) {
      case 'complete':
        card = completeCard(v);
        break;
      case 'ineligible':
        card = ineligibleCard(v);
        shownStep = 'eligibility';
        break;
      case 'needsRole':
        card = roleCard(v);
        shownStep = 'role';
        break;
      case 'needsGlobalAdmin':
        card = needsGlobalAdminCard(v, action.step, action.globalAdmins);
        break;
      case 'step':
        card = cardForStep(v, action.step);
        shownStep = action.step;
        break;
    }
    const sent = await ctx.sendActivity(MessageFactory.attachment(card));
    return shownStep ? { step: shownStep, rev: v.record.revision, ...(sent?.id ? { activityId: sent.id } : {}) } : undefined;
  }

  private async view(ctx: TurnContext): Promise<ViewContext> {
    const tenantId = turnInfo(ctx).tenantId!;
    return this.viewOf(ctx, this.facts ? await this.facts.reconcileChecklist(tenantId) : await this.journeys.get(tenantId));
  }

  private viewOf(ctx: TurnContext, record: TransitionRecord): ViewContext {
    const info = turnInfo(ctx);
    return { record, userId: info.actor.id, t: info.t, now: info.now, channelId: info.channelId };
  }

  private loop(step: WaterfallStepContext, options: TransitionOptions): Promise<DialogTurnResult> {
    return step.replaceDialog(LOOP, options);
  }
}

function asStrings(d: Partial<Record<keyof EnrollmentDetails, unknown>>): Partial<Record<keyof EnrollmentDetails, string>> {
  const out: Partial<Record<keyof EnrollmentDetails, string>> = {};
  for (const [k, val] of Object.entries(d)) if (typeof val === 'string') out[k as keyof EnrollmentDetails] = val;
  return out;
}

/** The waterfall's values for this pass: the card last shown (step and record revision). */
function shownOf(step: WaterfallStepContext): { shown?: TransitionOptions['shown'] } {
  return step.values as { shown?: TransitionOptions['shown'] };
}

/** True for submits this journey answers: its own verbs, commands, and opening the checklist. */
function isTransitionVerb(submit: Submit): boolean {
  if (submit.verb === 'menu.open') return submit.journey === 'transition';
  return submit.verb === 'command' || submit.verb.startsWith('transition.');
}
