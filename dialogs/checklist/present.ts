/**
 * How the checklist answers on screen: the card for where the user stands, the refusal of a change
 * the rules do not allow, and updates of cards already sent (Teams and the development Direct
 * Line can update an activity; other channels keep the old card, whose revision guard still holds).
 */
import { MessageFactory, type Attachment } from 'botbuilder';
import type { EnrollmentDetails } from '../../src/domain/enrollmentDetails.js';
import { commandStep, type StepId, type TransitionCommand, type TransitionError, type TransitionRecord } from '../../src/domain/transition.js';
import type { JourneyTurn, LoopOptions } from '../loopDialog.js';
import { currentCard } from './liveViews.js';
import { detailsCard, enrollCard, type ViewContext } from './views.js';

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

/** The view of `record` for this turn's user, language, clock and channel. */
export function viewOf(turn: JourneyTurn<LoopOptions>, record: TransitionRecord): ViewContext {
  const info = turn.info;
  return { record, userId: info.actor.id, t: info.t, now: info.now, channelId: info.channelId };
}

/** Sends the card for where this user stands (a live view); returns what was shown (for typed answers), if it was a step. */
export async function sendCurrent(turn: JourneyTurn<LoopOptions>, v: ViewContext): Promise<Shown | undefined> {
  const current = currentCard(v);
  if (current.kind === 'signIn') {
    // connected mode: "Who you are" is answered by signing in (roles verified in Microsoft Entra ID)
    const step = current.step;
    await turn.say(v.t(step === 'role' ? 'identity.signIn.forRoleStep' : 'identity.signIn.forStep', { step: v.t(`steps.${step}.title`) }));
    turn.requestSignIn();
    return undefined;
  }
  const id = await turn.send(current.card);
  return current.step ? { step: current.step, rev: v.record.revision, ...(id ? { activityId: id } : {}) } : undefined;
}

/**
 * Explains a refused change: the details or enrollment form again with the problem, or a line
 * naming the rule, then the card for where the user stands.
 * @returns what is on screen now (for typed answers).
 */
export async function refuse(turn: JourneyTurn<LoopOptions>, v: ViewContext, command: TransitionCommand, error: TransitionError): Promise<Shown | undefined> {
  const { t } = turn;
  const title = (step: StepId) => t(`steps.${step}.title`);
  switch (error.code) {
    case 'invalidDetails': {
      const typed = command.type === 'submitDetails' ? asStrings(command.details) : {};
      await turn.send(detailsCard(v, typed, error.errors));
      return { step: 'details', rev: v.record.revision };
    }
    case 'mustConfirmNoRollback':
      await turn.send(enrollCard(v, t('enroll.mustConfirm')));
      return { step: 'enroll', rev: v.record.revision };
    case 'stale':
      await turn.say(t('errors.stale'));
      break;
    case 'globalAdminRequired':
      await turn.say(t('errors.globalAdminRequired', { step: title(error.step) }));
      break;
    case 'stepNotReached':
      await turn.say(t('errors.stepNotReached', { step: title(error.step), current: title(error.current) }));
      break;
    case 'stepLocked':
      await turn.say(t('errors.stepLocked', { step: title(error.step) }));
      break;
    case 'notEligible':
      await turn.say(t('errors.notEligible'));
      break;
    case 'cannotStartOverAfterEnrollment':
      await turn.say(t('startOver.refused'));
      break;
    case 'rolesVerified':
      await turn.say(t('identity.rolesVerified'));
      break;
  }
  return sendCurrent(turn, v);
}

/**
 * In Teams, replaces the card the user just answered with a one-line read-only summary, so its
 * buttons are gone (the revision check already makes them harmless). Channels that cannot update
 * activities keep the card; a failed update is ignored. (An `Action.Execute` click: the card that
 * answers the invoke replaces the clicked one instead, see `src/bot/teamsCards.ts`.)
 */
export async function retireAnsweredCard(turn: JourneyTurn<LoopOptions>, command: TransitionCommand): Promise<void> {
  const { activity, t, actor } = turn;
  if (activity.channelId !== 'msteams' || !activity.replyToId || activity.value === undefined) return;
  const step = commandStep(command);
  if (!step || command.type === 'setNextItem') return; // the what's-next list stays live
  try {
    await turn.context.updateActivity({
      id: activity.replyToId,
      type: 'message',
      text: t('progress.answered', { step: t(`steps.${step}.title`), name: actor.name || t('progress.someone') }),
    });
  } catch {
    // not every client supports updates; the stale-card guard still protects the old card
  }
}

/** Replaces the card of activity `id` where the channel allows updates (Teams, Web Chat on the development Direct Line); a refused update is ignored. */
export async function updateCard(turn: JourneyTurn<LoopOptions>, id: string, card: Attachment): Promise<void> {
  try {
    await turn.context.updateActivity({ ...MessageFactory.attachment(card), id });
  } catch {
    // the Direct Line service and some clients cannot update: the confirmation line stands alone
  }
}

function asStrings(d: Partial<Record<keyof EnrollmentDetails, unknown>>): Partial<Record<keyof EnrollmentDetails, string>> {
  const out: Partial<Record<keyof EnrollmentDetails, string>> = {};
  for (const [k, val] of Object.entries(d)) if (typeof val === 'string') out[k as keyof EnrollmentDetails] = val;
  return out;
}
