/**
 * Adding and refreshing customers in a record, from a card or a CSV import (rows already
 * validated). Pure: returns a new record, never mutates the input.
 */
import type { Actor } from '../transition.js';
import { bumped, MAX_CUSTOMERS, type Customer, type CustomerRecord } from './record.js';
import type { CustomerInput } from './validation.js';

/**
 * Adds or refreshes customers by domain (rows as returned by {@link validateCustomerInput} or
 * {@link parseCustomerCsv}; domain and tenant ID are lower-cased again defensively).
 * - A new domain is added with class `unknown` and `added` = actor, now, `source`.
 * - An existing domain with a different name, or a tenant ID given and different, is `updated`:
 *   name and tenant ID replaced; class, provider, basis, classified and added kept. A row without
 *   a tenant ID never erases a known one.
 * - Otherwise it counts as `unchanged` (so re-importing the same file adds and updates nothing).
 * - A row repeating an earlier row's domain in the same call is ignored (not counted).
 * The revision goes up by one only when something was added or updated.
 * Refused: `tooMany` when the record would hold more than {@link MAX_CUSTOMERS} customers (nothing
 * is imported). Linear time (a Map by domain).
 */
export function importCustomers(
  record: CustomerRecord,
  rows: CustomerInput[],
  actor: Actor,
  now: Date,
  source: 'import' | 'card',
): { ok: true; record: CustomerRecord; added: Customer[]; updated: Customer[]; unchanged: number } | { ok: false; error: { code: 'tooMany'; limit: number } } {
  const index = new Map<string, number>();
  record.customers.forEach((c, i) => index.set(c.domain, i));
  const seen = new Set<string>();
  const unique: CustomerInput[] = [];
  let newCount = 0;
  for (const row of rows) {
    const domain = row.domain.trim().toLowerCase();
    if (seen.has(domain)) continue;
    seen.add(domain);
    const tenantId = row.tenantId?.trim().toLowerCase();
    unique.push({ name: row.name, domain, ...(tenantId ? { tenantId } : {}) });
    if (!index.has(domain)) newCount++;
  }
  if (record.customers.length + newCount > MAX_CUSTOMERS) return { ok: false, error: { code: 'tooMany', limit: MAX_CUSTOMERS } };

  const at = now.toISOString();
  const customers = record.customers.slice();
  const added: Customer[] = [];
  const updated: Customer[] = [];
  let unchanged = 0;
  for (const row of unique) {
    const i = index.get(row.domain);
    if (i === undefined) {
      const c: Customer = {
        domain: row.domain,
        name: row.name,
        ...(row.tenantId ? { tenantId: row.tenantId } : {}),
        class: 'unknown',
        added: { by: actor, at, source },
      };
      customers.push(c);
      added.push(c);
      continue;
    }
    const old = customers[i]!;
    const tenantId = row.tenantId ?? old.tenantId;
    if (old.name === row.name && old.tenantId === tenantId) {
      unchanged++;
      continue;
    }
    const c: Customer = { ...old, name: row.name, ...(tenantId ? { tenantId } : {}) };
    customers[i] = c;
    updated.push(c);
  }
  if (added.length === 0 && updated.length === 0) return { ok: true, record, added, updated, unchanged };
  return { ok: true, record: bumped(record, customers, now), added, updated, unchanged };
}
