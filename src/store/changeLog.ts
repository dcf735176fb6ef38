/**
 * Which tenant records changed, so that reminders are re-planned after every change to a
 * transition or invitation record, whichever path made it (a chat turn, an accept page, a service
 * called by a script). One {@link ChangeLog} per process, created by the composition root
 * (`src/app/compose.ts`) and injected into the repositories (`TenantRecords`, which notes each
 * successful write) and into whoever opens a window or a unit of work (the bot, the services).
 *
 * Two ways a change is picked up:
 *
 * - **Bot turn windows** (batched, once per turn). The bot opens a window for the turn's tenant
 *   ({@link ChangeLog.begin}); every write to that tenant while it is open is kept in the window and
 *   returned by {@link ChangeLog.end}; the bot then plans reminders once, with the turn's
 *   conversation as where to deliver. Two turns of one tenant running at the same moment both see
 *   each other's changes (re-planning is idempotent).
 * - **Units of work** (everything else). A service wraps each use case that writes in
 *   {@link ChangeLog.work}. A write to a tenant with no open window (an accept page's write, or a
 *   chat turn's write to *another* tenant, e.g. the provider's invitation a reseller accepts) is
 *   kept for the units of work open at that moment; when a unit ends it hands the changes nobody
 *   handed yet to the listener set with {@link ChangeLog.onUnwatchedChanges} (the reminder service,
 *   which plans with the tenant's last known conversation) and waits until every change noted
 *   during it is planned, so a page's response is sent after its reminders are in line.
 *
 * Performance, as in the module-global version this replaces: no `AsyncLocalStorage` (its promise
 * hooks cost about a third of the turn throughput on Node 20, measured with `npm run bench`'s
 * walk), so a write is attributed by tenant (window) or by time (unit), not by async context.
 * Memory stays bounded: a window's changes are dropped when the last window of its tenant closes,
 * and a unit's changes when the last unit open before them ends; writes while nothing is open
 * are not kept at all.
 */

/** One successful write: the record kind (`transition`, `invitations`...), its tenant and the record as written. */
export interface RecordChange {
  kind: string;
  tenantId: string;
  record: unknown;
}

/**
 * Receives the changes a unit of work made to tenants no bot turn was watching (oldest first; a
 * record written twice appears twice). Should not throw; a rejection is caught and ignored by the
 * change log (the listener logs its own failures).
 */
export type ChangeListener = (changes: RecordChange[]) => Promise<void>;

interface TenantWindow {
  /** Marks of the open windows of this tenant. */
  open: number[];
  /** Sequence number of the last noted change. */
  seq: number;
  changes: Array<RecordChange & { seq: number }>;
}

/** A change noted while units of work were open; `handled` is the listener call that took it. */
interface UnitChange {
  seq: number;
  change: RecordChange;
  handled?: Promise<void>;
}

/** The change log (see the module comment). */
export class ChangeLog {
  private readonly windows = new Map<string, TenantWindow>();
  /** Marks (values of {@link unitSeq} when opened) of the open units of work. */
  private readonly units: number[] = [];
  private unitSeq = 0;
  private unitChanges: UnitChange[] = [];
  private listener?: ChangeListener;

  /**
   * Sets who receives the changes units of work made to unwatched tenants (one listener; a second
   * call replaces the first). Without a listener, units of work keep nothing.
   */
  onUnwatchedChanges(listener: ChangeListener): void {
    this.listener = listener;
  }

  // ---- bot turn windows --------------------------------------------------------------------

  /**
   * Opens a window on `tenantId`'s changes (a bot turn). Always pair with {@link end} (in `finally`).
   * @returns the mark to pass to {@link end}.
   */
  begin(tenantId: string): number {
    let w = this.windows.get(tenantId);
    if (!w) this.windows.set(tenantId, (w = { open: [], seq: 0, changes: [] }));
    w.open.push(w.seq);
    return w.seq;
  }

  /**
   * Closes a window and returns the tenant's changes noted since `mark`, oldest first (a record
   * written twice appears twice, the later entry newest). An unknown window returns nothing.
   */
  end(tenantId: string, mark: number): RecordChange[] {
    const w = this.windows.get(tenantId);
    if (!w) return [];
    const changes = w.changes.filter((c) => c.seq > mark).map(({ seq: _seq, ...c }) => c);
    const i = w.open.indexOf(mark);
    if (i >= 0) w.open.splice(i, 1);
    if (w.open.length === 0) this.windows.delete(tenantId);
    else {
      // keep only what a still-open window may ask for
      const oldest = Math.min(...w.open);
      w.changes = w.changes.filter((c) => c.seq > oldest);
    }
    return changes;
  }

  /** True while a bot turn window on `tenantId` is open (its changes are planned by that turn). */
  isWatched(tenantId: string): boolean {
    return this.windows.has(tenantId);
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Notes a successful write (called by `TenantRecords.update`). Kept in the tenant's window when a
   * bot turn watches it, else for the open units of work when there is a listener, else dropped.
   * Never throws.
   */
  note(change: RecordChange): void {
    const w = this.windows.get(change.tenantId);
    if (w) w.changes.push({ ...change, seq: ++w.seq });
    else if (this.units.length > 0 && this.listener) this.unitChanges.push({ seq: ++this.unitSeq, change });
  }

  // ---- units of work -----------------------------------------------------------------------

  /**
   * Runs `fn` as a unit of work: when it ends (returned or threw), the changes noted meanwhile for
   * tenants no bot turn watched and not yet handed over are passed to the listener, and the unit
   * waits until every change noted during it has been handled (by this unit or by another that
   * ended first). Units may nest and overlap; each change is handed over once.
   * @returns what `fn` returns; rethrows what it throws.
   */
  async work<T>(fn: () => Promise<T>): Promise<T> {
    const mark = this.unitSeq;
    this.units.push(mark);
    try {
      return await fn();
    } finally {
      await this.closeUnit(mark);
    }
  }

  private async closeUnit(mark: number): Promise<void> {
    const i = this.units.indexOf(mark);
    if (i >= 0) this.units.splice(i, 1);
    const mine = this.unitChanges.filter((c) => c.seq > mark);
    const fresh = mine.filter((c) => !c.handled);
    if (fresh.length > 0 && this.listener) {
      const handled = this.listener(fresh.map((c) => c.change)).catch(() => undefined);
      for (const c of fresh) c.handled = handled;
    }
    const waits = new Set(mine.map((c) => c.handled));
    // keep only what a still-open unit may wait for
    if (this.units.length === 0) this.unitChanges = [];
    else {
      const oldest = Math.min(...this.units);
      this.unitChanges = this.unitChanges.filter((c) => c.seq > oldest);
    }
    await Promise.all(waits);
  }

  /** How many changes are held in memory right now (windows and units), for tests of the bound. */
  get held(): number {
    let n = this.unitChanges.length;
    for (const w of this.windows.values()) n += w.changes.length;
    return n;
  }
}

/**
 * Runs `fn` as a unit of work of `log` when there is one, else just runs it (services built
 * without a change log, e.g. in unit tests of their rules).
 */
export function inUnitOfWork<T>(log: ChangeLog | undefined, fn: () => Promise<T>): Promise<T> {
  return log ? log.work(fn) : fn();
}
