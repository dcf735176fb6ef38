/**
 * The use cases the journeys call (every side effect lives behind these): the composition root
 * passes one object with them to `MainDialog`. Chat handlers and HTTP pages call the same services.
 */
import type { ProviderChoiceCommand, ProviderChoiceRecord, ProviderChoiceError } from '../src/domain/providerChoice.js';
import type { Priority, ProviderDirectory } from '../src/domain/providers.js';
import type { PartnerRole } from '../src/domain/roles.js';
import type { Actor, Mark, NextItemId, TransitionCommand, TransitionError, TransitionRecord } from '../src/domain/transition.js';
import type { CustomerService } from '../src/customers/customerService.js';
import type { InvitationService } from '../src/invitations/invitationService.js';
import type { ReminderService } from '../src/reminders/reminderService.js';

/** A change's outcome: the record as written, or why nothing changed. */
export type ChangeResult<R, E> = { ok: true; record: R } | { ok: false; error: E };

/** The transition checklist use cases (source: transition seed, every section). */
export interface ChecklistOperations {
  /** The tenant's checklist, with items ticked from facts other journeys recorded (an accepted partnership). */
  get(tenantId: string): Promise<TransitionRecord>;
  /** Applies `command` as `actor`; `rev` is the revision the user's card showed (stale cards are refused). */
  apply(tenantId: string, actor: Actor, command: TransitionCommand, rev?: number): Promise<ChangeResult<TransitionRecord, TransitionError>>;
  /** Ticks or reopens a what's-next item; `unchanged` (with the item's mark) when it already is in that state. */
  setNextItem(tenantId: string, actor: Actor, item: NextItemId, done: boolean): Promise<ChangeResult<TransitionRecord, TransitionError | { code: 'unchanged'; mark?: Mark }>>;
  /** Records `actor`'s role (Partner Center role, self-declared in manual mode). */
  setRole(tenantId: string, actor: Actor, role: PartnerRole): Promise<ChangeResult<TransitionRecord, TransitionError>>;
  /** "It's approved" typed anywhere: confirms when the checklist waits for approval. */
  confirmApprovedIfWaiting(tenantId: string, actor: Actor): Promise<{ confirmed: boolean; enrolled: boolean }>;
}

/** Provider discovery use cases (source: transition seed "Find an indirect provider"). */
export interface ProviderOperations {
  readonly directory: ProviderDirectory;
  /** The tenant's shortlist, contacts and choice. */
  choice(tenantId: string): Promise<ProviderChoiceRecord>;
  /** Records a search (country/region and priorities) as the tenant's last one. */
  search(tenantId: string, actor: Actor, country: string, priorities: Priority[]): Promise<ProviderChoiceRecord>;
  /**
   * Shortlists, marks contacted or chooses a provider; choosing also ticks "Find an indirect
   * provider" in the checklist (`ticked` says whether it could).
   */
  apply(tenantId: string, actor: Actor, command: ProviderChoiceCommand, rev?: number): Promise<ChangeResult<ProviderChoiceRecord, ProviderChoiceError> & { ticked?: boolean }>;
}

/** Everything the journeys call. */
export interface JourneyServices {
  checklist: ChecklistOperations;
  providers: ProviderOperations;
  invitations: InvitationService;
  customers: CustomerService;
  /** Absent in tests that run without the reminder scheduler. */
  reminders?: ReminderService;
}
