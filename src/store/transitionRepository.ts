import type { Storage } from 'botbuilder';
import { newTransitionRecord, type TransitionRecord, type TransitionResult } from '../domain/transition.js';
import { isETagConflict } from './lowdbStorage.js';

/** How many times {@link TransitionRepository.update} re-reads and re-applies after an eTag conflict. */
export const MAX_CONFLICT_RETRIES = 8;

/**
 * eTag sent when creating a record: storage writes it unconditionally while the key is missing,
 * and reports a conflict if another turn created the record first (so that turn's data survives).
 */
const NEW_RECORD_ETAG = 'expected-new-record';

/** The storage key of a tenant's journey: one item (one lowdb file) per tenant. */
export function transitionKey(tenantId: string): string {
  return `tenants/${encodeURIComponent(tenantId)}/transition`;
}

/**
 * Tenant-scoped access to {@link TransitionRecord}s over any botbuilder `Storage` (lowdb now;
 * Blob or Cosmos later). Every method names its tenant; one tenant's record is one storage item.
 */
export class TransitionRepository {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The tenant's journey, or a fresh unsaved one (revision 0) when none is stored. */
  async get(tenantId: string): Promise<TransitionRecord> {
    return (await this.load(tenantId)).record;
  }

  /**
   * Reads the tenant's record, applies `change` and writes it back with optimistic concurrency
   * (eTag). On a conflict (another turn of the same tenant wrote in between) it re-reads and
   * re-applies `change` to the newer record, up to {@link MAX_CONFLICT_RETRIES} times, so no
   * concurrent change is lost. A refused change (`ok: false`) writes nothing.
   * @param change pure function of the current record; may be called several times.
   * @returns the result of the last application; `retried` counts conflicts seen.
   * @throws the storage error when it is not an eTag conflict, or after too many conflicts.
   */
  async update(tenantId: string, change: (record: TransitionRecord) => TransitionResult): Promise<TransitionResult & { retried: number }> {
    for (let attempt = 0; ; attempt++) {
      const { record, eTag } = await this.load(tenantId);
      const result = change(record);
      if (!result.ok) return { ...result, retried: attempt };
      try {
        await this.storage.write({ [transitionKey(tenantId)]: { record: result.record, eTag: eTag ?? NEW_RECORD_ETAG } });
        return { ...result, retried: attempt };
      } catch (err) {
        if (!isETagConflict(err) || attempt >= MAX_CONFLICT_RETRIES) throw err;
      }
    }
  }

  private async load(tenantId: string): Promise<{ record: TransitionRecord; eTag?: string }> {
    const key = transitionKey(tenantId);
    const items = await this.storage.read([key]);
    const item = items[key] as { record?: TransitionRecord; eTag?: string } | undefined;
    if (!item?.record || item.record.schemaVersion !== 1) return { record: newTransitionRecord(tenantId, this.clock()) };
    return { record: item.record, eTag: item.eTag };
  }
}
