/**
 * Proactive reminders over any botbuilder `Storage`, safe with several instances on one store.
 *
 * - **Planning.** After a change to a tenant's transition or invitation record, the wanted
 *   reminders are recomputed from that record (pure rules in `src/domain/reminders.ts`) and the
 *   tenant's reminder record (`tenants/<tenantId>/reminders`) is brought in line. After a bot turn
 *   ({@link ReminderService.afterTurn}, once per turn) new reminders go to the turn's conversation,
 *   in the user's language, and that target is remembered as the tenant's last known one
 *   (`tenants/<tenantId>/reminderTarget`). After a write no turn watched (an accept page, or a
 *   turn's write to another tenant; {@link ReminderService.afterWrites}, called by the change
 *   log's units of work) new reminders go to the tenant's last known target; a tenant with none
 *   (it never planned a reminder in a chat) gets no new reminder, but reminders the change made
 *   unwanted are still made obsolete and moved ones re-dated (that needs no target).
 * - **Finding due work.** One deployment-wide item, `reminders/schedule`, maps each tenant with open
 *   reminders to when it must next be looked at, tagged with the reminder record's revision. An
 *   entry is replaced only by one computed from a newer revision, so two instances writing it in
 *   either order keep the newest answer.
 * - **Exactly once.** A due reminder is claimed by writing the tenant's record with its eTag
 *   (status `sending`, claim holder, lease until). Of two instances claiming at once, the second
 *   write conflicts, re-reads, sees the claim and leaves the reminder alone. Before sending, the
 *   facts are checked again (approved meanwhile? accepted on the web page?) and a reminder no longer
 *   wanted is marked obsolete instead. An instance that stops between claiming and recording the
 *   outcome leaves a lapsed claim, which another instance takes over after `CLAIM_LEASE_MS`.
 * - **Failures** are classified (`./deliveryErrors.ts`): permanent ones (bot removed or blocked,
 *   chat gone) end the reminder as `failed` at once; transient ones (429, 5xx, network) are retried
 *   after a back-off honouring `Retry-After`, `failed` once `MAX_DELIVERY_ATTEMPTS` were made. The
 *   reason stays on the reminder for the list, which can send it elsewhere ({@link ReminderService.sendHere}).
 * - **Ticks.** {@link ReminderService.start} checks every `intervalMs`; tests call
 *   {@link ReminderService.tick} with a fake clock.
 */
import { randomBytes } from 'node:crypto';
import { PeriodicCheck } from '../app/periodicCheck.js';
import type { InvitationRecord } from '../domain/invitations.js';
import {
  REMINDER_SOURCE,
  mayHaveReminders,
  cancelReminder,
  claimDueReminders,
  finishDelivery,
  newReminderRecord,
  nextCheckAt,
  reconcileReminders,
  reminderId,
  restoreReminder,
  wantedFrom,
  type DeliveryOutcome,
  type Reminder,
  type ReminderRecord,
  type ReminderResult,
  type ReminderSource,
  type ReminderTarget,
} from '../domain/reminders.js';
import type { Actor, TransitionRecord } from '../domain/transition.js';
import { LRUCache } from 'lru-cache';
import type { RecordChange } from '../store/changeLog.js';
import { TenantRecords, type RecordResult } from '../store/tenantRecords.js';
import { classifyDeliveryError, failedOutcome, type ClassifiedFailure } from './deliveryErrors.js';
import { sendFailedReminderHere } from './sendHere.js';

export { DEFAULT_TICK_MS, KNOWN_TARGETS_CACHED, SCHEDULE_KEY, TENANTS_PER_TICK } from './reminderTypes.js';
export type { ReminderDelivery, ReminderSchedule, ReminderServiceDeps, ReminderTargetRecord, TickReport } from './reminderTypes.js';
import {
  DEFAULT_TICK_MS,
  KNOWN_TARGETS_CACHED,
  SCHEDULE_KEY,
  TENANTS_PER_TICK,
  type ReminderSchedule,
  type ReminderServiceDeps,
  type ReminderTargetRecord,
  type TickReport,
} from './reminderTypes.js';

type TenantFacts = { transition?: TransitionRecord; invitations?: InvitationRecord };

/** The reminder use cases: plan after changes, list, cancel, restore, and the scheduler (see the module comment). */
export class ReminderService {
  readonly records: TenantRecords<ReminderRecord>;
  readonly instanceId: string;
  /** Each tenant's last known reminder target. */
  private readonly targets: TenantRecords<ReminderTargetRecord>;
  /** Last target this instance stored or read per tenant (JSON), so an unchanged one is not rewritten. */
  private readonly knownTargets = new LRUCache<string, string>({ max: KNOWN_TARGETS_CACHED });
  private readonly schedule: TenantRecords<ReminderSchedule>;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly checks = new PeriodicCheck(
    () => this.tick(),
    (err) => this.deps.logger?.error({ err: err.message }, 'reminders: check failed'),
  );
  /** Schedule entries waiting for the next write, by tenant. */
  private readonly pendingSchedule = new Map<string, { at: string | undefined; rev: number }>();
  /** The chain of schedule writes of this instance (one at a time). */
  private scheduleWrites: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ReminderServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.random = deps.random ?? Math.random;
    this.instanceId = deps.instanceId ?? `instance-${randomBytes(6).toString('hex')}`;
    this.records = new TenantRecords(deps.storage, 'reminders', newReminderRecord, 1, this.clock);
    this.schedule = new TenantRecords<ReminderSchedule>(
      deps.storage,
      'schedule',
      (_id, now) => ({ schemaVersion: 1, revision: 0, updatedAt: now.toISOString(), due: {} }),
      1,
      this.clock,
      { keyOf: () => SCHEDULE_KEY },
    );
    this.targets = new TenantRecords<ReminderTargetRecord>(
      deps.storage,
      'reminderTarget',
      (tenantId, now) => ({ schemaVersion: 1, tenantId, updatedAt: now.toISOString() }),
      1,
      this.clock,
    );
  }

  /**
   * Re-plans reminders for the changes a bot turn made to its tenant (transition and invitation
   * records only; others are ignored), delivering new reminders to `target`, and remembers
   * `target` as the tenant's last known one (only when something was planned: a turn that cannot
   * have reminders writes nothing more). Never throws: a failure is logged and the turn's own work
   * stands (the next change re-plans).
   */
  async afterTurn(changes: RecordChange[], target: ReminderTarget): Promise<void> {
    const plannable = plannableChanges(changes);
    if (plannable.length === 0) return;
    await Promise.all([this.rememberTarget(plannable[0]!.tenantId, target), this.planChanges(plannable, target)]);
  }

  /**
   * Re-plans reminders for changes no bot turn watched (an accept page's write, or a turn's write
   * to another tenant), per tenant, with the tenant's last known target (see the module comment).
   * Never throws.
   */
  async afterWrites(changes: RecordChange[]): Promise<void> {
    const byTenant = new Map<string, RecordChange[]>();
    for (const c of plannableChanges(changes)) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
    await Promise.all([...byTenant].map(async ([tenantId, list]) => this.planChanges(list, await this.lastTarget(tenantId))));
  }

  /**
   * The tenant's last known reminder target: the one stored by its last planning turn, else the
   * target of its most recently planned reminder (data from before targets were stored); undefined
   * when it never planned one (or the read fails; logged).
   */
  async lastTarget(tenantId: string): Promise<ReminderTarget | undefined> {
    try {
      const stored = (await this.targets.get(tenantId)).target;
      if (stored) this.knownTargets.set(tenantId, JSON.stringify(stored));
      return stored ?? newestTarget(await this.records.get(tenantId));
    } catch (err) {
      this.deps.logger?.error({ err: (err as Error).message }, 'reminders: reading the last target failed');
      return undefined;
    }
  }

  /**
   * Stores `target` as the tenant's last known one, unless this instance knows it is already
   * stored: one unconditional write, no read (last writer wins: two turns of the tenant at once on
   * two instances both name a conversation the tenant just used). Never throws.
   */
  private async rememberTarget(tenantId: string, target: ReminderTarget): Promise<void> {
    const json = JSON.stringify(target);
    if (this.knownTargets.get(tenantId) === json) return;
    try {
      const record: ReminderTargetRecord = { schemaVersion: 1, tenantId, updatedAt: this.clock().toISOString(), target };
      await this.deps.storage.write({ [this.targets.key(tenantId)]: { record, eTag: '*' } });
      this.knownTargets.set(tenantId, json);
    } catch (err) {
      this.deps.logger?.warn({ err: (err as Error).message }, 'reminders: storing the last target failed');
    }
  }

  /** Plans each change in turn (one reminder record: sequential, no self-conflicts); logs failures. */
  private async planChanges(changes: RecordChange[], target: ReminderTarget | undefined): Promise<void> {
    for (const c of changes) {
      try {
        await this.plan(c.tenantId, c.kind as ReminderSource, c.record as TransitionRecord | InvitationRecord, target);
      } catch (err) {
        this.deps.logger?.error({ err: (err as Error).message, kind: c.kind }, 'reminders: planning failed');
      }
    }
  }

  /**
   * Brings the tenant's reminders of `source` in line with `record` (see `reconcileReminders`).
   * New (or revived) reminders go to `target`, else to the target of the tenant's newest reminder;
   * with neither, only reminders that need no target change (obsolete, re-dated).
   */
  async plan(tenantId: string, source: ReminderSource, record: TransitionRecord | InvitationRecord, target?: ReminderTarget): Promise<void> {
    const result = await this.records.update(tenantId, (r) => {
      const now = this.clock();
      const to = target ?? newestTarget(r);
      const wanted = wantedFrom(source, record, now);
      if (to) return reconcileReminders(r, source, wanted, to, now);
      // no known target: keep (and re-date) what is scheduled, obsolete the rest, create nothing
      const scheduled = wanted.filter((w) => r.reminders[reminderId(w.kind, w.subjectId)]?.status === 'scheduled');
      return reconcileReminders(r, source, scheduled, NO_TARGET, now);
    });
    if (result.ok) await this.syncSchedule(tenantId, result.record);
  }

  /** The tenant's reminder record (an empty one when none is stored). */
  list(tenantId: string): Promise<ReminderRecord> {
    return this.records.get(tenantId);
  }

  /** Cancels a scheduled reminder; `revision` is the one the list card was rendered from. */
  async cancel(tenantId: string, id: string, revision: number, actor: Actor): Promise<ReminderResult> {
    const result = await this.records.update(tenantId, (r) => cancelReminder(r, id, revision, actor, this.clock()));
    if (result.ok) await this.syncSchedule(tenantId, result.record);
    return result;
  }

  /** Turns a cancelled reminder back on; same `revision` rule as {@link cancel}. */
  async restore(tenantId: string, id: string, revision: number): Promise<ReminderResult> {
    const result = await this.records.update(tenantId, (r) => restoreReminder(r, id, revision, this.clock()));
    if (result.ok) await this.syncSchedule(tenantId, result.record);
    return result;
  }

  /**
   * "Send here instead" from the list: failed reminder `id` is planned again for `target` (the chat
   * the person is in), due at once; that chat becomes the tenant's last known target. Same
   * `revision` rule as {@link cancel}.
   */
  async sendHere(tenantId: string, id: string, revision: number, target: ReminderTarget): Promise<ReminderResult> {
    const result = await this.records.update(tenantId, (r) => sendFailedReminderHere(r, id, revision, target, this.clock()));
    if (result.ok) await Promise.all([this.syncSchedule(tenantId, result.record), this.rememberTarget(tenantId, target)]);
    return result;
  }

  /**
   * One check: for each tenant the schedule says is due (oldest first, at most
   * {@link TENANTS_PER_TICK}), claims its due reminders, re-checks the facts, delivers, records the
   * outcomes and updates the schedule. Delivery errors are logged and classified (retried later, or
   * the reminder marked failed); storage errors of one tenant are logged and do not stop the others.
   */
  async tick(): Promise<TickReport> {
    const report: TickReport = { tenants: 0, claimed: 0, sent: 0, obsolete: 0, retried: 0, failed: 0 };
    const now = this.clock();
    const schedule = await this.schedule.get(SCHEDULE_KEY);
    const due = Object.entries(schedule.due)
      .filter(([, e]) => Date.parse(e.at) <= now.getTime())
      .sort((a, b) => a[1].at.localeCompare(b[1].at))
      .slice(0, TENANTS_PER_TICK);
    for (const [tenantId] of due) {
      report.tenants++;
      try {
        await this.processTenant(tenantId, report);
      } catch (err) {
        this.deps.logger?.error({ err: (err as Error).message }, 'reminders: tenant check failed');
      }
    }
    return report;
  }

  /** Checks every `intervalMs` (one check at a time) until {@link stop}. */
  start(intervalMs = DEFAULT_TICK_MS): void {
    this.checks.start(intervalMs);
  }

  /** Stops checking and waits for a check in progress to finish. */
  stop(): Promise<void> {
    return this.checks.stop();
  }

  private async processTenant(tenantId: string, report: TickReport): Promise<void> {
    const claim = await this.records.update(tenantId, (r) => claimDueReminders(r, this.clock(), this.instanceId, this.deps.leaseMs));
    let record = claim.ok ? claim.record : await this.records.get(tenantId);
    if (claim.ok && claim.claimed.length > 0) {
      report.claimed += claim.claimed.length;
      const facts: TenantFacts = {};
      const outcomes: Record<string, DeliveryOutcome> = {};
      for (const reminder of claim.claimed) {
        const outcome = (await this.stillWanted(tenantId, reminder, facts)) ? await this.deliver(tenantId, reminder) : 'obsolete';
        outcomes[reminder.id] = outcome;
        if (outcome === 'sent') report.sent++;
        else if (outcome === 'obsolete') report.obsolete++;
        else if (outcome === 'retry' || outcome.retryAt) report.retried++;
        else report.failed++;
      }
      const done = await this.records.update(tenantId, (r) => finishDelivery(r, outcomes, this.clock(), this.instanceId));
      if (done.ok) record = done.record;
    }
    await this.syncSchedule(tenantId, record);
  }

  /** True when the facts still call for `reminder` (read once per tenant and source in a check). */
  private async stillWanted(tenantId: string, reminder: Reminder, facts: TenantFacts): Promise<boolean> {
    const source = REMINDER_SOURCE[reminder.kind];
    const record =
      source === 'transition'
        ? (facts.transition ??= await this.deps.transitions.get(tenantId))
        : (facts.invitations ??= await this.deps.invitations.get(tenantId));
    return wantedFrom(source, record, this.clock()).some((w) => reminderId(w.kind, w.subjectId) === reminder.id);
  }

  /** Sends `reminder`; a failure is classified into the outcome to record (retried at a time, or ended) and logged. */
  private async deliver(tenantId: string, reminder: Reminder): Promise<DeliveryOutcome> {
    try {
      await this.deps.deliver(tenantId, reminder);
      this.deps.logger?.info({ kind: reminder.kind, attempt: reminder.attempts }, 'reminder sent');
      return 'sent';
    } catch (err) {
      const now = this.clock();
      const failure = classifyDeliveryError(err, now);
      const outcome = failedOutcome(reminder, failure, now, this.random());
      this.logFailure(reminder, failure, typeof outcome === 'object' ? outcome.retryAt : undefined, err);
      return outcome;
    }
  }

  /** One log line per failed send: warn, or error when the bot's own credentials were refused (an operator must act). */
  private logFailure(reminder: Reminder, failure: ClassifiedFailure, retryAt: string | undefined, err: unknown): void {
    const { kind, reason, status, code } = failure;
    const fields = { kind: reminder.kind, attempt: reminder.attempts, failure: kind, reason, status, code, retryAt, err: (err as Error)?.message };
    const msg = retryAt
      ? 'reminder delivery failed; will retry'
      : kind === 'permanent'
        ? 'reminder not deliverable; not retried'
        : 'reminder delivery failed; given up';
    if (reason === 'credentials') this.deps.logger?.error(fields, `${msg} (the bot's credentials were refused: check MicrosoftAppId and its secret)`);
    else this.deps.logger?.warn(fields, msg);
  }

  /**
   * Sets the tenant's schedule entry from `record`, unless the entry already comes from a newer
   * revision. Entries of concurrent turns are batched: one write at a time per instance carries
   * every entry queued meanwhile (50 tenants enrolling at once cost two writes, not fifty racing
   * ones), so the single schedule item is contended only between instances.
   */
  private async syncSchedule(tenantId: string, record: ReminderRecord): Promise<void> {
    const entry = { at: nextCheckAt(record), rev: record.revision };
    const queued = this.pendingSchedule.get(tenantId);
    if (!queued || queued.rev <= entry.rev) this.pendingSchedule.set(tenantId, entry);
    const flush = this.scheduleWrites.catch(() => undefined).then(() => this.flushSchedule());
    this.scheduleWrites = flush;
    await flush;
  }

  /** Writes every queued schedule entry in one update (retried on eTag conflict by TenantRecords). */
  private async flushSchedule(): Promise<void> {
    if (this.pendingSchedule.size === 0) return;
    const batch = new Map(this.pendingSchedule);
    this.pendingSchedule.clear();
    try {
      await this.writeSchedule(batch);
    } catch (err) {
      // keep the entries for the next write (unless a newer one was queued meanwhile)
      for (const [tenantId, entry] of batch) if (!this.pendingSchedule.has(tenantId)) this.pendingSchedule.set(tenantId, entry);
      throw err;
    }
  }

  private async writeSchedule(batch: Map<string, { at: string | undefined; rev: number }>): Promise<void> {
    await this.schedule.update(SCHEDULE_KEY, (s): RecordResult<ReminderSchedule, 'unchanged'> => {
      const due = { ...s.due };
      let changed = false;
      for (const [tenantId, { at, rev }] of batch) {
        const current = due[tenantId];
        if (current && current.rev > rev) continue;
        if (at ? current?.at === at && current.rev === rev : !current) continue;
        if (at) due[tenantId] = { at, rev };
        else delete due[tenantId];
        changed = true;
      }
      if (!changed) return { ok: false, error: 'unchanged' };
      return { ok: true, record: { ...s, revision: s.revision + 1, updatedAt: this.clock().toISOString(), due } };
    });
  }
}

/**
 * Passed to `reconcileReminders` when no target is known and only scheduled reminders are wanted:
 * it never creates or revives a reminder then, so this value is never stored.
 */
const NO_TARGET: ReminderTarget = { conversation: {}, locale: 'en-US', user: { id: 'none' } };

/** The last change of each (tenant, source) among transition and invitation changes, for sources that may have reminders. */
function plannableChanges(changes: RecordChange[]): RecordChange[] {
  const latest = new Map<string, RecordChange>();
  for (const c of changes) if (c.kind === 'transition' || c.kind === 'invitations') latest.set(`${c.tenantId}\n${c.kind}`, c);
  return [...latest.values()].filter((c) => mayHaveReminders(c.kind as ReminderSource, c.record as TransitionRecord | InvitationRecord));
}

/** The target of the tenant's most recently created or updated reminder, if any. */
function newestTarget(record: ReminderRecord): ReminderTarget | undefined {
  let newest: Reminder | undefined;
  for (const r of Object.values(record.reminders)) if (!newest || r.updatedAt > newest.updatedAt) newest = r;
  return newest?.target;
}
