/**
 * A typed Partner Center REST client for what the assistant reads in connected mode: the partner's
 * customers (every page), its indirect providers or indirect resellers, a customer's partner
 * relationships, the reseller relationship request link, and the partner's profiles.
 *
 * Sources: MicrosoftDocs/partner-center-sdk `develop/` pages named on each method (commit de1e685);
 * documented examples with citations in `test/fixtures/partnerCenter/`. Paging follows
 * `links.next` as the .NET SDK does (microsoft/partner-center-sdk-for-dotNET): request its `uri`
 * (under `/v1`) with every header it lists (`MS-ContinuationToken`), until there is no `next`.
 *
 * @module
 */
import type { z } from 'zod';
import { PartnerCenterError } from './errors.js';
import { PartnerCenterHttp, type PartnerCenterHttpOptions } from './http.js';
import {
  collectionSchema,
  customerSchema,
  legalBusinessProfileSchema,
  mpnProfileSchema,
  partnerRelationshipSchema,
  relationshipRequestSchema,
  type LegalBusinessProfile,
  type Link,
  type MpnProfile,
  type PartnerCenterCustomer,
  type PartnerRelationship,
  type RelationshipQuery,
} from './schemas.js';

const customerPage = collectionSchema(customerSchema);
const relationshipPage = collectionSchema(partnerRelationshipSchema);
type CustomerPage = z.infer<typeof customerPage>;

/** Customers per page asked for (`size`); the documented examples use 40. */
export const DEFAULT_PAGE_SIZE = 100;
/** A safety stop: more pages than this means the service keeps answering with a `next` link (a loop). */
export const MAX_PAGES = 10_000;

/**
 * A customer list filter (`CustomerSearchField`): the customers of an indirect reseller (provider's
 * view) or of an indirect provider (reseller's view), by that partner's tenant id.
 */
export interface CustomerFilter {
  field: 'IndirectReseller' | 'IndirectCloudSolutionProvider';
  value: string;
}

/** Options of {@link PartnerCenterClient}: the HTTP core's (token provider, base URL, retry policy) and the page size. */
export interface PartnerCenterClientOptions extends PartnerCenterHttpOptions {
  pageSize?: number;
}

/** The path of a `links.next` uri under the API root: `/v1/...` whether or not the link carries `/v1`. */
function pathOf(link: Link): string {
  const uri = link.uri.replace(/^https?:\/\/[^/]+/i, '');
  const path = uri.startsWith('/') ? uri : `/${uri}`;
  return path.startsWith('/v1/') ? path : `/v1${path}`;
}

/** The headers a `links.next` asks to send (the continuation token). */
function headersOf(link: Link): Record<string, string> {
  return Object.fromEntries((link.headers ?? []).map((h) => [h.key, h.value]));
}

/**
 * Reads Partner Center. Every method throws {@link PartnerCenterError} (codes in `errors.ts`) and
 * honours an optional AbortSignal.
 */
export class PartnerCenterClient {
  private readonly http: PartnerCenterHttp;
  private readonly pageSize: number;

  constructor(options: PartnerCenterClientOptions) {
    this.http = new PartnerCenterHttp(options);
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /** The base URL calls go to (the production endpoint, or a fake server). */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /**
   * The partner's customers, page by page (`get-a-list-of-customers.md`: `GET /v1/customers?size=n`,
   * then each `links.next`). App or App+User credentials.
   * @throws PartnerCenterError; `badResponse` also when pages keep coming beyond {@link MAX_PAGES}.
   */
  async *customerPages(signal?: AbortSignal, filter?: CustomerFilter): AsyncGenerator<PartnerCenterCustomer[]> {
    const query = filter ? `&filter=${encodeURIComponent(JSON.stringify({ Field: filter.field, Value: filter.value, Operator: 'starts_with' }))}` : '';
    let request: { path: string; headers?: Record<string, string> } | undefined = { path: `/v1/customers?size=${this.pageSize}${query}` };
    for (let page = 0; request; page++) {
      if (page >= MAX_PAGES) throw new PartnerCenterError('badResponse', 'GET /v1/customers');
      const { body }: { body: CustomerPage } = await this.http.get({ ...request, ...(signal ? { signal } : {}) }, customerPage);
      yield body.items;
      const next: Link | undefined = body.links?.next;
      request = next ? { path: pathOf(next), headers: headersOf(next) } : undefined;
    }
  }

  /** Every customer of the partner (all pages of {@link customerPages}), optionally filtered. */
  async customers(signal?: AbortSignal, filter?: CustomerFilter): Promise<PartnerCenterCustomer[]> {
    const all: PartnerCenterCustomer[] = [];
    for await (const page of this.customerPages(signal, filter)) all.push(...page);
    return all;
  }

  /**
   * The signed-in indirect reseller's customers that one of its indirect providers also serves:
   * `GET /v1/customers?filter={"Field":"IndirectCloudSolutionProvider","Value":<provider tenant id>,"Operator":"starts_with"}`.
   * The filter syntax is documented for the `IndirectReseller` field (`get-customers-of-an-indirect-reseller.md`);
   * `IndirectCloudSolutionProvider` is the other field of `CustomerSearchField` in the .NET SDK
   * (microsoft/partner-center-sdk-for-dotNET `Source/PartnerSdk.Models/Customers/CustomerSearchField.cs`, commit 005c111).
   */
  customersOfIndirectProvider(providerTenantId: string, signal?: AbortSignal): Promise<PartnerCenterCustomer[]> {
    return this.customers(signal, { field: 'IndirectCloudSolutionProvider', value: providerTenantId });
  }

  /**
   * The signed-in partner's relationships with other partners (`retrieve-a-list-of-indirect-resellers.md`:
   * `GET /v1/relationships?relationship_type=...`). As an indirect reseller, `IsIndirectResellerOf`
   * gives its indirect providers; as an indirect provider, `IsIndirectCloudSolutionProviderOf` its
   * indirect resellers. App+User credentials.
   */
  async relationships(type: RelationshipQuery, signal?: AbortSignal): Promise<PartnerRelationship[]> {
    const { body } = await this.http.get({ path: `/v1/relationships?relationship_type=${type}`, ...(signal ? { signal } : {}) }, relationshipPage);
    return body.items;
  }

  /**
   * The partners in a relationship with one customer (`get-indirect-resellers-of-a-customer.md`:
   * `GET /v1/customers/{id}/relationships`). App+User credentials.
   */
  async customerRelationships(customerId: string, signal?: AbortSignal): Promise<PartnerRelationship[]> {
    const path = `/v1/customers/${encodeURIComponent(customerId)}/relationships`;
    const { body } = await this.http.get({ path, ...(signal ? { signal } : {}) }, relationshipPage);
    return body.items;
  }

  /**
   * The link a customer opens to accept a reseller relationship with this partner
   * (`request-reseller-relationship.md`: `GET /v1/customers/relationshiprequests`). App+User credentials.
   */
  async resellerRelationshipRequestUrl(signal?: AbortSignal): Promise<string> {
    const { body } = await this.http.get({ path: '/v1/customers/relationshiprequests', ...(signal ? { signal } : {}) }, relationshipRequestSchema);
    return body.url;
  }

  /** The partner's MPN profile: its PartnerID (`mpnId`) (`get-partner-network-profile.md`: `GET /v1/profiles/mpn`). */
  async mpnProfile(signal?: AbortSignal): Promise<MpnProfile> {
    return (await this.http.get({ path: '/v1/profiles/mpn', ...(signal ? { signal } : {}) }, mpnProfileSchema)).body;
  }

  /** The partner's legal business profile (`get-legal-business-profile.md`: `GET /v1/profiles/legalbusiness`). */
  async legalBusinessProfile(signal?: AbortSignal): Promise<LegalBusinessProfile> {
    return (await this.http.get({ path: '/v1/profiles/legalbusiness', ...(signal ? { signal } : {}) }, legalBusinessProfileSchema)).body;
  }
}
