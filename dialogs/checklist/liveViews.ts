/**
 * The checklist's live views: cards that show the tenant's shared progress, which any admin may
 * change at any time. Each is marked with its view (`markLive`), so in Teams it carries a
 * `refresh` block (see `cards/universal.ts`) and a reader's copy is rendered afresh, for that
 * reader, whenever it is displayed:
 * - `checklist.current`: the card for where the reader stands now (a step, the global admin
 *   notice, the other road, the finish);
 * - `checklist.next`: the what's-next list (it stays a list, also once every item is done).
 * Pure presentation, like `views.ts`.
 */
import type { Attachment } from 'botbuilder';
import { markLive } from '../../cards/universal.js';
import { nextAction, type StepId, type TransitionRecord } from '../../src/domain/transition.js';
import type { TurnInfo } from '../turnInfo.js';
import { statusCard } from './overviewViews.js';
import { cardForStep, completeCard, ineligibleCard, needsGlobalAdminCard, nextCard, roleCard, type ViewContext } from './views.js';

/** The checklist's live views. */
export const LIVE_VIEWS = ['checklist.current', 'checklist.next'] as const;
export type LiveView = (typeof LIVE_VIEWS)[number];

/** True when `view` names a live view of the checklist. */
export function isLiveView(view: string): view is LiveView {
  return (LIVE_VIEWS as readonly string[]).includes(view);
}

/** The what's-next list as a live view. */
export function liveNextCard(v: ViewContext): Attachment {
  return markLive(nextCard(v), 'checklist.next');
}

/**
 * The card for where the viewer stands now, and the step it asks about (typed answers apply to
 * it); `signIn` in connected mode when the viewer's role must first be verified by signing in.
 */
export function currentCard(v: ViewContext): { kind: 'card'; card: Attachment; step?: StepId } | { kind: 'signIn'; step: StepId } {
  const action = nextAction(v.record, v.userId);
  if (v.record.roleSource === 'verified' && (action.kind === 'needsRole' || (action.kind === 'step' && action.step === 'role'))) {
    return { kind: 'signIn', step: action.kind === 'needsRole' ? action.step : 'role' };
  }
  const current = (card: Attachment, step?: StepId) => ({ kind: 'card' as const, card: markLive(card, 'checklist.current'), ...(step ? { step } : {}) });
  switch (action.kind) {
    case 'complete':
      return current(completeCard(v));
    case 'ineligible':
      return current(ineligibleCard(v), 'eligibility');
    case 'needsRole':
      return current(roleCard(v), 'role');
    case 'needsGlobalAdmin':
      return current(needsGlobalAdminCard(v, action.step, action.globalAdmins));
    case 'step':
      return action.step === 'next' ? { kind: 'card', card: liveNextCard(v), step: 'next' } : current(cardForStep(v, action.step), action.step);
  }
}

/**
 * Read only: the card live view `view` shows now for the turn's user, from `record` (a refresh).
 * A reader who must sign in first gets the progress overview. @returns undefined for an unknown view.
 */
export function renderLiveView(view: string, record: TransitionRecord, info: TurnInfo): Attachment | undefined {
  if (!isLiveView(view)) return undefined;
  const v: ViewContext = { record, userId: info.actor.id, t: info.t, now: info.now, channelId: info.channelId };
  if (view === 'checklist.next') return liveNextCard(v);
  const current = currentCard(v);
  return current.kind === 'card' ? current.card : markLive(statusCard(v), 'checklist.current');
}
