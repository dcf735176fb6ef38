/**
 * The transition checklist journey (direct bill partner -> indirect reseller on the same tenant).
 *
 * The tenant's {@link TransitionRecord} is the source of truth, so the journey resumes anywhere: in
 * a new conversation, after a restart, or for a second admin of the same tenant. Every change goes
 * through `ChecklistService`; this dialog asks, shows and routes.
 * Source: `../shared/seeds/transition-direct-bill-to-indirect-reseller.en.md`, every section.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import {
  NEXT_ITEM_IDS,
  STEP_IDS,
  currentStep,
  isEnrolled,
  previousStep,
  type NextItemId,
  type StepId,
  type TransitionCommand,
} from '../../src/domain/transition.js';
import type { HandlerMap, JourneyRouter, MenuEntry } from '../journey.js';
import { LoopDialog, type CommandMap, type JourneyTurn, type LoopOptions } from '../loopDialog.js';
import type { ChecklistService } from '../../src/checklist/checklistService.js';
import { recognizeIntent } from './triggers.js';
import { typedAnswer } from './typedAnswers.js';
import { refuse, retireAnsweredCard, sendCurrent, updateCard, viewOf, type Shown } from './present.js';
import type { ChecklistSubmit } from './submits.js';
import { planCard, statusCard } from './overviewViews.js';
import { liveNextCard } from './liveViews.js';
import { cardForStep, startOverCard, type ViewContext } from './views.js';

export const CHECKLIST_DIALOG = 'transitionDialog';

export type { Shown } from './present.js';

/**
 * Options for one pass of the loop.
 * - `review`: show this earlier step instead (after "back").
 * - `shown`: the card last shown, so typed answers apply to it.
 * - `intent`: what the user asked for when the journey was started ("approved", "status", "plan").
 */
export interface ChecklistOptions extends LoopOptions {
  review?: StepId;
  shown?: Shown;
  intent?: 'approved' | 'status' | 'plan' | 'continue';
}

type Turn = JourneyTurn<ChecklistOptions>;

/** Waits for the next answer to the card `shown` (nothing is sent again). */
function wait(turn: Turn, shown: Shown | undefined): Promise<DialogTurnResult> {
  return turn.loop({ render: false, ...(shown ? { shown } : {}) });
}

/** The transition checklist as a looping journey over the {@link ChecklistService}. */
export class ChecklistDialog extends LoopDialog<ChecklistOptions, ChecklistSubmit> {
  protected readonly helpKey = 'help.commands';

  constructor(
    private readonly checklist: ChecklistService,
    menu: readonly MenuEntry<ChecklistOptions>[],
    router: JourneyRouter,
  ) {
    super(CHECKLIST_DIALOG, 'checklist', menu, router);
  }

  protected home(): ChecklistOptions {
    return {};
  }

  protected readonly handlers: HandlerMap<ChecklistSubmit, Turn> = {
    'transition.prepare.howTo': (turn) => this.explain(turn, 'prepare.howToText'),
    'transition.approval.notYet': (turn) => this.explain(turn, 'approval.notYetText'),
    'transition.startOver.keep': async (turn) => {
      await turn.say(turn.t('startOver.kept'));
      return turn.loop({});
    },
    'transition.eligibility.answer': (turn, s) =>
      s.answer === 'notSure' ? this.explain(turn, 'eligibility.notSureText') : this.execute(turn, { type: 'answerEligibility', answer: s.answer }, s.rev),
    'transition.prepare.confirm': (turn, s) => this.execute(turn, { type: 'confirmPrepared' }, s.rev),
    'transition.role.set': (turn, s) => this.execute(turn, { type: 'setRole', role: s.role }, s.rev),
    'transition.eligibility.recheck': (turn, s) => this.execute(turn, { type: 'recheckEligibility' }, s.rev),
    'transition.details.submit': (turn, s) => {
      const { legalName, partnerId, country, primaryContactEmail } = s;
      return this.execute(turn, { type: 'submitDetails', details: { legalName, partnerId, country, primaryContactEmail } }, s.rev);
    },
    'transition.enroll.confirm': (turn, s) => this.execute(turn, { type: 'confirmEnrollment', understood: s.understood === 'true' }, s.rev),
    'transition.enroll.decline': (turn, s) => this.execute(turn, { type: 'declineEnrollment' }, s.rev),
    'transition.approval.confirm': (turn, s) => this.execute(turn, { type: 'confirmApproved' }, s.rev),
    'transition.agreement.confirm': (turn, s) => this.execute(turn, { type: 'confirmAgreement' }, s.rev),
    'transition.next.set': (turn, s) => this.setNextItem(turn, s.item, s.done),
    'transition.startOver.confirm': (turn, s) => this.execute(turn, { type: 'startOver' }, s.rev),
  };

  protected override async render(turn: Turn, o: ChecklistOptions): Promise<void> {
    if (o.intent === 'approved') await this.confirmApprovedByWords(turn);
    if (o.intent === 'status') await turn.send(statusCard(await this.view(turn)));
    if (o.intent === 'plan') await turn.send(planCard(await this.view(turn)));
    const v = await this.view(turn);
    if (o.review) {
      await turn.say(turn.t('back.going', { title: turn.t(`steps.${o.review}.title`) }));
      await turn.send(cardForStep(v, o.review));
      turn.options = { shown: { step: o.review, rev: v.record.revision } };
      return;
    }
    const shown = await sendCurrent(turn, v);
    turn.options = shown ? { shown } : {};
  }

  protected override commands(): CommandMap<ChecklistOptions> {
    return {
      help: async (turn) => {
        const cur = currentStep((await this.view(turn)).record);
        const { t } = turn;
        if (cur)
          await turn.say(
            t('help.atStep', {
              current: STEP_IDS.indexOf(cur) + 1,
              total: STEP_IDS.length,
              title: t(`steps.${cur}.title`),
              summary: t(`steps.${cur}.summary`),
            }),
          );
        await turn.say(t('help.commands'));
        return turn.stay();
      },
      status: async (turn) => {
        await turn.send(statusCard(await this.view(turn)));
        return turn.stay();
      },
      plan: async (turn) => {
        await turn.send(planCard(await this.view(turn)));
        return turn.stay();
      },
      back: async (turn) => {
        const record = (await this.view(turn)).record;
        const prev = previousStep(record, turn.options.shown?.step ?? currentStep(record) ?? 'next');
        if (prev.ok) return turn.loop({ review: prev.step });
        await turn.say(turn.t(prev.reason === 'locked' ? 'back.locked' : 'back.atStart'));
        return turn.stay();
      },
      startOver: async (turn) => {
        const v = await this.view(turn);
        if (isEnrolled(v.record)) await turn.say(turn.t('startOver.refused'));
        else await turn.send(startOverCard(v));
        return turn.stay();
      },
    };
  }

  /** Typed words answer the card last shown in this conversation (never a later step). */
  protected override async onText(turn: Turn, text: string): Promise<DialogTurnResult> {
    const { t } = turn;
    const shown = turn.options.shown;
    const intent = recognizeIntent(t, text);
    if (intent === 'continue') return turn.loop({});
    if (intent === 'approved') {
      await this.confirmApprovedByWords(turn);
      return turn.loop({});
    }
    const answer = typedAnswer(t, text, shown?.step);
    if (answer && 'command' in answer) return this.execute(turn, answer.command, shown?.rev);
    await turn.say(t(answer?.say ?? 'errors.notUnderstood'));
    return wait(turn, shown);
  }

  private async explain(turn: Turn, key: string): Promise<DialogTurnResult> {
    await turn.say(turn.t(key));
    return wait(turn, turn.options.shown);
  }

  /**
   * Applies `command` through the service (eTag-safe), then tells the user what happened and shows
   * where they stand now.
   * @param rev the record revision the user's card or prompt was rendered from
   */
  private async execute(turn: Turn, command: TransitionCommand, rev: number | undefined): Promise<DialogTurnResult> {
    const { t } = turn;
    const result = await this.checklist.apply(turn.tenantId, turn.actor, command, rev);
    if (!result.ok) return wait(turn, await refuse(turn, await this.view(turn), command, result.error));
    const v = viewOf(turn, result.record);
    await retireAnsweredCard(turn, command);
    if (command.type === 'setRole') {
      const role = t(`roles.${command.role}`);
      await turn.say(t('role.recorded', { role }));
      if (command.role === 'notSure') await turn.say(t('role.notSureText'));
      else if (command.role !== 'globalAdmin') await turn.say(t('role.notGlobalAdmin', { role }));
    } else if (command.type === 'declineEnrollment') {
      await turn.say(t('enroll.declined'));
      return wait(turn, { step: 'enroll', rev: result.record.revision });
    } else {
      const line = { submitDetails: 'details.saved', confirmEnrollment: 'enroll.recorded', startOver: 'startOver.done' }[command.type as string];
      if (line) await turn.say(t(line, { name: turn.actor.name || t('progress.someone') }));
    }
    return wait(turn, await sendCurrent(turn, v));
  }

  /**
   * Ticks or reopens one what's-next item. The guard is the item's own state rather than the card's
   * revision: a click on an older copy of the list still does what its button says, and a double
   * click finds the item already in that state and changes nothing. Confirms in one line and updates
   * the list card in place (Teams: the clicked card; Web Chat: the list this conversation showed
   * last) instead of sending the whole list again; when every item is done, shows the finish card.
   */
  private async setNextItem(turn: Turn, item: NextItemId, done: boolean): Promise<DialogTurnResult> {
    const { t } = turn;
    const shown = turn.options.shown;
    const result = await this.checklist.setNextItem(turn.tenantId, turn.actor, item, done);
    const title = t(`next.items.${item}.title`);
    if (!result.ok) {
      const e = result.error;
      if (e.code !== 'unchanged') return wait(turn, await refuse(turn, await this.view(turn), { type: 'setNextItem', item, done }, e));
      await turn.say(
        e.mark
          ? t('next.alreadyDone', { item: title, name: e.mark.by.name || t('progress.someone'), date: t.shortDate(e.mark.at) })
          : t('next.alreadyOpen', { item: title }),
      );
      return wait(turn, shown);
    }
    const record = result.record;
    const count = NEXT_ITEM_IDS.filter((i) => record.nextItems[i]).length;
    await turn.say(t(done ? 'next.markedDone' : 'next.reopened', { item: title, done: count, total: NEXT_ITEM_IDS.length }));
    const v = viewOf(turn, record);
    // the list shows the change, also when it was the last item (a later Reopen updates it again)
    const cardId = turn.activity.replyToId ?? shown?.activityId;
    if (cardId) await updateCard(turn, cardId, liveNextCard(v));
    if (!currentStep(record)) await sendCurrent(turn, v);
    return wait(turn, { step: 'next', rev: record.revision, ...(cardId ? { activityId: cardId } : {}) });
  }

  /** "approved" typed anywhere: confirm approval if the tenant is waiting for it, else explain. */
  private async confirmApprovedByWords(turn: Turn): Promise<void> {
    const { waiting, enrolled } = await this.checklist.confirmApprovedIfWaiting(turn.tenantId, turn.actor);
    if (!waiting && !enrolled) await turn.say(turn.t('approval.notEnrolledYet'));
  }

  private async view(turn: Turn): Promise<ViewContext> {
    return viewOf(turn, await this.checklist.get(turn.tenantId));
  }
}
