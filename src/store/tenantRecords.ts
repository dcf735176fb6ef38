import type { Storage } from 'botbuilder';
import type { ChangeLog } from './changeLog.js';
import { isETagConflict } from './lowdbStorage.js';

/**
 * How many times {@link TenantRecords.update} re-reads and re-applies after an eTag conflict. Each
 * conflict means another writer succeeded, so N writers at once need at most N-1 retries for the
 * last one; 30 covers a busy tenant spread over several instances.
 */
export const MAX_CONFLICT_RETRIES = 30;
/** Upper bound (ms) of the random wait before a retry: grows 4, 8, 16 ... up to this, so racing writers spread out. */
export const MAX_RETRY_WAIT_MS = 250;

/** A random wait ("full jitter") before retry `attempt` (0-based), in ms. */
function retryWait(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(MAX_RETRY_WAIT_MS, 4 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * eTag sent when creating a record: storage writes it unconditionally while the key is missing,
 * and reports a conflict if another turn created the record first (so that turn's data survives).
 */
const NEW_RECORD_ETAG = 'expected-new-record';

/** A change's outcome: the new record, or why it was refused (an error value shown to the user). */
export type RecordResult<R, E> = { ok: true; record: R } | { ok: false; error: E };

/** What every tenant record has: a schema version to recognize old shapes. */
export interface VersionedRecord {
  schemaVersion: number;
}

/** Optional parts of a {@link TenantRecords}. */
export interface TenantRecordsOptions {
  /**
   * The storage key of an id's record; default `tenants/<encoded tenantId>/<kind>`. A
   * deployment-wide record (not a tenant's, e.g. the reminder schedule) passes its own.
   */
  keyOf?: (id: string) => string;
  /** Where successful writes are noted (the composition root's; none: not noted). */
  changeLog?: ChangeLog;
}

/**
 * Tenant-scoped records of one kind over any botbuilder `Storage` (lowdb, Azure Blob or Cosmos DB):
 * one storage item per tenant under `tenants/<tenantId>/<kind>`. Every method names its tenant, so
 * one tenant's turn never reads or writes another tenant's record. Each successful update is noted
 * in the injected {@link ChangeLog} when there is one (reminders are re-planned from it).
 */
export class TenantRecords<R extends VersionedRecord> {
  private readonly keyOf: (id: string) => string;
  private readonly changeLog?: ChangeLog;

  /**
   * @param kind the last key segment, e.g. `transition`
   * @param create builds the empty record for a tenant (not saved until the first change)
   * @param schemaVersion records with another version are treated as absent
   * @param clock stamps fresh records (tests pass a fixed one)
   * @param options the storage key function and the change log (see {@link TenantRecordsOptions})
   */
  constructor(
    private readonly storage: Storage,
    private readonly kind: string,
    private readonly create: (tenantId: string, now: Date) => R,
    private readonly schemaVersion: number,
    private readonly clock: () => Date = () => new Date(),
    options: TenantRecordsOptions = {},
  ) {
    this.keyOf = options.keyOf ?? ((tenantId) => `tenants/${encodeURIComponent(tenantId)}/${kind}`);
    this.changeLog = options.changeLog;
  }

  /** The storage key of a tenant's record of this kind. */
  key(tenantId: string): string {
    return this.keyOf(tenantId);
  }

  /** The tenant's record, or a fresh unsaved one when none is stored. */
  async get(tenantId: string): Promise<R> {
    return (await this.load(tenantId)).record;
  }

  /**
   * Reads the tenant's record, applies `change` and writes it back with optimistic concurrency
   * (eTag). On a conflict (another turn of the same tenant wrote in between) it re-reads and
   * re-applies `change` to the newer record, up to {@link MAX_CONFLICT_RETRIES} times, so no
   * concurrent change is lost (after a short random wait, growing with each conflict, so writers on
   * several instances spread out). A refused change (`ok: false`) writes nothing.
   * @param change pure function of the current record; may be called several times.
   * @returns the result of the last application (with any extra fields `change` returned);
   *   `retried` counts conflicts seen.
   * @throws the storage error when it is not an eTag conflict, or after too many conflicts.
   */
  async update<X extends RecordResult<R, unknown>>(tenantId: string, change: (record: R) => X): Promise<X & { retried: number }> {
    for (let attempt = 0; ; attempt++) {
      const { record, eTag } = await this.load(tenantId);
      const result = change(record);
      if (!result.ok) return { ...result, retried: attempt };
      try {
        await this.storage.write({ [this.key(tenantId)]: { record: result.record, eTag: eTag ?? NEW_RECORD_ETAG } });
        this.changeLog?.note({ kind: this.kind, tenantId, record: result.record });
        return { ...result, retried: attempt };
      } catch (err) {
        if (!isETagConflict(err) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        await retryWait(attempt);
      }
    }
  }

  private async load(tenantId: string): Promise<{ record: R; eTag?: string }> {
    const key = this.key(tenantId);
    const items = await this.storage.read([key]);
    const item = items[key] as { record?: R; eTag?: string } | undefined;
    if (!item?.record || item.record.schemaVersion !== this.schemaVersion) return { record: this.create(tenantId, this.clock()) };
    return { record: item.record, eTag: item.eTag };
  }
}
