/**
 * Which records a unit of work (a bot turn) changed, without threading a list through every call:
 * {@link captureChanges} runs a function in an `AsyncLocalStorage` context and
 * {@link noteChange} (called by `TenantRecords.update` after each successful write) appends to the
 * current context's list. Outside a capture, notes are dropped. Used to re-plan reminders after a
 * turn changed a tenant's transition or invitation record.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One successful write: the record kind (`transition`, `invitations`...), its tenant and the record as written. */
export interface RecordChange {
  kind: string;
  tenantId: string;
  record: unknown;
}

const current = new AsyncLocalStorage<RecordChange[]>();

/**
 * Runs `fn` and returns its result with the record changes noted while it ran (in write order;
 * a record written twice appears twice, the later entry newest). Rethrows what `fn` throws.
 */
export async function captureChanges<T>(fn: () => Promise<T>): Promise<{ result: T; changes: RecordChange[] }> {
  const changes: RecordChange[] = [];
  const result = await current.run(changes, fn);
  return { result, changes };
}

/** Notes a successful write in the current capture, if any. Never throws. */
export function noteChange(change: RecordChange): void {
  current.getStore()?.push(change);
}
