/**
 * Reading a transition record: the current step, what a given user should see next (their role
 * may block them), progress for the card, the step "back" reopens and the what's-next list.
 */
import { isGlobalAdmin, type PartnerRole } from '../roles.js';
import {
  GLOBAL_ADMIN_STEPS,
  NEXT_ITEM_IDS,
  NEXT_ITEM_PERFORMER,
  STEP_IDS,
  type Mark,
  type NextItemId,
  type Performer,
  type PersonRole,
  type StepId,
  type TransitionRecord,
} from './model.js';

/** The first step not yet done, or `undefined` when the whole checklist is done. */
export function currentStep(record: TransitionRecord): StepId | undefined {
  return STEP_IDS.find((s) => !record.done[s]);
}

/** True once enrollment is confirmed: steps up to and including `enroll` can no longer change. */
export function isEnrolled(record: TransitionRecord): boolean {
  return record.enrollment !== undefined;
}

/**
 * What the given user should see next. `view` is the step to show, possibly different from the
 * tenant's current step:
 * - `ineligible`: the tenant answered that its direct-bill enrollment is not Restricted; the
 *   existing-tenant road is closed (show the new-tenant road).
 * - `needsRole`: the step needs a global admin and this user has not said who they are (connected
 *   mode: has not signed in, so no role is verified).
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
    const roles = rolesOf(record, userId);
    if (!roles) return { kind: 'needsRole', step };
    if (!roles.some(isGlobalAdmin)) return { kind: 'needsGlobalAdmin', step, globalAdmins: globalAdminNames(record) };
  }
  return { kind: 'step', step };
}

/** Display names of the tenant's global admins (declared, or verified in connected mode); unnamed ones are left out. */
export function globalAdminNames(record: TransitionRecord): string[] {
  return Object.values(record.people)
    .filter((p) => personRoles(record, p)?.some(isGlobalAdmin))
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

/**
 * The roles that count for `userId`, or `undefined` when none is known yet (the user has not said
 * who they are; connected mode: has not signed in). Manual mode: the declared role, alone.
 * Connected mode (`record.roleSource === 'verified'`): only the roles Microsoft Entra ID proved at
 * sign-in, possibly none (`[]`); a role declared before the tenant was connected is ignored.
 */
export function rolesOf(record: TransitionRecord, userId: string): readonly PartnerRole[] | undefined {
  const person = record.people[userId];
  return person ? personRoles(record, person) : undefined;
}

function personRoles(record: TransitionRecord, person: PersonRole): readonly PartnerRole[] | undefined {
  if (person.verified) return person.verified.roles;
  if (record.roleSource === 'verified') return undefined;
  return [person.role];
}

/** The strongest role that counts for this user ({@link rolesOf}), if any. */
export function roleOf(record: TransitionRecord, userId: string): PartnerRole | undefined {
  return rolesOf(record, userId)?.[0];
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
