/**
 * Read-only views of a customer record for cards: counts per class and provider, and pages of
 * customers in a locale-independent name order.
 */
import { CUSTOMER_CLASSES, type Customer, type CustomerClass, type CustomerRecord } from './record.js';

/** Deterministic name order independent of the server's locale: case- and accent-insensitive, numbers by value. */
const nameCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Compares customers by name ({@link nameCollator}, then code units), then by domain: a total order. */
export function byName(a: Customer, b: Customer): number {
  return nameCollator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0);
}

/**
 * Counts per class and, for indirect reseller customers, per provider name (largest first, ties
 * by name; customers with no known provider are counted under the name `''`).
 */
export function summarizeCustomers(record: CustomerRecord): {
  total: number;
  counts: Record<CustomerClass, number>;
  byProvider: Array<{ name: string; count: number }>;
} {
  const counts = Object.fromEntries(CUSTOMER_CLASSES.map((c) => [c, 0])) as Record<CustomerClass, number>;
  const providers = new Map<string, number>();
  for (const c of record.customers) {
    counts[c.class] += 1;
    if (c.class === 'indirectReseller') {
      const name = c.provider?.name ?? '';
      providers.set(name, (providers.get(name) ?? 0) + 1);
    }
  }
  const byProvider = [...providers]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || nameCollator.compare(a.name, b.name) || (a.name < b.name ? -1 : 1));
  return { total: record.customers.length, counts, byProvider };
}

/**
 * One page of customers of class `filter` (or all), sorted by name (case- and accent-insensitive,
 * numbers by value, ties by domain). `page` is 0-based and clamped to the pages there are;
 * `pageSize` is floored and at least 1. `pages` is at least 1 (an empty list has one empty page);
 * `page` in the result is the page actually shown.
 */
export function listCustomers(
  record: CustomerRecord,
  filter: CustomerClass | 'all',
  page: number,
  pageSize: number,
): { items: Customer[]; total: number; pages: number; page: number } {
  const size = Number.isFinite(pageSize) ? Math.max(1, Math.floor(pageSize)) : 1;
  const matching = filter === 'all' ? record.customers.slice() : record.customers.filter((c) => c.class === filter);
  matching.sort(byName);
  const pages = Math.max(1, Math.ceil(matching.length / size));
  const p = Number.isFinite(page) ? Math.min(pages - 1, Math.max(0, Math.floor(page))) : 0;
  return { items: matching.slice(p * size, (p + 1) * size), total: matching.length, pages, page: p };
}
