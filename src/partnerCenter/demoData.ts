/**
 * The demo data of `PARTNER_CENTER_MODE=fake`: five customers of the signed-in reseller, three
 * direct bill and two served with the indirect provider "First Up Consultants". Company names,
 * domains and ids come from the examples in Microsoft's Partner Center REST reference
 * (MicrosoftDocs/partner-center-sdk `develop/get-a-customer-by-name.md`,
 * `get-customers-of-an-indirect-reseller.md`, `retrieve-a-list-of-indirect-resellers.md`,
 * `request-reseller-relationship.md`, commit de1e685), so nothing looks like a real partner's data.
 *
 * @module
 */
import type { FakePartnerCenterData } from './fakeServer.js';
import type { PartnerCenterCustomer, PartnerRelationship } from './schemas.js';

const customer = (id: string, domain: string, companyName: string): PartnerCenterCustomer => ({
  id,
  companyProfile: { tenantId: id, domain, companyName },
  relationshipToPartner: 'reseller',
});

/** The documented indirect providers ("Retrieve a list of indirect resellers" example, read here from the reseller's side). */
const PROVIDERS: PartnerRelationship[] = [
  {
    id: '484e548c-f5f3-4528-93a9-c16c6373cb59',
    name: 'First Up Consultants',
    relationshipType: 'is_indirect_reseller_of',
    state: 'Active',
    mpnId: '4847383',
    location: 'US',
  },
];

/** A fresh copy of the demo data (the fake may be changed by whoever holds it). */
export function demoPartnerCenterData(): FakePartnerCenterData {
  const customers = [
    customer('c5757d70-06f3-4f23-8367-5a9e55019f94', 'contoso190.onmicrosoft.com', 'Contoso190'),
    customer('7b26b357-9ca3-48b8-a58e-4febe2662a5d', 'ContosoCorpCo.onmicrosoft.com', 'Contoso'),
    customer('bfbd6ef0-311f-47ec-bbd7-0fcb7846661b', 'contosocorpdemo.onmicrosoft.com', 'Contoso'),
    customer('53eb21cb-6b2d-4ee5-9e92-27dfc927e93c', 'fourthcoffee137.onmicrosoft.com', 'FourthCoffee137'),
    customer('3dfe847b-cad9-4fc1-86d3-cf16c2790087', 'wingtiptoys1254789149.onmicrosoft.com', 'Wingtip Toys1254789149'),
  ];
  const provider = PROVIDERS[0]!.id;
  return {
    customers,
    providerOfCustomer: { [customers[3]!.id]: provider, [customers[4]!.id]: provider },
    resellerOfCustomer: {},
    customerRelationships: {},
    indirectProviders: PROVIDERS.map((p) => ({ ...p })),
    indirectResellers: [],
    relationshipRequestUrl:
      'https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=3b33e682-00c3-41ee-9dd2-a548adf56438&msppId=0&DAP=false#/BillingAccounts/partner-invitation',
    mpnProfile: { mpnId: '4847383' },
    legalBusinessProfile: { companyName: 'Lucerne Publishing', address: { country: 'US' } },
  };
}
