/**
 * The direct bill partner -> indirect reseller transition, as pure data and rules.
 *
 * Source: `../shared/seeds/transition-direct-bill-to-indirect-reseller.en.md` (sections "Get started",
 * "While you transition", "Find an indirect provider", "Accept a partnership invitation",
 * "Acquire new customers", "Move your direct bill customers", "Managing your direct bill customers
 * and your indirect reseller customers", "Enroll for indirect reseller incentives"); seed 003 for
 * what a new indirect reseller must gather. Rules that changed since the 2018 article are marked
 * with the date they were checked.
 *
 * No botbuilder import here: every function takes data and returns data, errors are values.
 *
 * This file is the public entry; the code lives in `./transition/`: `model.ts` (steps, items,
 * the record, commands and errors), `progress.ts` (current step, next action, progress, back,
 * what's-next list), `commands.ts` ({@link applyCommand}: one handler per command type) and
 * `facts.ts` ({@link tickFromFact}).
 */
export {
  ANY_TIME_ITEMS,
  APPROVAL_BUSINESS_DAYS,
  GLOBAL_ADMIN_STEPS,
  HISTORY_LIMIT,
  INCENTIVES_INVITATION_DAYS,
  newTransitionRecord,
  NEXT_ITEM_IDS,
  NEXT_ITEM_PERFORMER,
  STEP_IDS,
  type Actor,
  type EligibilityAnswer,
  type HistoryEntry,
  type Mark,
  type NextItemId,
  type Performer,
  type PersonRole,
  type StepId,
  type TransitionCommand,
  type TransitionError,
  type TransitionRecord,
  type TransitionResult,
} from './transition/model.js';
export {
  currentStep,
  globalAdminNames,
  isEnrolled,
  nextAction,
  nextItems,
  previousStep,
  progress,
  roleOf,
  rolesOf,
  type NextAction,
  type Progress,
  type StepState,
} from './transition/progress.js';
export { applyCommand, commandStep } from './transition/commands.js';
export { PARTNER_CENTER_ACTOR, PARTNER_CENTER_PROVIDER_ACTION, PARTNERSHIP_ITEMS, tickFromFact } from './transition/facts.js';
