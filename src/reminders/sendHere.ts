/**
 * "Send here instead": a reminder that could not be delivered (`failed`: the assistant was removed
 * or blocked where it was planned, the chat is gone, or every attempt failed) is planned again for
 * the conversation the person asking is in, due at once, with a fresh count of attempts. A pure
 * rule over the tenant's reminder record, with the same stale-card guard as cancel and restore.
 */
import type { ReminderRecord, ReminderResult, ReminderTarget } from '../domain/reminders.js';

/**
 * Plans failed reminder `id` again for `target`, due `now` (sent at the next check). The card's
 * `revision` must match the record's (else `stale`); a reminder that is not `failed` is refused
 * (`notRestorable`, naming its status).
 */
export function sendFailedReminderHere(record: ReminderRecord, id: string, revision: number, target: ReminderTarget, now: Date): ReminderResult {
  if (revision !== record.revision) return { ok: false, error: { code: 'stale' } };
  const r = record.reminders[id];
  if (!r) return { ok: false, error: { code: 'notFound' } };
  if (r.status !== 'failed') return { ok: false, error: { code: 'notRestorable', status: r.status } };
  const at = now.toISOString();
  const { lastFailure: _failure, claim: _claim, ...rest } = r;
  const again = { ...rest, status: 'scheduled' as const, dueAt: at, attempts: 0, target, updatedAt: at };
  return { ok: true, record: { ...record, revision: record.revision + 1, updatedAt: at, reminders: { ...record.reminders, [id]: again } } };
}
