/**
 * The Partner Center REST resources the assistant reads, as zod schemas of their documented shape.
 * Unknown fields are dropped; a missing documented field fails the call as `badResponse`.
 *
 * Sources (MicrosoftDocs/partner-center-sdk, `develop/`, commit de1e685; examples copied into
 * `test/fixtures/partnerCenter/` with their citations):
 * - Customer, CustomerCompanyProfile: `customer-resources.md`, `get-a-list-of-customers.md`;
 *   `relationshipToPartner` is one of none, reseller, advisor, syndication, microsoft_support (and
 *   `unknown` in the swagger), kept as a string.
 * - ResourceCollection and Link (`links.next` with `uri`, `method`, `headers: [{key, value}]`):
 *   `utility-resources.md`.
 * - PartnerRelationship: `relationships-resources.md`, `retrieve-a-list-of-indirect-resellers.md`,
 *   `get-indirect-resellers-of-a-customer.md` (`relationshipType` comes back in snake case, e.g.
 *   `is_indirect_cloud_solution_provider_of`).
 * - RelationshipRequest (`url`): `request-reseller-relationship.md`.
 * - MpnProfile (`mpnId`, since 2023 called PartnerID in Partner Center): `get-partner-network-profile.md`.
 * - LegalBusinessProfile: `get-legal-business-profile.md`.
 *
 * @module
 */
import { z } from 'zod';

/** A link of a resource: `uri` relative to the API root (with or without `/v1`), and headers to send with it. */
export const linkSchema = z.object({
  uri: z.string(),
  method: z.string().optional(),
  headers: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
});
export type Link = z.infer<typeof linkSchema>;

/** A page of a collection: `items`, `totalCount`, and `links.next` when there is a further page. */
export function collectionSchema<T extends z.ZodType>(item: T) {
  return z.object({
    totalCount: z.number().int().nonnegative().optional(),
    items: z.array(item),
    links: z.object({ self: linkSchema.optional(), next: linkSchema.optional(), previous: linkSchema.optional() }).optional(),
  });
}

export const customerSchema = z.object({
  id: z.string().min(1),
  commerceId: z.string().optional(),
  companyProfile: z.object({
    tenantId: z.string(),
    domain: z.string(),
    companyName: z.string(),
  }),
  relationshipToPartner: z.string().optional(),
  allowDelegatedAccess: z.boolean().nullable().optional(),
  /** The indirect reseller associated with the customer (documented on create-for-an-indirect-reseller). */
  associatedPartnerId: z.string().nullable().optional(),
});
/** A customer as Partner Center lists it. */
export type PartnerCenterCustomer = z.infer<typeof customerSchema>;

export const partnerRelationshipSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  relationshipType: z.string(),
  state: z.string().optional(),
  mpnId: z.string().optional(),
  location: z.string().optional(),
});
/** A relationship with another partner (an indirect provider or an indirect reseller): its tenant id, name and PartnerID. */
export type PartnerRelationship = z.infer<typeof partnerRelationshipSchema>;

export const relationshipRequestSchema = z.object({ url: z.url({ protocol: /^https$/ }) });

export const mpnProfileSchema = z.object({ mpnId: z.string(), partnerName: z.string().optional() });
export type MpnProfile = z.infer<typeof mpnProfileSchema>;

export const legalBusinessProfileSchema = z.object({
  companyName: z.string(),
  address: z.object({ country: z.string(), city: z.string().optional(), addressLine1: z.string().optional(), postalCode: z.string().optional() }).optional(),
  primaryContact: z.object({ firstName: z.string().optional(), lastName: z.string().optional(), email: z.string().optional() }).optional(),
  vettingStatus: z.string().optional(),
});
export type LegalBusinessProfile = z.infer<typeof legalBusinessProfileSchema>;

/**
 * `relationship_type` values of `GET /v1/relationships` (retrieve-a-list-of-indirect-resellers.md):
 * signed in as an indirect provider, `IsIndirectCloudSolutionProviderOf` lists its indirect
 * resellers; signed in as an indirect reseller, `IsIndirectResellerOf` lists its indirect providers.
 */
export type RelationshipQuery = 'IsIndirectCloudSolutionProviderOf' | 'IsIndirectResellerOf';
