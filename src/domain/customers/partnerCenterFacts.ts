/**
 * Classifying customers from Partner Center's own data (connected mode): every customer the
 * signed-in reseller has in Partner Center, and which of them an indirect provider also serves.
 *
 * The rule (transition seed, "Managing your direct bill customers and your indirect reseller
 * customers"): a customer an indirect provider serves together with the reseller is an indirect
 * reseller customer of that provider; a customer of the reseller that no indirect provider serves
 * was acquired as a direct bill partner, so it is a direct bill customer. Partner Center lists
 * both (`GET /v1/customers`, and the same list filtered by `IndirectCloudSolutionProvider`, see
 * `src/partnerCenter/client.ts`). These are facts, so they replace a class from any other source
 * (basis `partnerCenter`, by the assistant, at the time of the read).
 *
 * Pure: no I/O; the record is not mutated.
 */
import { ASSISTANT_ACTOR, MAX_CUSTOMERS, type Customer, type CustomerProviderRef, type CustomerRecord } from './record.js';

/** What Partner Center says about one customer of the reseller. */
export interface PartnerCenterCustomerFact {
  /** Primary domain (any case; stored lower-case). */
  domain: string;
  name: string;
  tenantId?: string;
  /** The indirect provider that also serves the customer; none: a direct bill customer. */
  provider?: CustomerProviderRef;
}

/** One read of Partner Center: every customer of the reseller, and when it was read (ISO instant). */
export interface PartnerCenterSnapshot {
  readAt: string;
  customers: PartnerCenterCustomerFact[];
}

/** What a read changed: the new record, the customers added or reclassified, and how many were skipped (over {@link MAX_CUSTOMERS}). */
export interface PartnerCenterClassification {
  record: CustomerRecord;
  added: Customer[];
  reclassified: Customer[];
  skipped: number;
}

const sameProvider = (a?: CustomerProviderRef, b?: CustomerProviderRef) => (a?.tenantId ?? '') === (b?.tenantId ?? '') && (a?.name ?? '') === (b?.name ?? '');

/** The customer `old` (or a new one) as the fact says it is. */
function fromFact(fact: PartnerCenterCustomerFact, domain: string, at: string, old?: Customer): Customer {
  const { provider: _p, basis: _b, classified: _c, ...kept } = old ?? ({} as Partial<Customer>);
  const tenantId = old?.tenantId ?? fact.tenantId?.toLowerCase();
  return {
    ...kept,
    domain,
    name: old?.name ?? (fact.name.replace(/\s+/g, ' ').trim() || domain),
    ...(tenantId ? { tenantId } : {}),
    class: fact.provider ? 'indirectReseller' : 'directBill',
    ...(fact.provider ? { provider: fact.provider } : {}),
    basis: 'partnerCenter',
    classified: { by: ASSISTANT_ACTOR, at },
    added: old?.added ?? { by: ASSISTANT_ACTOR, at, source: 'partnerCenter' },
  };
}

/**
 * Applies a Partner Center read to the record. Customers Partner Center lists are added (source
 * `partnerCenter`) or reclassified when their class, basis or provider differs; a customer already
 * verified the same way keeps its classification time. Customers the record has but Partner Center
 * does not list are left as they are (typed or imported prospects). The record always takes the
 * read's time and count (`partnerCenter`); its revision goes up only when a customer changed.
 */
export function classifyFromPartnerCenter(record: CustomerRecord, snapshot: PartnerCenterSnapshot, now: Date): PartnerCenterClassification {
  const index = new Map<string, number>();
  record.customers.forEach((c, i) => index.set(c.domain, i));
  const customers = record.customers.slice();
  const added: Customer[] = [];
  const reclassified: Customer[] = [];
  let skipped = 0;
  for (const fact of snapshot.customers) {
    const domain = fact.domain.trim().toLowerCase();
    const i = index.get(domain);
    if (i === undefined) {
      if (customers.length >= MAX_CUSTOMERS) {
        skipped++;
        continue;
      }
      const c = fromFact(fact, domain, snapshot.readAt);
      index.set(domain, customers.length);
      customers.push(c);
      added.push(c);
      continue;
    }
    const old = customers[i]!;
    const cls = fact.provider ? 'indirectReseller' : 'directBill';
    if (old.class === cls && old.basis === 'partnerCenter' && sameProvider(old.provider, fact.provider)) continue;
    customers[i] = fromFact(fact, domain, snapshot.readAt, old);
    reclassified.push(customers[i]);
  }
  const partnerCenter = { readAt: snapshot.readAt, customers: snapshot.customers.length };
  const changed = added.length + reclassified.length > 0;
  const next: CustomerRecord = changed
    ? { ...record, revision: record.revision + 1, updatedAt: now.toISOString(), customers, partnerCenter }
    : { ...record, partnerCenter };
  return { record: next, added, reclassified, skipped };
}
