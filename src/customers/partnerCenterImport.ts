/**
 * Connected mode: reads what Partner Center knows about the signed-in reseller's customers and
 * turns it into facts for `classifyFromPartnerCenter` (src/domain/customers/partnerCenterFacts.ts).
 *
 * Reads (src/partnerCenter/client.ts), in parallel: the reseller's indirect providers
 * (`GET /v1/relationships?relationship_type=IsIndirectResellerOf`), every customer
 * (`GET /v1/customers`, all pages), and per provider the customers it also serves (the same list
 * filtered by `IndirectCloudSolutionProvider`). No call per customer: 10,000 customers are about
 * a hundred page reads.
 *
 * @module
 */
import type { CustomerProviderRef, PartnerCenterCustomerFact, PartnerCenterSnapshot } from '../domain/customers.js';
import type { PartnerCenterClient } from '../partnerCenter/client.js';
import type { PartnerCenterCustomer, PartnerRelationship } from '../partnerCenter/schemas.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fact for one Partner Center customer (a tenant id that is not a GUID is left out). */
function factOf(c: PartnerCenterCustomer, provider: CustomerProviderRef | undefined): PartnerCenterCustomerFact {
  const tenantId = c.companyProfile.tenantId;
  return {
    domain: c.companyProfile.domain,
    name: c.companyProfile.companyName,
    ...(GUID.test(tenantId) ? { tenantId: tenantId.toLowerCase() } : {}),
    ...(provider ? { provider } : {}),
  };
}

/** A Partner Center read: the snapshot of every customer with its provider, and the reseller's indirect providers. */
export interface PartnerCenterRead {
  snapshot: PartnerCenterSnapshot;
  providers: PartnerRelationship[];
}

/**
 * Reads the reseller's customers and which indirect provider serves each (see the module notes).
 * A customer two providers list keeps the first provider in Partner Center's order.
 * @param readAt the time recorded as the read's (ISO instant)
 * @throws PartnerCenterError from any read (nothing is half-read: the caller saves only a whole snapshot)
 */
export async function readPartnerCenterCustomers(client: PartnerCenterClient, readAt: string, signal?: AbortSignal): Promise<PartnerCenterRead> {
  const providers = await client.relationships('IsIndirectResellerOf', signal);
  const [customers, ...served] = await Promise.all([client.customers(signal), ...providers.map((p) => client.customersOfIndirectProvider(p.id, signal))]);
  const providerOf = new Map<string, CustomerProviderRef>();
  providers.forEach((p, i) => {
    for (const c of served[i]!) if (!providerOf.has(c.id)) providerOf.set(c.id, { tenantId: p.id.toLowerCase(), name: p.name });
  });
  // a customer a provider's list names but the full list missed (read at another moment) still counts
  const all = new Map(customers.map((c) => [c.id, c]));
  for (const c of served.flat()) if (!all.has(c.id)) all.set(c.id, c);
  const facts = [...all.values()].filter((c) => c.companyProfile.domain.trim() !== '').map((c) => factOf(c, providerOf.get(c.id)));
  return { snapshot: { readAt, customers: facts }, providers };
}
