/**
 * The transition checklist use cases, shared by every path that reads or changes a tenant's
 * checklist: the checklist journey (answers, Mark done, "approved" typed anywhere), the provider
 * journey (choosing a provider ticks "Find an indirect provider"), the invitations journey (the
 * role question) and the invitations use cases (an accepted partnership ticks items, in the chat or
 * on the accept page). It owns every side effect on the `transition` record; the rules themselves
 * are pure functions in `src/domain/transition.ts` (source: the transition seed,
 * `../shared/seeds/transition-direct-bill-to-indirect-reseller.en.md`, sections "Get started" to
 * "Enroll for indirect reseller incentives"; the role table of seed 003).
 *
 * Each write runs as a unit of work of the injected change log, so reminders are re-planned after
 * it whichever path made it (see `src/store/changeLog.ts`). Times come from the constructor's
 * clock (the bot's), never from the caller. No botbuilder import besides types.
 */
import {
  PARTNERSHIP_ITEMS,
  applyCommand,
  currentStep,
  isEnrolled,
  PARTNER_CENTER_ACTOR,
  PARTNER_CENTER_PROVIDER_ACTION,
  tickFromFact,
  type Actor,
  type Mark,
  type NextItemId,
  type TransitionCommand,
  type TransitionError,
  type TransitionRecord,
} from '../domain/transition.js';
import type { PartnerRole } from '../domain/roles.js';
import type { PartnerRecords } from '../invitations/partnerRecords.js';
import { inUnitOfWork, type ChangeLog } from '../store/changeLog.js';
import type { TransitionRepository } from '../store/transitionRepository.js';

/** Audit action recorded when an accepted partnership request ticks {@link PARTNERSHIP_ITEMS}. */
export const PARTNERSHIP_ACCEPTED_ACTION = 'next.partnership.accepted';

/**
 * The outcome of a checklist change: the record as stored, or the rule that refused it (an error
 * value the journey shows; nothing was written). `retried` counts eTag conflicts seen (another
 * turn of the same tenant wrote in between; the change was re-applied to the newer record).
 */
export type ChecklistUpdate = ({ ok: true; record: TransitionRecord } | { ok: false; error: TransitionError }) & { retried: number };

/**
 * {@link ChecklistService.setNextItem}'s outcome: as {@link ChecklistUpdate}, or `unchanged` when
 * the item already was in the requested state; `mark` is who ticked it and when (undefined when it
 * is open), so the journey can say "already done by Ana on 3 Dec" or "already open".
 */
export type NextItemUpdate = ChecklistUpdate | { ok: false; error: { code: 'unchanged'; mark: Mark | undefined }; retried: number };

/** {@link ChecklistService.confirmApprovedIfWaiting}'s answer, for the caller to phrase. */
export interface ApprovalByWords {
  /** The checklist was at the approval step: approval is now recorded (by the actor, now). */
  waiting: boolean;
  /** Enrollment was recorded before this call (when not `waiting`: approval was confirmed already, or enrollment is still ahead). */
  enrolled: boolean;
}

/** What {@link ChecklistService} needs. */
export interface ChecklistServiceDeps {
  transitions: TransitionRepository;
  /** The facts that tick items: a tenant's relationships and its providers' invitations. */
  partners: PartnerRecords;
  /** The bot's clock (tests pass a fixed one); stamps every change. */
  clock?: () => Date;
  /** Units of work for reminder planning (none: nothing is planned after a write). */
  changeLog?: ChangeLog;
  /**
   * `verified` in connected mode: only roles verified from Microsoft Entra ID count (every record
   * this service hands out or changes carries `roleSource: 'verified'`). Absent: manual mode, the
   * declared role counts (a stored flag is ignored).
   */
  roleSource?: 'verified';
}

/** The checklist use cases (see the module comment). */
export class ChecklistService {
  private readonly clock: () => Date;

  constructor(private readonly deps: ChecklistServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /**
   * The tenant's checklist with the items that recorded facts prove done ticked: a tenant with an
   * indirect provider (a partnership request accepted in the chat, on the accept page, or before
   * this rule existed) gets {@link PARTNERSHIP_ITEMS} ticked, credited to whoever accepted and when
   * (else to the tenant, at the date of the partnership). Cheap when nothing is missing (one read
   * when the items are ticked, two when the tenant has no provider; a write only when ticking).
   * @returns the checklist as stored now (a fresh unsaved record for a new tenant).
   */
  async get(tenantId: string): Promise<TransitionRecord> {
    const journey = await this.read(tenantId);
    if (PARTNERSHIP_ITEMS.every((i) => journey.nextItems[i])) return journey;
    const link = (await this.deps.partners.relationships.get(tenantId)).indirectProviders[0];
    if (!link) return journey;
    const invitation = (await this.deps.partners.invitations.get(link.tenantId)).invitations.find((i) => i.id === link.invitationId);
    const accepted = invitation?.accepted;
    const mark = accepted && accepted.tenantId === tenantId ? { by: accepted.by, at: accepted.at } : { by: { id: tenantId }, at: link.since };
    const result = await this.tickPartnership(tenantId, mark);
    return result.ok ? result.record : this.read(tenantId);
  }

  /**
   * The checklist exactly as stored, without ticking from facts: for reads where the
   * partnership items do not matter (a role check, the welcome card, the country preset).
   */
  async read(tenantId: string): Promise<TransitionRecord> {
    return this.withRoleSource(await this.deps.transitions.get(tenantId));
  }

  /** `record` as this mode reads it: with `roleSource` set in connected mode, without it in manual mode (a shallow copy only when it differs). */
  private withRoleSource(record: TransitionRecord): TransitionRecord {
    const source = this.deps.roleSource;
    if (record.roleSource === source) return record;
    if (source) return { ...record, roleSource: source };
    const { roleSource: _ignored, ...manual } = record;
    return manual;
  }

  /**
   * Applies one checklist command (`applyCommand` in `src/domain/transition.ts`: step order, global
   * admin steps, eligibility, details validation, the no-rollback confirmation...) by `actor` now,
   * with optimistic concurrency (re-applied on an eTag conflict).
   * @param rev the record revision the user's card or prompt was rendered from; a newer record is
   *   refused as `stale`. Omit it where no card is answered.
   * @throws the storage error when a write fails for another reason than a conflict.
   */
  apply(tenantId: string, actor: Actor, command: TransitionCommand, rev?: number): Promise<ChecklistUpdate> {
    return this.write(tenantId, (r) => applyCommand(r, command, actor, this.clock(), rev));
  }

  /**
   * Ticks (`done: true`) or reopens one what's-next item. The guard is the item's own state, not a
   * card revision: a click on an older copy of the list still does what its button says, and a
   * second click finds the item already in that state and changes nothing (`unchanged`, no write).
   * Other refusals are `applyCommand`'s (e.g. `stepNotReached` before step 8, except for
   * `findProvider`, which may be ticked at any time).
   */
  setNextItem(tenantId: string, actor: Actor, item: NextItemId, done: boolean): Promise<NextItemUpdate> {
    return this.write(tenantId, (r) =>
      Boolean(r.nextItems[item]) === done
        ? { ok: false as const, error: { code: 'unchanged' as const, mark: r.nextItems[item] } }
        : applyCommand(r, { type: 'setNextItem', item, done }, actor, this.clock()),
    );
  }

  /**
   * Records `actor`'s declared Partner Center role ("Who you are"); the role step is done from the
   * first answer on. Never refused by the rules (no revision guard: asked again wherever a role is
   * missing, e.g. by the invitations journey).
   */
  setRole(tenantId: string, actor: Actor, role: PartnerRole): Promise<ChecklistUpdate> {
    return this.apply(tenantId, actor, { type: 'setRole', role });
  }

  /**
   * Connected mode: records the roles Microsoft Entra ID proved for `actor` (strongest first,
   * possibly none) at the service's clock, replacing a declared role; the role step is done.
   * Called by `IdentityService.verify` after sign-in. Never refused.
   * @returns the record as stored.
   * @throws the storage error when the write fails for another reason than a conflict.
   */
  async recordVerifiedRoles(tenantId: string, actor: Actor, roles: PartnerRole[]): Promise<TransitionRecord> {
    const result = await this.apply(tenantId, actor, { type: 'setVerifiedRoles', roles });
    if (!result.ok) throw new Error(`setVerifiedRoles refused: ${result.error.code}`);
    return result.record;
  }

  /**
   * "approved" typed anywhere: when the checklist waits for Microsoft's approval (current step
   * `approval`), records it for `actor` now; otherwise changes nothing. The caller phrases the
   * answer from the result (e.g. "you have not enrolled yet" when neither waiting nor enrolled).
   */
  async confirmApprovedIfWaiting(tenantId: string, actor: Actor): Promise<ApprovalByWords> {
    const record = await this.deps.transitions.get(tenantId);
    if (currentStep(record) !== 'approval') return { waiting: false, enrolled: isEnrolled(record) };
    await this.apply(tenantId, actor, { type: 'confirmApproved' });
    return { waiting: true, enrolled: true };
  }

  /**
   * Ticks {@link PARTNERSHIP_ITEMS} ("Find an indirect provider", "Accept your provider's
   * partnership invitation") because a partnership request was accepted, credited to `mark` (who
   * accepted, when), whatever the checklist's step or the acceptor's role. Items already ticked
   * keep their marks; `unchanged` (no write) when both were.
   */
  tickPartnership(tenantId: string, mark: Mark): Promise<{ ok: true; record: TransitionRecord } | { ok: false; error: { code: 'unchanged' } }> {
    return this.write(tenantId, (r) => tickFromFact(r, PARTNERSHIP_ITEMS, { ...mark, action: PARTNERSHIP_ACCEPTED_ACTION }));
  }

  /**
   * Connected mode: Partner Center reports at least one indirect provider relationship for the
   * tenant (read at `readAt`), which proves {@link PARTNERSHIP_ITEMS} done; they are ticked for
   * {@link PARTNER_CENTER_ACTOR} at the read's time ("verified in Partner Center"). Items already
   * ticked keep their marks; `unchanged` (no write) when both were or there is no provider.
   */
  tickFromPartnerCenter(
    tenantId: string,
    providers: number,
    readAt: string,
  ): Promise<{ ok: true; record: TransitionRecord } | { ok: false; error: { code: 'unchanged' } }> {
    if (providers === 0) return Promise.resolve({ ok: false, error: { code: 'unchanged' } });
    return this.write(tenantId, (r) =>
      tickFromFact(r, PARTNERSHIP_ITEMS, { by: { ...PARTNER_CENTER_ACTOR }, at: readAt, action: PARTNER_CENTER_PROVIDER_ACTION }),
    );
  }

  private write<X extends { ok: true; record: TransitionRecord } | { ok: false; error: unknown }>(
    tenantId: string,
    change: (r: TransitionRecord) => X,
  ): Promise<X & { retried: number }> {
    return inUnitOfWork(this.deps.changeLog, () => this.deps.transitions.update(tenantId, (r) => change(this.withRoleSource(r))));
  }
}
