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
 */
import { addBusinessDaysUtc, addCalendarDaysUtc, type IsoDate } from './businessDays.js';
import { validateEnrollmentDetails, type EnrollmentDetails, type FieldError } from './enrollmentDetails.js';
import { isGlobalAdmin, type PartnerRole } from './roles.js';

/** The eight checklist steps, in order. */
export const STEP_IDS = ['prepare', 'role', 'eligibility', 'details', 'enroll', 'approval', 'agreement', 'next'] as const;
export type StepId = (typeof STEP_IDS)[number];

/**
 * The tracked "what's next" items after the agreement is accepted (transition seed, from
 * "While you transition" to "Enroll for indirect reseller incentives").
 */
export const NEXT_ITEM_IDS = [
  'serveDirect',
  'findProvider',
  'acceptPartnership',
  'acquireCustomers',
  'moveDirectCustomers',
  'identifyCustomers',
  'incentives',
] as const;
export type NextItemId = (typeof NEXT_ITEM_IDS)[number];

/** Who must do a step or item in Partner Center. */
export type Performer = 'anyone' | 'globalAdmin';

/**
 * Steps that only the global admin of the direct bill tenant may complete (transition seed,
 * "Get started" step 2: sign in as global admin, review details, Enroll now, accept the agreement).
 */
export const GLOBAL_ADMIN_STEPS: ReadonlySet<StepId> = new Set<StepId>(['details', 'enroll', 'agreement']);

/**
 * What's-next items that can be ticked before the checklist reaches step 8: partners often pick
 * their indirect provider while enrollment is still pending (the provider discovery journey ticks it).
 */
export const ANY_TIME_ITEMS: ReadonlySet<NextItemId> = new Set<NextItemId>(['findProvider']);

/** Who does each what's-next item (seed 003 role table: only a global admin accepts a provider's partnership request). */
export const NEXT_ITEM_PERFORMER: Record<NextItemId, Performer> = {
  serveDirect: 'anyone',
  findProvider: 'anyone',
  acceptPartnership: 'globalAdmin',
  acquireCustomers: 'anyone',
  moveDirectCustomers: 'anyone',
  identifyCustomers: 'anyone',
  incentives: 'anyone',
};

/** Approval "is usually immediate, but can take up to five business days" (transition seed, Get started step 5). */
export const APPROVAL_BUSINESS_DAYS = 5;
/** The indirect reseller incentives invitation arrives "within 30 days" (calendar days; seed, Enroll for incentives). */
export const INCENTIVES_INVITATION_DAYS = 30;

/** The user acting in a turn: a stable id (AAD object id in Teams, channel user id elsewhere) and display name. */
export interface Actor {
  id: string;
  name?: string;
}

/** Who did something and when (ISO 8601 instant, UTC). */
export interface Mark {
  by: Actor;
  at: string;
}

/** One line of the tenant's audit trail. `action` is a stable code such as `details.submitted`. */
export interface HistoryEntry extends Mark {
  action: string;
}

/** Answer to the eligibility question: is the direct-bill enrollment in Restricted status? */
export type EligibilityAnswer = 'restricted' | 'notRestricted';

/**
 * A tenant's whole transition journey, stored once per tenant so every admin of the tenant sees the
 * same progress. `revision` increases by one on every change; cards carry the revision they were
 * rendered from, so an old or double-clicked card is recognized and refused.
 */
export interface TransitionRecord {
  schemaVersion: 1;
  tenantId: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** Steps completed for the tenant, with who and when. `next` is done when every item is done. */
  done: Partial<Record<StepId, Mark>>;
  /** Declared Partner Center role of each user who answered "Who you are", by user id. */
  people: Record<string, { name?: string; role: PartnerRole; at: string }>;
  eligibility?: Mark & { answer: EligibilityAnswer };
  details?: Mark & EnrollmentDetails;
  /** Set when the global admin confirmed they selected Enroll now. Irreversible (no rollback). */
  enrollment?: Mark & { expectedApprovalBy: IsoDate; incentivesInvitationBy: IsoDate };
  /** Last time someone chose "not now" at the enrollment step. */
  enrollmentDeclined?: Mark;
  nextItems: Partial<Record<NextItemId, Mark>>;
  /** Newest last; at most {@link HISTORY_LIMIT} entries. */
  history: HistoryEntry[];
}

/** Maximum audit entries kept per tenant. */
export const HISTORY_LIMIT = 200;

/** A request to change the record, from a card submit or typed words. */
export type TransitionCommand =
  | { type: 'confirmPrepared' }
  | { type: 'setRole'; role: PartnerRole }
  | { type: 'answerEligibility'; answer: EligibilityAnswer }
  | { type: 'recheckEligibility' }
  | { type: 'submitDetails'; details: Partial<Record<keyof EnrollmentDetails, unknown>> }
  | { type: 'confirmEnrollment'; understood: boolean }
  | { type: 'declineEnrollment' }
  | { type: 'confirmApproved' }
  | { type: 'confirmAgreement' }
  | { type: 'setNextItem'; item: NextItemId; done: boolean }
  | { type: 'startOver' };

/** Why a command was refused. `code` is a locale key under `errors.`. */
export type TransitionError =
  | { code: 'stale'; expected: number; actual: number }
  | { code: 'globalAdminRequired'; step: StepId }
  | { code: 'stepNotReached'; step: StepId; current: StepId }
  | { code: 'stepLocked'; step: StepId }
  | { code: 'notEligible' }
  | { code: 'invalidDetails'; errors: FieldError[] }
  | { code: 'mustConfirmNoRollback' }
  | { code: 'cannotStartOverAfterEnrollment' };

export type TransitionResult = { ok: true; record: TransitionRecord } | { ok: false; error: TransitionError };

/** Creates an empty journey for `tenantId` at `now`. */
export function newTransitionRecord(tenantId: string, now: Date): TransitionRecord {
  const at = now.toISOString();
  return { schemaVersion: 1, tenantId, revision: 0, createdAt: at, updatedAt: at, done: {}, people: {}, nextItems: {}, history: [] };
}

/** The first step not yet done, or `undefined` when the whole checklist is done. */
export function currentStep(record: TransitionRecord): StepId | undefined {
  return STEP_IDS.find((s) => !record.done[s]);
}

/** True once enrollment is confirmed: steps up to and including `enroll` can no longer change. */
export function isEnrolled(record: TransitionRecord): boolean {
  return record.enrollment !== undefined;
}

/** The step this command changes. */
export function commandStep(command: TransitionCommand): StepId | undefined {
  switch (command.type) {
    case 'confirmPrepared':
      return 'prepare';
    case 'setRole':
      return 'role';
    case 'answerEligibility':
    case 'recheckEligibility':
      return 'eligibility';
    case 'submitDetails':
      return 'details';
    case 'confirmEnrollment':
    case 'declineEnrollment':
      return 'enroll';
    case 'confirmApproved':
      return 'approval';
    case 'confirmAgreement':
      return 'agreement';
    case 'setNextItem':
      return 'next';
    case 'startOver':
      return undefined;
  }
}

/**
 * What the given user should see next. `view` is the step to show, possibly different from the
 * tenant's current step:
 * - `ineligible`: the tenant answered that its direct-bill enrollment is not Restricted; the
 *   existing-tenant road is closed (show the new-tenant road).
 * - `needsRole`: the step needs a global admin and this user has not said who they are.
 * - `needsGlobalAdmin`: the step needs a global admin and this user is not one; `globalAdmins` lists
 *   the tenant's known global admins so the user knows whom to ask.
 */
export type NextAction =
  | { kind: 'step'; step: StepId }
  | { kind: 'ineligible' }
  | { kind: 'needsRole'; step: StepId }
  | { kind: 'needsGlobalAdmin'; step: StepId; globalAdmins: string[] }
  | { kind: 'complete' };

/** Decides {@link NextAction} for user `userId` on `record`. */
export function nextAction(record: TransitionRecord, userId: string): NextAction {
  const step = currentStep(record);
  if (!step) return { kind: 'complete' };
  if (step === 'eligibility' && record.eligibility?.answer === 'notRestricted') return { kind: 'ineligible' };
  if (GLOBAL_ADMIN_STEPS.has(step)) {
    const role = record.people[userId]?.role;
    if (!role) return { kind: 'needsRole', step };
    if (!isGlobalAdmin(role)) return { kind: 'needsGlobalAdmin', step, globalAdmins: globalAdminNames(record) };
  }
  return { kind: 'step', step };
}

/** Display names (or "someone") of users who declared themselves global admin of this tenant. */
export function globalAdminNames(record: TransitionRecord): string[] {
  return Object.values(record.people)
    .filter((p) => isGlobalAdmin(p.role))
    .map((p) => p.name ?? '')
    .filter((n) => n.length > 0);
}

/** Per-step state for the progress card. `blocked`: waiting on eligibility or on a global admin. */
export type StepState = 'done' | 'current' | 'upcoming' | 'blocked';

/** Progress as shown on the progress card; `percent` is whole steps done out of 8, 0-100. */
export interface Progress {
  steps: Array<{ id: StepId; state: StepState; mark?: Mark }>;
  doneCount: number;
  total: number;
  percent: number;
  current?: StepId;
}

/** Computes {@link Progress} for `userId` (blocked when this user cannot act on the current step). */
export function progress(record: TransitionRecord, userId: string): Progress {
  const current = currentStep(record);
  const action = nextAction(record, userId);
  const blocked = action.kind === 'ineligible' || action.kind === 'needsGlobalAdmin';
  const steps = STEP_IDS.map((id) => {
    const mark = record.done[id];
    const state: StepState = mark ? 'done' : id === current ? (blocked ? 'blocked' : 'current') : 'upcoming';
    return { id, state, ...(mark ? { mark } : {}) };
  });
  const doneCount = steps.filter((s) => s.state === 'done').length;
  return { steps, doneCount, total: STEP_IDS.length, percent: Math.round((doneCount / STEP_IDS.length) * 100), current };
}

/** The role this user declared, if any. */
export function roleOf(record: TransitionRecord, userId: string): PartnerRole | undefined {
  return record.people[userId]?.role;
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
 */
export function applyCommand(
  record: TransitionRecord,
  command: TransitionCommand,
  actor: Actor,
  now: Date,
  expectedRevision?: number,
): TransitionResult {
  if (expectedRevision !== undefined && expectedRevision !== record.revision) {
    return { ok: false, error: { code: 'stale', expected: expectedRevision, actual: record.revision } };
  }
  const step = commandStep(command);
  if (command.type === 'setRole') {
    const r: TransitionRecord = structuredClone(record);
    const at = now.toISOString();
    r.people[actor.id] = { ...(actor.name ? { name: actor.name } : {}), role: command.role, at };
    r.done.role ??= { by: actor, at };
    return ok(r, actor, now, `role.${command.role}`);
  }
  if (command.type === 'startOver') {
    if (isEnrolled(record)) return { ok: false, error: { code: 'cannotStartOverAfterEnrollment' } };
    const fresh = newTransitionRecord(record.tenantId, now);
    return ok(
      { ...fresh, createdAt: record.createdAt, revision: record.revision, history: record.history },
      actor,
      now,
      'journey.startedOver',
    );
  }
  if (!step) throw new Error('unreachable');

  const current = currentStep(record);
  const currentIndex = current ? STEP_IDS.indexOf(current) : STEP_IDS.length;
  const stepIndex = STEP_IDS.indexOf(step);
  const anyTime = command.type === 'setNextItem' && ANY_TIME_ITEMS.has(command.item);
  if (stepIndex > currentIndex && !anyTime) return { ok: false, error: { code: 'stepNotReached', step, current: current ?? 'next' } };
  if (isEnrolled(record) && stepIndex <= STEP_IDS.indexOf('enroll')) return { ok: false, error: { code: 'stepLocked', step } };
  if (GLOBAL_ADMIN_STEPS.has(step) && !isGlobalAdmin(roleOf(record, actor.id))) {
    return { ok: false, error: { code: 'globalAdminRequired', step } };
  }
  if (stepIndex > STEP_IDS.indexOf('eligibility') && record.eligibility?.answer === 'notRestricted' && !anyTime) {
    return { ok: false, error: { code: 'notEligible' } };
  }

  const mark: Mark = { by: actor, at: now.toISOString() };
  const r: TransitionRecord = structuredClone(record);
  switch (command.type) {
    case 'confirmPrepared':
      r.done.prepare = mark;
      return ok(r, actor, now, 'prepare.confirmed');
    case 'answerEligibility':
      r.eligibility = { ...mark, answer: command.answer };
      if (command.answer === 'restricted') r.done.eligibility = mark;
      else delete r.done.eligibility;
      return ok(r, actor, now, `eligibility.${command.answer}`);
    case 'recheckEligibility':
      delete r.eligibility;
      delete r.done.eligibility;
      return ok(r, actor, now, 'eligibility.recheck');
    case 'submitDetails': {
      const v = validateEnrollmentDetails(command.details);
      if (!v.ok) return { ok: false, error: { code: 'invalidDetails', errors: v.errors } };
      r.details = { ...mark, ...v.value };
      r.done.details = mark;
      return ok(r, actor, now, 'details.submitted');
    }
    case 'confirmEnrollment':
      if (!command.understood) return { ok: false, error: { code: 'mustConfirmNoRollback' } };
      r.enrollment = {
        ...mark,
        expectedApprovalBy: addBusinessDaysUtc(now, APPROVAL_BUSINESS_DAYS),
        incentivesInvitationBy: addCalendarDaysUtc(now, INCENTIVES_INVITATION_DAYS),
      };
      delete r.enrollmentDeclined;
      r.done.enroll = mark;
      return ok(r, actor, now, 'enroll.confirmed');
    case 'declineEnrollment':
      r.enrollmentDeclined = mark;
      return ok(r, actor, now, 'enroll.declined');
    case 'confirmApproved':
      r.done.approval = mark;
      return ok(r, actor, now, 'approval.confirmed');
    case 'confirmAgreement':
      r.done.agreement = mark;
      return ok(r, actor, now, 'agreement.accepted');
    case 'setNextItem':
      if (command.done) r.nextItems[command.item] = mark;
      else delete r.nextItems[command.item];
      if (NEXT_ITEM_IDS.every((i) => r.nextItems[i])) r.done.next = mark;
      else delete r.done.next;
      return ok(r, actor, now, `next.${command.item}.${command.done ? 'done' : 'reopened'}`);
  }
}

function ok(r: TransitionRecord, actor: Actor, now: Date, action: string): TransitionResult {
  r.revision += 1;
  r.updatedAt = now.toISOString();
  r.history = [...r.history, { by: actor, at: now.toISOString(), action }].slice(-HISTORY_LIMIT);
  return { ok: true, record: r };
}

/** What's-next items an accepted partnership request proves done (transition seed, "Find an indirect provider", "Accept a partnership invitation"). */
export const PARTNERSHIP_ITEMS: readonly NextItemId[] = ['findProvider', 'acceptPartnership'];

/**
 * Ticks what's-next `items` because a recorded fact shows they are done, e.g. a partnership request
 * accepted in the chat or on the accept page ticks {@link PARTNERSHIP_ITEMS}: the tick follows the
 * fact, whichever path recorded it. Unlike {@link applyCommand} it ignores the checklist's step and
 * the viewer's role (the fact already happened), credits `fact.by` at `fact.at`, and keeps items
 * already ticked as they are.
 * @param fact who did it and when (ISO instant), and the audit action code, e.g. `next.partnership.accepted`
 * @returns the new record (revision + 1), or `unchanged` when every item was already ticked
 *   (nothing to write).
 */
export function tickFromFact(
  record: TransitionRecord,
  items: readonly NextItemId[],
  fact: Mark & { action: string },
): { ok: true; record: TransitionRecord } | { ok: false; error: { code: 'unchanged' } } {
  const missing = items.filter((i) => !record.nextItems[i]);
  if (missing.length === 0) return { ok: false, error: { code: 'unchanged' } };
  const r: TransitionRecord = structuredClone(record);
  const mark: Mark = { by: fact.by, at: fact.at };
  for (const item of missing) r.nextItems[item] = mark;
  if (NEXT_ITEM_IDS.every((i) => r.nextItems[i]) && STEP_IDS.slice(0, -1).every((s) => r.done[s])) r.done.next = mark;
  r.revision += 1;
  r.updatedAt = fact.at;
  r.history = [...r.history, { ...mark, action: fact.action }].slice(-HISTORY_LIMIT);
  return { ok: true, record: r };
}

/**
 * The step before `step` that the user may reopen with "back", or why not:
 * `atStart` on the first step, `locked` when it is at or before `enroll` after enrollment.
 */
export function previousStep(record: TransitionRecord, step: StepId): { ok: true; step: StepId } | { ok: false; reason: 'atStart' | 'locked' } {
  const i = STEP_IDS.indexOf(step);
  if (i <= 0) return { ok: false, reason: 'atStart' };
  const prev = STEP_IDS[i - 1]!;
  if (isEnrolled(record) && STEP_IDS.indexOf(prev) <= STEP_IDS.indexOf('enroll')) return { ok: false, reason: 'locked' };
  return { ok: true, step: prev };
}

/** The what's-next list with done marks, for the tracked list card. */
export function nextItems(record: TransitionRecord): Array<{ id: NextItemId; performer: Performer; mark?: Mark }> {
  return NEXT_ITEM_IDS.map((id) => ({ id, performer: NEXT_ITEM_PERFORMER[id], ...(record.nextItems[id] ? { mark: record.nextItems[id] } : {}) }));
}
