/**
 * Partner Center REST contract (src/partnerCenter/client.ts): the client reads the documented
 * shapes, follows every page, and maps failures to clear codes. The shared suite runs against the
 * local fake (documented examples, test/fixtures/partnerCenter/) and, when PARTNER_CENTER_TOKEN is
 * set (an App+User token for https://api.partnercenter.microsoft.com, optional PARTNER_CENTER_BASE_URL),
 * against the real service, read-only. The fake-only part scripts what a live service cannot be made
 * to do on demand: 429 with Retry-After, 5xx, 401, 403, slow and broken answers.
 */
import { expect } from 'chai';
import { PartnerCenterClient } from '../../src/partnerCenter/client.js';
import { PartnerCenterError } from '../../src/partnerCenter/errors.js';
import { FakePartnerCenter } from '../../src/partnerCenter/fakeServer.js';
import { documentedData, FIXTURES } from '../support/partnerCenterData.js';

/** The read-only checks any Partner Center (fake or real) must pass. */
function contractSuite(client: () => PartnerCenterClient): void {
  it('lists customers page by page, each with an id, a tenant, a domain and a company name, no id twice', async () => {
    const customers = await client().customers();
    expect(customers.length).to.be.greaterThan(0);
    for (const c of customers) {
      expect(c.id).to.be.a('string').and.not.equal('');
      expect(c.companyProfile.domain).to.be.a('string');
      expect(c.companyProfile.companyName).to.be.a('string');
    }
    expect(new Set(customers.map((c) => c.id)).size).to.equal(customers.length);
  });

  it("reads the partner's indirect providers (IsIndirectResellerOf) as PartnerRelationships", async () => {
    const providers = await client().relationships('IsIndirectResellerOf');
    for (const p of providers) {
      expect(p.id).to.be.a('string').and.not.equal('');
      expect(p.relationshipType).to.be.a('string');
    }
  });

  it('reads the reseller relationship request link (an https URL)', async () => {
    expect(await client().resellerRelationshipRequestUrl()).to.match(/^https:\/\//);
  });

  it("reads the partner's PartnerID (MPN profile)", async () => {
    expect((await client().mpnProfile()).mpnId)
      .to.be.a('string')
      .and.not.equal('');
  });
}

describe('Partner Center contract', function () {
  this.timeout(20_000);

  describe('against the local fake (documented examples)', () => {
    const fake = new FakePartnerCenter(documentedData(250), { 'fake-token': [], 'sales-agent-token': ['/v1/customers/relationshiprequests'] });
    const waits: number[] = [];
    const make = (options: Partial<ConstructorParameters<typeof PartnerCenterClient>[0]> = {}) =>
      new PartnerCenterClient({
        baseUrl: fake.url,
        token: async () => 'fake-token',
        pageSize: 40,
        sleep: async (ms) => void waits.push(ms),
        ...options,
      });
    before(() => fake.start());
    after(() => fake.stop());
    beforeEach(() => {
      waits.length = 0;
      fake.reset();
      fake.data = documentedData(250);
    });

    contractSuite(() => make());

    it('follows links.next with its MS-ContinuationToken until no next link: 255 customers in 7 pages of 40', async () => {
      const customers = await make().customers();
      expect(customers).to.have.length(255);
      expect(customers[0]!.companyProfile.domain).to.equal(FIXTURES.indirectResellerCustomers.items[0]!.companyProfile.domain);
      const pages = fake.seen.filter((r) => r.path.startsWith('/v1/customers'));
      expect(pages).to.have.length(7);
      expect(pages[0]!.continuationToken).to.equal(undefined);
      expect(pages.slice(1).every((p) => p.continuationToken && p.path === '/v1/customers?size=40&seekOperation=Next')).to.equal(true);
    });

    it('reads the documented examples field for field (relationships, request link, legal profile)', async () => {
      const c = make();
      expect(await c.relationships('IsIndirectCloudSolutionProviderOf')).to.deep.equal(
        FIXTURES.relationships.items.map(({ id, name, relationshipType, state, mpnId, location }) => ({ id, name, relationshipType, state, mpnId, location })),
      );
      expect(await c.resellerRelationshipRequestUrl()).to.equal(FIXTURES.relationshipRequest.url);
      expect((await c.legalBusinessProfile()).companyName).to.equal('Lucerne Publishing');
      const first = fake.data.customers[0]!.id;
      expect((await c.customerRelationships(first)).map((r) => r.name)).to.deep.equal(['First Up Consultants']);
    });

    it('filters customers the documented way: by indirect reseller (the documented request) and by indirect provider', async () => {
      const c = make();
      const ofReseller = await c.customers(undefined, { field: 'IndirectReseller', value: '484e548c-f5f3-4528-93a9-c16c6373cb59' });
      expect(ofReseller.map((x) => x.companyProfile.domain)).to.deep.equal(FIXTURES.indirectResellerCustomers.items.map((x) => x.companyProfile.domain));
      const documented =
        '/v1/customers?size=40&filter=%7B%22Field%22%3A%22IndirectReseller%22%2C%22Value%22%3A%22484e548c-f5f3-4528-93a9-c16c6373cb59%22%2C%22Operator%22%3A%22starts_with%22%7D';
      expect(fake.seen[0]!.path).to.equal(documented);
      fake.data.providerOfCustomer = Object.fromEntries(fake.data.customers.slice(10, 95).map((x) => [x.id, 'provider-tenant-1']));
      const ofProvider = await c.customersOfIndirectProvider('provider-tenant-1');
      expect(ofProvider.map((x) => x.id)).to.deep.equal(fake.data.customers.slice(10, 95).map((x) => x.id));
      expect(fake.seen.filter((r) => r.path.includes('IndirectCloudSolutionProvider'))).to.have.length(3); // 85 customers, pages of 40
    });

    it('sends the documented headers: a bearer token, a request id and a correlation id per call', async () => {
      await make().mpnProfile();
      await make().mpnProfile();
      const [a, b] = fake.seen;
      expect(a!.requestId).to.match(/^[0-9a-f-]{36}$/);
      expect(a!.correlationId).to.match(/^[0-9a-f-]{36}$/);
      expect(b!.correlationId).to.not.equal(a!.correlationId);
    });

    it('waits as long as Retry-After says after a 429, then succeeds with a new request id', async () => {
      fake.fail({ path: '/v1/profiles/mpn', status: 429, retryAfter: '7', times: 2 });
      expect((await make().mpnProfile()).mpnId).to.equal('4847383');
      expect(waits).to.deep.equal([7000, 7000]);
      expect(new Set(fake.seen.map((r) => r.requestId)).size).to.equal(3);
      expect(new Set(fake.seen.map((r) => r.correlationId)).size).to.equal(1);
    });

    it('a Retry-After longer than the client waits fails at once as throttled, with how long to wait', async () => {
      fake.fail({ path: '/v1/profiles/mpn', status: 429, retryAfter: '120' });
      const err = await make()
        .mpnProfile()
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(PartnerCenterError);
      expect((err as PartnerCenterError).code).to.equal('throttled');
      expect((err as PartnerCenterError).retryAfterMs).to.equal(120_000);
      expect((err as PartnerCenterError).messageKey).to.equal('partnerCenter.errors.throttled');
      expect(waits).to.deep.equal([]);
    });

    it('retries 5xx with growing back-off, and gives up as unavailable after 4 attempts', async () => {
      fake.fail({ path: '/v1/customers', status: 503, times: 2 });
      expect(await make().customers()).to.have.length(255);
      expect(waits).to.have.length(2);
      waits.length = 0;
      fake.fail({ path: '/v1/profiles/mpn', status: 500, times: 10 });
      const err = (await make()
        .mpnProfile()
        .catch((e: unknown) => e)) as PartnerCenterError;
      expect([err.code, err.status]).to.deep.equal(['unavailable', 500]);
      expect(waits).to.have.length(3);
      expect(waits.every((w, i) => w >= 0 && w <= 500 * 2 ** i)).to.equal(true);
    });

    it('401 (sign-in expired), 403 (missing role) and 404 fail at once, without retries', async () => {
      const unauthorized = (await make({ token: async () => 'expired' })
        .customers()
        .catch((e: unknown) => e)) as PartnerCenterError;
      expect([unauthorized.code, unauthorized.status]).to.deep.equal(['unauthorized', 401]);
      const forbidden = (await make({ token: async () => 'sales-agent-token' })
        .resellerRelationshipRequestUrl()
        .catch((e: unknown) => e)) as PartnerCenterError;
      expect([forbidden.code, forbidden.status, forbidden.messageKey]).to.deep.equal(['forbidden', 403, 'partnerCenter.errors.forbidden']);
      const missing = (await make()
        .customerRelationships('no-such-customer')
        .catch((e: unknown) => e)) as PartnerCenterError;
      expect([missing.code, missing.status]).to.deep.equal(['notFound', 404]);
      expect(waits).to.deep.equal([]);
      expect(fake.seen).to.have.length(3);
    });

    it('an answer slower than the time limit is retried, then fails as timeout', async () => {
      fake.fail({ path: '/v1/profiles/mpn', delayMs: 400, times: 2 });
      const err = (await make({ retry: { timeoutMs: 100, attempts: 2 } })
        .mpnProfile()
        .catch((e: unknown) => e)) as PartnerCenterError;
      expect(err.code).to.equal('timeout');
      expect(fake.seen).to.have.length(2);
      expect(fake.seen[1]!.requestId, 'the same request id again after no answer').to.equal(fake.seen[0]!.requestId);
    });

    it('an undocumented answer fails as badResponse, not retried, and no error names the token', async () => {
      fake.fail({ path: '/v1/profiles/mpn', rawBody: '{"unexpected":true}' });
      const err = (await make({ token: async () => 'fake-token' })
        .mpnProfile()
        .catch((e: unknown) => e)) as PartnerCenterError;
      expect(err.code).to.equal('badResponse');
      expect(fake.seen).to.have.length(1);
      expect(`${err.message} ${JSON.stringify(err)}`).to.not.include('fake-token');
    });

    it("stops when the caller aborts, with the caller's reason", async () => {
      const controller = new AbortController();
      fake.fail({ path: '/v1/profiles/mpn', delayMs: 300 });
      setTimeout(() => controller.abort(new Error('the partner left')), 50);
      const err = (await make()
        .mpnProfile(controller.signal)
        .catch((e: unknown) => e)) as Error;
      expect(err.message).to.equal('the partner left');
    });

    it('a token that cannot be minted (consent missing) fails with that error, unretried, before any request', async () => {
      const refusal = new Error('consent required');
      let asked = 0;
      const err = await make({
        token: async () => {
          asked++;
          throw refusal;
        },
      })
        .customers()
        .catch((e: unknown) => e);
      expect(err).to.equal(refusal);
      expect(asked).to.equal(1);
      expect(fake.seen).to.have.length(0);
    });
  });

  const token = process.env.PARTNER_CENTER_TOKEN;
  (token ? describe : describe.skip)(
    token
      ? 'against the real Partner Center (PARTNER_CENTER_TOKEN set)'
      : 'against the real Partner Center: skipped, set PARTNER_CENTER_TOKEN (App+User) to run',
    () => {
      contractSuite(
        () =>
          new PartnerCenterClient({
            token: async () => token!,
            ...(process.env.PARTNER_CENTER_BASE_URL ? { baseUrl: process.env.PARTNER_CENTER_BASE_URL } : {}),
          }),
      );
    },
  );
});

describe('Partner Center failures, explained to the partner', () => {
  it('every error code has a message in every language, and throttled names the seconds to wait', async () => {
    const { SUPPORTED_LOCALES, translator } = await import('../../src/i18n/index.js');
    const { PARTNER_CENTER_ERROR_CODES, describePartnerCenterError } = await import('../../src/partnerCenter/errors.js');
    for (const locale of SUPPORTED_LOCALES) {
      const t = translator(locale);
      const texts = PARTNER_CENTER_ERROR_CODES.map((code) =>
        describePartnerCenterError(t, new PartnerCenterError(code, 'GET /v1/customers', undefined, undefined, 57_000)),
      );
      expect(new Set(texts).size, locale).to.equal(PARTNER_CENTER_ERROR_CODES.length);
      for (const text of texts) expect(text, locale).to.not.match(/partnerCenter\.errors|\{\{/);
      expect(texts[PARTNER_CENTER_ERROR_CODES.indexOf('throttled')], locale).to.include('57');
    }
  });
});
