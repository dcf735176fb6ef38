/**
 * Stores for the turn bench's store-size phase (`bench/run.ts`, phase 4): `count` tenants written
 * straight through LowdbStorage, each with a checklist at step 8 and 25 customers.
 */
import path from 'node:path';
import { newCustomerRecord, type Customer } from '../src/domain/customers.js';
import { newTransitionRecord } from '../src/domain/transition.js';
import { LowdbStorage } from '../src/store/lowdbStorage.js';
import { runCommands, STEPS_TO_NEXT } from '../test/support/transitionScripts.js';

/**
 * Fills the store under `dir` (the app's DATA_DIR) with `count` tenants, each with a journey at
 * step 8 and 25 customers; written 250 tenants per storage write.
 * @throws Error when a seeding command is refused (the domain rules changed under the bench).
 */
export async function seedTenants(dir: string, count: number): Promise<void> {
  const storage = new LowdbStorage({ dir: path.join(dir, 'store'), cacheSize: 0 });
  const now = new Date('2026-11-20T09:00:00Z');
  const actor = { id: 'seed', name: 'Seed' };
  const journey = runCommands(STEPS_TO_NEXT, actor, now, newTransitionRecord('x', now));
  for (let start = 0; start < count; start += 250) {
    const changes: Record<string, unknown> = {};
    for (let i = start; i < Math.min(count, start + 250); i++) {
      const tenantId = `stored-tenant-${i}`;
      const customers: Customer[] = Array.from({ length: 25 }, (_, k) => ({
        domain: `c${k}.tenant${i}.example`,
        name: `Customer ${k} of ${i}`,
        class: 'unknown',
        added: { by: actor, at: now.toISOString(), source: 'import' },
      }));
      changes[`tenants/${tenantId}/transition`] = { record: { ...journey, tenantId } };
      changes[`tenants/${tenantId}/customers`] = { record: { ...newCustomerRecord(tenantId, now), revision: 1, customers } };
    }
    await storage.write(changes as never);
  }
}
