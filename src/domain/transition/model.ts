/**
 * The shapes of the transition journey: the eight checklist steps and the tracked what's-next
 * items (transition seed, transition-direct-bill-to-indirect-reseller.en.md), who does them, the
 * tenant's record with its audit trail, the commands that change it and why one is refused.
 */
import type { IsoDate } from '../businessDays.js';
import type { EnrollmentDetails, FieldError } from '../enrollmentDetails.js';
import type { PartnerRole } from '../roles.js';

/** The eight checklist steps, in order. */
export const STEP_IDS = ['prepare', 'role', 'eligibility', 'details', 'enroll', 'approval', 'agreement', 'next'] as const;
/** One of {@link STEP_IDS}. */
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
/** One of {@link NEXT_ITEM_IDS}. */
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
 * One user's Partner Center role in the tenant.
 * - `role`: what counts in manual mode (the declared answer), or the strongest verified role
 *   (`notSure` when Microsoft Entra ID showed none).
 * - `verified`: set in connected mode when the user signed in: the roles Microsoft Entra ID proved
 *   (directory role and Partner Center agent groups, `src/identity/graphRoles.ts`), strongest first,
 *   and when they were read (ISO time).
 */
export interface PersonRole {
  name?: string;
  role: PartnerRole;
  at: string;
  verified?: { roles: PartnerRole[]; at: string };
}

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
  /** Partner Center role of each user, by user id: declared ("Who you are") or verified from Microsoft Entra ID (connected mode). */
  people: Record<string, PersonRole>;
  /**
   * Where roles come from for this read. `verified` (connected mode; set by `ChecklistService` on
   * every read, never trusted from storage): only roles verified from Microsoft Entra ID count and
   * a declared role is ignored. Absent: manual mode, the declared role counts.
   */
  roleSource?: 'verified';
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
  | { type: 'setVerifiedRoles'; roles: PartnerRole[] }
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
  | { code: 'cannotStartOverAfterEnrollment' }
  | { code: 'rolesVerified' };

/** The new record (revision + 1), or why the command was refused. */
export type TransitionResult = { ok: true; record: TransitionRecord } | { ok: false; error: TransitionError };

/** Creates an empty journey for `tenantId` at `now`. */
export function newTransitionRecord(tenantId: string, now: Date): TransitionRecord {
  const at = now.toISOString();
  return { schemaVersion: 1, tenantId, revision: 0, createdAt: at, updatedAt: at, done: {}, people: {}, nextItems: {}, history: [] };
}
