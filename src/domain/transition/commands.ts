/**
 * Changing a transition record with a {@link TransitionCommand}: one handler per command type in
 * a typed map, the shared step rules (reached, locked after enrollment, global admin, eligibility)
 * applied before every step command, and the audit trail appended on success.
 */
import { addBusinessDaysUtc, addCalendarDaysUtc } from '../businessDays.js';
import { validateEnrollmentDetails } from '../enrollmentDetails.js';
import { isGlobalAdmin } from '../roles.js';
import {
  ANY_TIME_ITEMS,
  APPROVAL_BUSINESS_DAYS,
  GLOBAL_ADMIN_STEPS,
  HISTORY_LIMIT,
  INCENTIVES_INVITATION_DAYS,
  NEXT_ITEM_IDS,
  newTransitionRecord,
  STEP_IDS,
  type Actor,
  type Mark,
  type StepId,
  type TransitionCommand,
  type TransitionError,
  type TransitionRecord,
  type TransitionResult,
} from './model.js';
import { currentStep, isEnrolled, rolesOf } from './progress.js';

/** A command's `type`. */
type CommandType = TransitionCommand['type'];

/** The command whose `type` is `T`. */
type CommandOf<T extends CommandType> = Extract<TransitionCommand, { type: T }>;

/** The step each command changes; `startOver` changes the whole journey, not one step. */
const COMMAND_STEPS: { readonly [T in CommandType]: StepId | undefined } = {
  confirmPrepared: 'prepare',
  setRole: 'role',
  setVerifiedRoles: 'role',
  answerEligibility: 'eligibility',
  recheckEligibility: 'eligibility',
  submitDetails: 'details',
  confirmEnrollment: 'enroll',
  declineEnrollment: 'enroll',
  confirmApproved: 'approval',
  confirmAgreement: 'agreement',
  setNextItem: 'next',
  startOver: undefined,
};

/** The step this command changes (`undefined` for `startOver`). */
export function commandStep(command: TransitionCommand): StepId | undefined {
  return COMMAND_STEPS[command.type];
}

/**
 * Applies `command` by `actor` at `now`. Returns a new record (the input is not mutated) with
 * `revision + 1`, or the reason it was refused. Rules:
 * - A step can be (re)answered only once reached (it is the current step or an earlier one);
 *   {@link ANY_TIME_ITEMS} can be ticked at any time. A user may declare or change their own role
 *   at any time, even after enrollment (a second admin joins later; other journeys ask for it).
 * - After enrollment, `prepare` ... `enroll` are locked: there is no rollback (transition seed,
 *   Get started, Important note).
 * - `details`, `enroll` and `agreement` need a global admin ({@link GLOBAL_ADMIN_STEPS}).
 * - With eligibility answered `notRestricted`, the existing-tenant road stops before `details`
 *   (current rule, checked 2026-11: reusing the direct bill tenant requires its direct-bill enrollment
 *   to be in Restricted status; the 2018 article said "identified for direct bill offboarding").
 * - Enrollment needs `understood: true` (explicit confirmation of no rollback).
 * - With `expectedRevision` (the revision the user's card or prompt was rendered from), a record
 *   that has changed since is refused as `stale`: an old or double-clicked card never replays.
 * @throws Error for a command `type` that is not a {@link TransitionCommand} (a programming error)
 */
export function applyCommand(record: TransitionRecord, command: TransitionCommand, actor: Actor, now: Date, expectedRevision?: number): TransitionResult {
  if (expectedRevision !== undefined && expectedRevision !== record.revision) {
    return { ok: false, error: { code: 'stale', expected: expectedRevision, actual: record.revision } };
  }
  if (!Object.hasOwn(COMMAND_HANDLERS, command.type)) throw new Error(`unknown transition command ${JSON.stringify(command.type)}`);
  // Each entry takes its own command type; `command.type` picked the entry, so the cast holds.
  const handler = COMMAND_HANDLERS[command.type] as CommandHandler<TransitionCommand>;
  return handler(record, command, actor, now);
}

/** Applies one command type to `record` (not mutated) by `actor` at `now`: the new record, or the refusal. */
type CommandHandler<C extends TransitionCommand> = (record: TransitionRecord, command: C, actor: Actor, now: Date) => TransitionResult;

/**
 * The change one step command makes: edits `r` (a copy of the record that passed the step rules)
 * using `mark` (actor, now) and returns the audit action code, or the refusal.
 */
type StepEdit<C extends TransitionCommand> = (r: TransitionRecord, command: C, mark: Mark, now: Date) => string | TransitionError;

/** A handler that applies the step rules ({@link stepRefusal}), then `edit` on a copy, then records the action ({@link ok}). */
function stepCommand<C extends TransitionCommand>(edit: StepEdit<C>): CommandHandler<C> {
  return (record, command, actor, now) => {
    const refusal = stepRefusal(record, command, actor);
    if (refusal) return { ok: false, error: refusal };
    const mark: Mark = { by: actor, at: now.toISOString() };
    const r: TransitionRecord = structuredClone(record);
    const result = edit(r, command, mark, now);
    return typeof result === 'string' ? ok(r, actor, now, result) : { ok: false, error: result };
  };
}

/**
 * Why `actor` may not change the step `command` changes now, or `undefined`: the step is not
 * reached yet (unless an {@link ANY_TIME_ITEMS} item), it is locked after enrollment, it needs a
 * global admin, or eligibility was answered `notRestricted` and the step lies beyond it.
 */
function stepRefusal(record: TransitionRecord, command: TransitionCommand, actor: Actor): TransitionError | undefined {
  const step = commandStep(command);
  if (!step) throw new Error('unreachable');
  const current = currentStep(record);
  const currentIndex = current ? STEP_IDS.indexOf(current) : STEP_IDS.length;
  const stepIndex = STEP_IDS.indexOf(step);
  const anyTime = command.type === 'setNextItem' && ANY_TIME_ITEMS.has(command.item);
  if (stepIndex > currentIndex && !anyTime) return { code: 'stepNotReached', step, current: current ?? 'next' };
  if (isEnrolled(record) && stepIndex <= STEP_IDS.indexOf('enroll')) return { code: 'stepLocked', step };
  if (GLOBAL_ADMIN_STEPS.has(step) && !rolesOf(record, actor.id)?.some(isGlobalAdmin)) return { code: 'globalAdminRequired', step };
  if (stepIndex > STEP_IDS.indexOf('eligibility') && record.eligibility?.answer === 'notRestricted' && !anyTime) return { code: 'notEligible' };
  return undefined;
}

/** One handler per command type. `setRole`, `setVerifiedRoles` and `startOver` skip the step rules; every other command passes them first. */
const COMMAND_HANDLERS: { readonly [T in CommandType]: CommandHandler<CommandOf<T>> } = {
  // A user may declare or change their own role at any time, even after enrollment.
  // Connected mode: roles come from Microsoft Entra ID only, so a declared one is refused.
  setRole: (record, command, actor, now) => {
    if (record.roleSource === 'verified') return { ok: false, error: { code: 'rolesVerified' } };
    const r: TransitionRecord = structuredClone(record);
    const at = now.toISOString();
    r.people[actor.id] = { ...(actor.name ? { name: actor.name } : {}), role: command.role, at };
    r.done.role ??= { by: actor, at };
    return ok(r, actor, now, `role.${command.role}`);
  },
  // Connected mode, at sign-in: the roles Microsoft Entra ID proved replace whatever was there.
  setVerifiedRoles: (record, command, actor, now) => {
    const r: TransitionRecord = structuredClone(record);
    const at = now.toISOString();
    const roles = [...command.roles];
    r.people[actor.id] = { ...(actor.name ? { name: actor.name } : {}), role: roles[0] ?? 'notSure', at, verified: { roles, at } };
    r.done.role ??= { by: actor, at };
    return ok(r, actor, now, `role.verified.${roles.join('+') || 'none'}`);
  },
  startOver: (record, _command, actor, now) => {
    if (isEnrolled(record)) return { ok: false, error: { code: 'cannotStartOverAfterEnrollment' } };
    const fresh = newTransitionRecord(record.tenantId, now);
    return ok({ ...fresh, createdAt: record.createdAt, revision: record.revision, history: record.history }, actor, now, 'journey.startedOver');
  },
  confirmPrepared: stepCommand((r, _command, mark) => {
    r.done.prepare = mark;
    return 'prepare.confirmed';
  }),
  answerEligibility: stepCommand((r, command, mark) => {
    r.eligibility = { ...mark, answer: command.answer };
    if (command.answer === 'restricted') r.done.eligibility = mark;
    else delete r.done.eligibility;
    return `eligibility.${command.answer}`;
  }),
  recheckEligibility: stepCommand((r) => {
    delete r.eligibility;
    delete r.done.eligibility;
    return 'eligibility.recheck';
  }),
  submitDetails: stepCommand((r, command, mark) => {
    const v = validateEnrollmentDetails(command.details);
    if (!v.ok) return { code: 'invalidDetails', errors: v.errors };
    r.details = { ...mark, ...v.value };
    r.done.details = mark;
    return 'details.submitted';
  }),
  confirmEnrollment: stepCommand((r, command, mark, now) => {
    if (!command.understood) return { code: 'mustConfirmNoRollback' };
    r.enrollment = {
      ...mark,
      expectedApprovalBy: addBusinessDaysUtc(now, APPROVAL_BUSINESS_DAYS),
      incentivesInvitationBy: addCalendarDaysUtc(now, INCENTIVES_INVITATION_DAYS),
    };
    delete r.enrollmentDeclined;
    r.done.enroll = mark;
    return 'enroll.confirmed';
  }),
  declineEnrollment: stepCommand((r, _command, mark) => {
    r.enrollmentDeclined = mark;
    return 'enroll.declined';
  }),
  confirmApproved: stepCommand((r, _command, mark) => {
    r.done.approval = mark;
    return 'approval.confirmed';
  }),
  confirmAgreement: stepCommand((r, _command, mark) => {
    r.done.agreement = mark;
    return 'agreement.accepted';
  }),
  setNextItem: stepCommand((r, command, mark) => {
    if (command.done) r.nextItems[command.item] = mark;
    else delete r.nextItems[command.item];
    if (NEXT_ITEM_IDS.every((i) => r.nextItems[i])) r.done.next = mark;
    else delete r.done.next;
    return `next.${command.item}.${command.done ? 'done' : 'reopened'}`;
  }),
};

/** Records `action` on `r` (mutated): revision + 1, `updatedAt` = now, one history entry (the last {@link HISTORY_LIMIT} kept). */
function ok(r: TransitionRecord, actor: Actor, now: Date, action: string): TransitionResult {
  r.revision += 1;
  r.updatedAt = now.toISOString();
  r.history = [...r.history, { by: actor, at: now.toISOString(), action }].slice(-HISTORY_LIMIT);
  return { ok: true, record: r };
}
