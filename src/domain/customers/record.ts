/**
 * The customer record: one tenant's customer list, each customer keyed by primary domain with its
 * class (direct bill, indirect reseller, unknown), why it has that class and who set it. The
 * classes come from the transition seed (transition-direct-bill-to-indirect-reseller.en.md),
 * "Managing your direct bill customers and your indirect reseller customers".
 *
 * Pure: no I/O. Records are treated as immutable; every change returns a new record.
 */
import type { Actor, Mark } from '../transition.js';

/** The customer classes: direct bill, indirect reseller, or not known yet. */
export const CUSTOMER_CLASSES = ['directBill', 'indirectReseller', 'unknown'] as const;
/** One of {@link CUSTOMER_CLASSES}. */
export type CustomerClass = (typeof CUSTOMER_CLASSES)[number];

/**
 * Why a customer has its class: an accepted indirect reseller invitation, a provider created it for
 * the reseller, a moved direct bill customer, the partner's answer to the identifying question, or
 * Partner Center's own data read in connected mode (`partnerCenter`, verified).
 */
export type ClassificationBasis = 'invitation' | 'addedByProvider' | 'moved' | 'question' | 'partnerCenter';

/** The indirect provider of an indirect reseller customer: tenant ID when known, company name. */
export interface CustomerProviderRef {
  tenantId?: string;
  name: string;
}

/** One customer of the reseller, keyed by primary domain. Times are ISO 8601 instants (UTC). */
export interface Customer {
  /** Primary domain, lower-case, e.g. `fabrikam.onmicrosoft.com`; the key. */
  domain: string;
  /** Company name, 1-200 characters, whitespace collapsed. */
  name: string;
  /** Microsoft Entra tenant ID (GUID), lower-case. */
  tenantId?: string;
  class: CustomerClass;
  /** indirectReseller only, when known. */
  provider?: CustomerProviderRef;
  /** Undefined while unknown. */
  basis?: ClassificationBasis;
  /** Who/when the class was set (undefined while unknown). */
  classified?: Mark;
  /** Who added the customer, when, and how: typed on a card, imported from CSV, from a relationship, or read from Partner Center. */
  added: Mark & { source: 'card' | 'import' | 'relationship' | 'partnerCenter' };
}

/** One tenant's customer list; `revision` increases on every change (stale-card guard). */
export interface CustomerRecord {
  schemaVersion: 1;
  tenantId: string;
  revision: number;
  updatedAt: string;
  customers: Customer[];
  /** The last read of Partner Center in connected mode: when (ISO instant) and how many customers it listed. */
  partnerCenter?: { readAt: string; customers: number };
}

/** Most customers one tenant's record keeps. */
export const MAX_CUSTOMERS = 50_000;

/** The actor recorded on classifications the assistant derives from relationships. */
export const ASSISTANT_ACTOR: Actor = { id: 'assistant', name: 'CSP partner assistant' };

/** An empty record for `tenantId` at `now` (revision 0). */
export function newCustomerRecord(tenantId: string, now: Date): CustomerRecord {
  return { schemaVersion: 1, tenantId, revision: 0, updatedAt: now.toISOString(), customers: [] };
}

/** `record` with `customers` in place of its list, `revision + 1` and `updatedAt` = `now` (internal to the customer modules). */
export function bumped(record: CustomerRecord, customers: Customer[], now: Date): CustomerRecord {
  return { ...record, revision: record.revision + 1, updatedAt: now.toISOString(), customers };
}
