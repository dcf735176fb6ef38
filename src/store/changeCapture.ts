/**
 * Which tenant records changed while a unit of work (a bot turn) ran, without threading a list
 * through every call and without `AsyncLocalStorage` (whose promise hooks cost about a third of
 * the turn throughput on Node 20, measured with `npm run bench`'s walk).
 *
 * The bot opens a window for the turn's tenant with {@link beginChanges}; `TenantRecords.update`
 * reports each successful write with {@link noteChange}; {@link endChanges} returns what changed
 * for that tenant since the window opened. Writes are kept only for tenants with an open window,
 * and dropped when the last window of the tenant closes, so memory stays bounded. Two turns of one
 * tenant running at the same moment both see each other's changes (their use, re-planning
 * reminders, is idempotent).
 */

/** One successful write: the record kind (`transition`, `invitations`...), its tenant and the record as written. */
export interface RecordChange {
  kind: string;
  tenantId: string;
  record: unknown;
}

interface TenantWindow {
  /** Marks of the open windows of this tenant. */
  open: number[];
  /** Sequence number of the last noted change. */
  seq: number;
  changes: Array<RecordChange & { seq: number }>;
}

const windows = new Map<string, TenantWindow>();

/**
 * Opens a window on `tenantId`'s changes. Always pair with {@link endChanges} (in `finally`).
 * @returns the mark to pass to {@link endChanges}.
 */
export function beginChanges(tenantId: string): number {
  let w = windows.get(tenantId);
  if (!w) windows.set(tenantId, (w = { open: [], seq: 0, changes: [] }));
  w.open.push(w.seq);
  return w.seq;
}

/** Notes a successful write; kept only while a window on its tenant is open. Never throws. */
export function noteChange(change: RecordChange): void {
  const w = windows.get(change.tenantId);
  if (w) w.changes.push({ ...change, seq: ++w.seq });
}

/**
 * Closes a window and returns the tenant's changes noted since `mark`, oldest first (a record
 * written twice appears twice, the later entry newest).
 */
export function endChanges(tenantId: string, mark: number): RecordChange[] {
  const w = windows.get(tenantId);
  if (!w) return [];
  const changes = w.changes.filter((c) => c.seq > mark).map(({ seq: _seq, ...c }) => c);
  const i = w.open.indexOf(mark);
  if (i >= 0) w.open.splice(i, 1);
  if (w.open.length === 0) windows.delete(tenantId);
  else {
    // keep only what a still-open window may ask for
    const oldest = Math.min(...w.open);
    w.changes = w.changes.filter((c) => c.seq > oldest);
  }
  return changes;
}
