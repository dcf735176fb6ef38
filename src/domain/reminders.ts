/**
 * Proactive reminders, as pure rules over plain records (no botbuilder import).
 *
 * Three kinds, each tied to a dated fact in the sources:
 * - `approvalOverdue`: Microsoft's approval of the indirect reseller enrollment "is usually
 *   immediate, but can take up to five business days" (transition seed, Get started step 5). If the
 *   checklist still waits for approval the morning after the expected date, the partner is asked to
 *   check Partner Center (and to contact support if it is still pending).
 * - `incentivesInvitation`: the indirect reseller incentives invitation arrives "within 30 days"
 *   of enrollment (transition seed, "Enroll for indirect reseller incentives"). On that date, if
 *   the what's-next item is not ticked, the partner is reminded to look for it.
 * - `invitationPending`: an invitation still pending {@link PENDING_REMINDER_DAYS} full days after
 *   it was sent or last resent (the same rule as the hub's flag, `needsReminder` in
 *   `invitations.ts`): the sender is reminded to follow up or resend. A resend issues a new link
 *   nonce and so a new reminder; the old one becomes obsolete.
 *
 * A tenant's reminders live in one record (`tenants/<tenantId>/reminders`). The wanted reminders
 * are recomputed from the transition or invitation record whenever one of them changes
 * ({@link reconcileReminders}); a reminder no longer wanted becomes `obsolete`, one the partner
 * cancelled stays `cancelled`. Sending is claimed first ({@link claimDueReminders}): the claim is a
 * write with the record's eTag, so with several instances exactly one of them sends a reminder.
 */
import { invitationState, PENDING_REMINDER_DAYS, type InvitationRecord } from './invitations.js';
import type { Actor, Mark, TransitionRecord } from './transition.js';

/** The three reminder kinds (see the module comment for the dated fact each follows). */
export const REMINDER_KINDS = ['approvalOverdue', 'incentivesInvitation', 'invitationPending'] as const;
/** One of {@link REMINDER_KINDS}. */
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** Where a kind's facts live: the record whose change re-plans it. */
export type ReminderSource = 'transition' | 'invitations';

/** The record each reminder kind is planned from. */
export const REMINDER_SOURCE: Record<ReminderKind, ReminderSource> = {
  approvalOverdue: 'transition',
  incentivesInvitation: 'transition',
  invitationPending: 'invitations',
};

/**
 * `scheduled` (waiting for its time), `sending` (claimed by one instance until `claim.until`),
 * `sent`, `cancelled` (by a person), `obsolete` (the fact it was about changed: approved, accepted,
 * resent...), `failed` (refused for good, or {@link MAX_DELIVERY_ATTEMPTS} attempts failed: see `lastFailure`).
 */
export const REMINDER_STATUSES = ['scheduled', 'sending', 'sent', 'cancelled', 'obsolete', 'failed'] as const;
/** One of {@link REMINDER_STATUSES}. */
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** Hour of day (UTC) at which date-based reminders fall due: 09:00 UTC is working hours in Europe and early morning in the Americas. */
export const REMINDER_HOUR_UTC = 9;
/** How long a claim holds before another instance may take the reminder over (ms). */
export const CLAIM_LEASE_MS = 2 * 60_000;
/** Delivery attempts before a reminder is marked `failed`. */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** Wait before retrying a failed delivery, per attempt made so far (ms): 5, 10, 15, 20 minutes (`src/reminders/deliveryErrors.ts` adds jitter and Retry-After). */
export const RETRY_STEP_MS = 5 * 60_000;
/** Delivery failures not retried, and those retried with back-off (the table and its sources: `src/reminders/deliveryErrors.ts`). */
export const PERMANENT_FAILURES = ['removed', 'blocked', 'disabledByAdmin', 'conversationGone', 'refused', 'rejected'] as const;
export const TRANSIENT_FAILURES = ['throttled', 'serviceError', 'network', 'credentials', 'unknown'] as const;
export type DeliveryFailureReason = (typeof PERMANENT_FAILURES)[number] | (typeof TRANSIENT_FAILURES)[number];
/** A failed delivery: kind, reason, when (ISO), and the channel's HTTP status and error code if it answered (403, `BotNotInConversationRoster`). */
export type DeliveryFailure = { kind: 'permanent' | 'transient'; reason: DeliveryFailureReason; at: string; status?: number; code?: string };
/** Finished reminders (sent, cancelled, obsolete, failed) kept per tenant; older ones are dropped. */
export const FINISHED_KEPT = 100;

/**
 * Where and how to deliver: a Bot Framework conversation reference saved from the turn that planned
 * the reminder (kept as plain JSON here; the bot layer gives it its type), the language and the
 * person it is for.
 */
export interface ReminderTarget {
  conversation: Record<string, unknown>;
  locale: string;
  user: Actor;
}

/** One reminder. Times are ISO 8601 instants (UTC). */
export interface Reminder {
  /** `<kind>:<subjectId>`, stable for one fact (so re-planning finds it again). */
  id: string;
  kind: ReminderKind;
  /** `enrollment@<time>` for the transition kinds, `<invitationId>.<nonce>` for invitations. */
  subjectId: string;
  /** What it is about, for the list (an invitation's recipient company or email); absent for the transition kinds. */
  label?: string;
  /** The transition kinds: the date the fact was expected by (YYYY-MM-DD), shown in the message. */
  expectedBy?: string;
  dueAt: string;
  status: ReminderStatus;
  target: ReminderTarget;
  createdAt: string;
  updatedAt: string;
  /** Delivery attempts started (claims). */
  attempts: number;
  claim?: { by: string; until: string };
  sentAt?: string;
  cancelled?: Mark;
  /** The last failed attempt while retried (`scheduled`), or why it `failed`; absent in records from before it existed. */
  lastFailure?: DeliveryFailure;
}

/** A tenant's reminders; `revision` increases on every change (the list card carries it: stale guard). */
export interface ReminderRecord {
  schemaVersion: 1;
  tenantId: string;
  revision: number;
  updatedAt: string;
  /** By reminder id. */
  reminders: Record<string, Reminder>;
}

/** A reminder the facts call for (before it is stored). */
export interface WantedReminder {
  kind: ReminderKind;
  subjectId: string;
  dueAt: string;
  label?: string;
  expectedBy?: string;
}

/** Why a person's change to the reminders (cancel, turn back on) was refused; `code` is a locale key under `reminders.errors.`. */
export type ReminderError =
  { code: 'notFound' } | { code: 'stale' } | { code: 'notCancellable'; status: ReminderStatus } | { code: 'notRestorable'; status: ReminderStatus };

/** The outcome of a person's change: the new record, or why it was refused. */
export type ReminderResult = { ok: true; record: ReminderRecord } | { ok: false; error: ReminderError };

/** The outcome of planning, claiming or recording deliveries: the new record, or `unchanged` (nothing to write). */
export type ReminderUpdate = { ok: true; record: ReminderRecord } | { ok: false; error: { code: 'unchanged' } };

/** An empty record for `tenantId`. */
export function newReminderRecord(tenantId: string, now: Date): ReminderRecord {
  return { schemaVersion: 1, tenantId, revision: 0, updatedAt: now.toISOString(), reminders: {} };
}

/** `<kind>:<subjectId>`. */
export function reminderId(kind: ReminderKind, subjectId: string): string {
  return `${kind}:${subjectId}`;
}

/** `date` (YYYY-MM-DD) plus `days` calendar days, at {@link REMINDER_HOUR_UTC}:00 UTC, as an ISO instant. */
function morningOf(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  d.setUTCHours(REMINDER_HOUR_UTC);
  return d.toISOString();
}

/**
 * The transition kinds the record calls for: once enrollment is recorded, `approvalOverdue` the
 * morning after `expectedApprovalBy` while approval is not confirmed, and `incentivesInvitation` the
 * morning of `incentivesInvitationBy` while the incentives item is not ticked.
 */
export function wantedFromTransition(record: TransitionRecord): WantedReminder[] {
  const enrollment = record.enrollment;
  if (!enrollment) return [];
  const subjectId = `enrollment@${enrollment.at}`;
  const wanted: WantedReminder[] = [];
  if (!record.done.approval) {
    wanted.push({ kind: 'approvalOverdue', subjectId, dueAt: morningOf(enrollment.expectedApprovalBy, 1), expectedBy: enrollment.expectedApprovalBy });
  }
  if (!record.nextItems.incentives) {
    wanted.push({
      kind: 'incentivesInvitation',
      subjectId,
      dueAt: morningOf(enrollment.incentivesInvitationBy, 0),
      expectedBy: enrollment.incentivesInvitationBy,
    });
  }
  return wanted;
}

/**
 * The invitation reminders the record calls for: one per invitation that is pending and will still
 * be pending (unexpired) when it has waited more than {@link PENDING_REMINDER_DAYS} full days since
 * it was sent or last resent.
 */
export function wantedFromInvitations(record: InvitationRecord, now: Date): WantedReminder[] {
  const wanted: WantedReminder[] = [];
  for (const inv of record.invitations) {
    if (invitationState(inv, now) !== 'pending') continue;
    const since = Date.parse(inv.resent?.at ?? inv.created.at);
    const due = since + (PENDING_REMINDER_DAYS + 1) * 86_400_000;
    if (due >= Date.parse(inv.expiresAt)) continue;
    wanted.push({
      kind: 'invitationPending',
      subjectId: `${inv.id}.${inv.nonce}`,
      dueAt: new Date(due).toISOString(),
      label: inv.to.company || inv.to.name || inv.to.email,
    });
  }
  return wanted;
}

/**
 * False when the record cannot have produced reminders of its source so far (no enrollment yet:
 * enrollment cannot be undone; no invitation ever sent), so planning can skip reading the
 * tenant's reminders on most turns.
 */
export function mayHaveReminders(source: ReminderSource, record: TransitionRecord | InvitationRecord): boolean {
  return source === 'transition' ? (record as TransitionRecord).enrollment !== undefined : (record as InvitationRecord).invitations.length > 0;
}

/** The wanted reminders of one source, from its record. */
export function wantedFrom(source: ReminderSource, record: TransitionRecord | InvitationRecord, now: Date): WantedReminder[] {
  return source === 'transition' ? wantedFromTransition(record as TransitionRecord) : wantedFromInvitations(record as InvitationRecord, now);
}

function bump(record: ReminderRecord, now: Date): ReminderRecord {
  return { ...record, revision: record.revision + 1, updatedAt: now.toISOString() };
}

const FINISHED: ReadonlySet<ReminderStatus> = new Set<ReminderStatus>(['sent', 'cancelled', 'obsolete', 'failed']);

/** True for sent, cancelled, obsolete and failed reminders (nothing more will happen to them). */
export function isFinished(reminder: Reminder): boolean {
  return FINISHED.has(reminder.status);
}

/** Drops the oldest finished reminders beyond {@link FINISHED_KEPT}. */
function prune(reminders: Record<string, Reminder>): Record<string, Reminder> {
  const finished = Object.values(reminders).filter(isFinished);
  if (finished.length <= FINISHED_KEPT) return reminders;
  const drop = new Set(
    finished
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
      .slice(0, finished.length - FINISHED_KEPT)
      .map((r) => r.id),
  );
  return Object.fromEntries(Object.entries(reminders).filter(([id]) => !drop.has(id)));
}

/**
 * Brings the tenant's reminders of `source` in line with `wanted`: new ones are scheduled for
 * `target`, scheduled ones whose date moved are re-dated, scheduled ones no longer wanted become
 * `obsolete`, obsolete ones wanted again are scheduled again. Cancelled, sent and failed reminders
 * are left as they are (a cancelled reminder is not planned again for the same fact). `ok: false` with `unchanged` when nothing changes (no write).
 */
export function reconcileReminders(
  record: ReminderRecord,
  source: ReminderSource,
  wanted: WantedReminder[],
  target: ReminderTarget,
  now: Date,
): ReminderUpdate {
  const at = now.toISOString();
  const reminders = { ...record.reminders };
  let changed = false;
  const wantedIds = new Set<string>();
  for (const w of wanted) {
    const id = reminderId(w.kind, w.subjectId);
    wantedIds.add(id);
    const existing = reminders[id];
    if (!existing) {
      reminders[id] = {
        id,
        kind: w.kind,
        subjectId: w.subjectId,
        ...(w.label ? { label: w.label } : {}),
        ...(w.expectedBy ? { expectedBy: w.expectedBy } : {}),
        dueAt: w.dueAt,
        status: 'scheduled',
        target,
        createdAt: at,
        updatedAt: at,
        attempts: 0,
      };
      changed = true;
    } else if (existing.status === 'scheduled' && existing.dueAt !== w.dueAt) {
      reminders[id] = { ...existing, dueAt: w.dueAt, updatedAt: at };
      changed = true;
    } else if (existing.status === 'obsolete') {
      // the fact is true again (an item ticked, then unticked): plan it again
      reminders[id] = { ...existing, status: 'scheduled', dueAt: w.dueAt, attempts: 0, target, updatedAt: at };
      changed = true;
    }
  }
  for (const r of Object.values(reminders)) {
    if (REMINDER_SOURCE[r.kind] === source && r.status === 'scheduled' && !wantedIds.has(r.id)) {
      reminders[r.id] = { ...r, status: 'obsolete', updatedAt: at };
      changed = true;
    }
  }
  if (!changed) return { ok: false, error: { code: 'unchanged' } };
  return { ok: true, record: { ...bump(record, now), reminders: prune(reminders) } };
}

/** True when `reminder` may be claimed now: scheduled and due, or `sending` with a lapsed claim (its instance stopped). */
export function isClaimable(reminder: Reminder, now: Date): boolean {
  const t = now.getTime();
  if (reminder.status === 'scheduled') return Date.parse(reminder.dueAt) <= t;
  return reminder.status === 'sending' && reminder.claim !== undefined && Date.parse(reminder.claim.until) <= t;
}

/**
 * Claims every claimable reminder for instance `by` until `now + leaseMs`: status `sending`,
 * attempts + 1. A reminder whose attempts are used up becomes `failed` instead.
 * @returns the new record and the claimed reminders; `unchanged` when none was claimable.
 */
export function claimDueReminders(record: ReminderRecord, now: Date, by: string, leaseMs = CLAIM_LEASE_MS): ReminderUpdate & { claimed: Reminder[] } {
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const reminders = { ...record.reminders };
  const claimed: Reminder[] = [];
  let changed = false;
  for (const r of Object.values(reminders)) {
    if (!isClaimable(r, now)) continue;
    changed = true;
    if (r.attempts >= MAX_DELIVERY_ATTEMPTS) {
      const { claim: _claim, ...rest } = r;
      reminders[r.id] = { ...rest, status: 'failed', updatedAt: at };
      continue;
    }
    const next: Reminder = { ...r, status: 'sending', claim: { by, until }, attempts: r.attempts + 1, updatedAt: at };
    reminders[r.id] = next;
    claimed.push(next);
  }
  if (!changed) return { ok: false, error: { code: 'unchanged' }, claimed };
  return { ok: true, record: { ...bump(record, now), reminders }, claimed };
}

/** What happened to a claimed reminder: delivered, no longer wanted, failed (tried again at `retryAt`; never without), or `retry` (unclassified). */
export type DeliveryOutcome = 'sent' | 'obsolete' | 'retry' | { failure: DeliveryFailure; retryAt?: string };

/**
 * Records the outcomes of reminders claimed by `by`. Only reminders still `sending` under that
 * claim change (a claim that lapsed and was taken over by another instance is left to it).
 * `retry` puts the reminder back to `scheduled`, due again after `attempts × RETRY_STEP_MS`; a failure too, at its `retryAt`.
 */
export function finishDelivery(record: ReminderRecord, outcomes: Record<string, DeliveryOutcome>, now: Date, by: string): ReminderUpdate {
  const at = now.toISOString();
  const reminders = { ...record.reminders };
  let changed = false;
  for (const [id, outcome] of Object.entries(outcomes)) {
    const r = reminders[id];
    if (!r || r.status !== 'sending' || r.claim?.by !== by) continue;
    const { claim: _claim, lastFailure: _last, ...rest } = r;
    changed = true;
    if (outcome === 'sent') reminders[id] = { ...rest, status: 'sent', sentAt: at, updatedAt: at };
    else if (outcome === 'obsolete') reminders[id] = { ...rest, status: 'obsolete', updatedAt: at };
    else if (outcome === 'retry')
      reminders[id] = { ...rest, status: 'scheduled', dueAt: new Date(now.getTime() + r.attempts * RETRY_STEP_MS).toISOString(), updatedAt: at };
    else if (outcome.retryAt) reminders[id] = { ...rest, status: 'scheduled', dueAt: outcome.retryAt, lastFailure: outcome.failure, updatedAt: at };
    else reminders[id] = { ...rest, status: 'failed', lastFailure: outcome.failure, updatedAt: at };
  }
  if (!changed) return { ok: false, error: { code: 'unchanged' } };
  return { ok: true, record: { ...bump(record, now), reminders: prune(reminders) } };
}

/**
 * Cancels a scheduled reminder (the partner does not want it). The card's `revision` must match
 * the record's (else `stale`: the list changed since the card was sent).
 */
export function cancelReminder(record: ReminderRecord, id: string, revision: number, actor: Actor, now: Date): ReminderResult {
  if (revision !== record.revision) return { ok: false, error: { code: 'stale' } };
  const r = record.reminders[id];
  if (!r) return { ok: false, error: { code: 'notFound' } };
  if (r.status !== 'scheduled') return { ok: false, error: { code: 'notCancellable', status: r.status } };
  const at = now.toISOString();
  return {
    ok: true,
    record: { ...bump(record, now), reminders: { ...record.reminders, [id]: { ...r, status: 'cancelled', cancelled: { by: actor, at }, updatedAt: at } } },
  };
}

/** Turns a cancelled reminder back on (it is sent at its time, or at the next check if that has passed). Same `revision` rule as {@link cancelReminder}. */
export function restoreReminder(record: ReminderRecord, id: string, revision: number, now: Date): ReminderResult {
  if (revision !== record.revision) return { ok: false, error: { code: 'stale' } };
  const r = record.reminders[id];
  if (!r) return { ok: false, error: { code: 'notFound' } };
  if (r.status !== 'cancelled') return { ok: false, error: { code: 'notRestorable', status: r.status } };
  const { cancelled: _cancelled, ...rest } = r;
  return {
    ok: true,
    record: { ...bump(record, now), reminders: { ...record.reminders, [id]: { ...rest, status: 'scheduled', updatedAt: now.toISOString() } } },
  };
}

/**
 * When the scheduler must next look at this tenant: the earliest `dueAt` of scheduled reminders or
 * `claim.until` of sending ones (an instance may have stopped mid-send); undefined when none is open.
 */
export function nextCheckAt(record: ReminderRecord): string | undefined {
  let next: string | undefined;
  for (const r of Object.values(record.reminders)) {
    const at = r.status === 'scheduled' ? r.dueAt : r.status === 'sending' ? r.claim?.until : undefined;
    if (at && (!next || at < next)) next = at;
  }
  return next;
}

/** The tenant's reminders for the list: open ones first (soonest first), then finished ones (newest first). */
export function listReminders(record: ReminderRecord): Reminder[] {
  const all = Object.values(record.reminders);
  const open = all.filter((r) => !isFinished(r)).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const done = all.filter(isFinished).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return [...open, ...done];
}
