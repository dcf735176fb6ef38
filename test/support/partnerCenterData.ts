/**
 * Data for the fake Partner Center (src/partnerCenter/fakeServer.ts) built from Microsoft's
 * documented response examples in test/fixtures/partnerCenter/ (see its README for each source),
 * plus generated customers in the same shape for paging and volume.
 */
import { readFileSync } from 'node:fs';
import type { FakePartnerCenterData } from '../../src/partnerCenter/fakeServer.js';
import type { PartnerCenterCustomer, PartnerRelationship } from '../../src/partnerCenter/schemas.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/partnerCenter/${name}`, import.meta.url), 'utf8')) as T;

/** The documented example collections and resources, as files. */
export const FIXTURES = {
  customersPage1: fixture<{ items: PartnerCenterCustomer[] }>('customers.page1.json'),
  customersPage2: fixture<{ items: PartnerCenterCustomer[] }>('customers.page2.json'),
  indirectResellerCustomers: fixture<{ items: PartnerCenterCustomer[] }>('customers.indirectReseller.json'),
  relationships: fixture<{ items: PartnerRelationship[] }>('relationships.indirect.json'),
  relationshipRequest: fixture<{ url: string }>('relationshipRequest.json'),
  mpn: fixture<{ mpnId: string }>('profile.mpn.json'),
  legal: fixture<FakePartnerCenterData['legalBusinessProfile']>('profile.legalbusiness.json'),
};

/** Customer `n` in the documented Customer shape (`get-a-list-of-customers.md`). */
export function generatedCustomer(n: number): PartnerCenterCustomer {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    id,
    companyProfile: { tenantId: id, domain: `customer${n}.onmicrosoft.com`, companyName: `Customer ${n}` },
    relationshipToPartner: 'reseller',
  };
}

/**
 * The documented examples (the indirect-reseller example's customers first, then the customer-list
 * examples), `extra` generated customers after them, the documented relationships as the
 * reseller's indirect providers, and the first documented provider related to the first customer.
 */
export function documentedData(extra = 0): FakePartnerCenterData {
  const customers = [
    ...FIXTURES.indirectResellerCustomers.items,
    ...FIXTURES.customersPage2.items,
    ...Array.from({ length: extra }, (_, i) => generatedCustomer(i)),
  ];
  const provider = FIXTURES.relationships.items[0]!;
  const reseller = '484e548c-f5f3-4528-93a9-c16c6373cb59'; // the reseller of the documented IndirectReseller request
  return {
    customers,
    providerOfCustomer: {},
    resellerOfCustomer: Object.fromEntries(FIXTURES.indirectResellerCustomers.items.map((c) => [c.id, reseller])),
    customerRelationships: { [customers[0]!.id]: [provider] },
    indirectProviders: FIXTURES.relationships.items,
    indirectResellers: FIXTURES.relationships.items,
    relationshipRequestUrl: FIXTURES.relationshipRequest.url,
    mpnProfile: { mpnId: '4847383' },
    legalBusinessProfile: FIXTURES.legal,
  };
}
