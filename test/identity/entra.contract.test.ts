/**
 * Entra on-behalf-of contract (src/identity/tokenBroker.ts through the real MSAL Node, against
 * src/identity/fakeEntra.ts): the bot turns the user's token for its own API into a Microsoft Graph
 * and a Partner Center token, reuses them from MSAL's cache, and maps Entra's documented errors to
 * clear codes without ever echoing a token or the secret. The live half runs against the real
 * Microsoft Entra ID when ENTRA_CLIENT_ID, ENTRA_CLIENT_SECRET, ENTRA_TENANT_ID and
 * ENTRA_USER_ASSERTION (a current user token for the bot's API, e.g. from Teams SSO) are set.
 * Shapes and sources: test/fixtures/entra/README.md.
 */
import { inspect } from 'node:util';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { demoDirectory, FakeTokenIssuer, type DirectoryUser } from '../../src/identity/demoDirectory.js';
import { FakeEntra, type EntraResource } from '../../src/identity/fakeEntra.js';
import { OnBehalfOfBroker, TokenBrokerError, type OnBehalfOfBrokerOptions } from '../../src/identity/tokenBroker.js';

const CLIENT_ID = '5f3c1d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f';
const CLIENT_SECRET = 'fake~Secret.0123456789abcdefghijklmnop';
const AUDIENCE = `api://${CLIENT_ID}`;

/** The rejection of `promise`, which must reject with a TokenBrokerError. */
async function brokerError(promise: Promise<unknown>): Promise<TokenBrokerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(TokenBrokerError);
    return err as TokenBrokerError;
  }
  throw new Error('expected a TokenBrokerError, got a token');
}

/** Asserts that nothing reachable from `err` (message, stack, cause chain) contains any of `secrets`. */
function expectNoSecrets(err: unknown, secrets: string[]): void {
  const text = `${String(err)}\n${(err as Error).stack ?? ''}\n${inspect(err, { depth: 10, showHidden: true })}\n${JSON.stringify(err)}`;
  for (const s of secrets) expect(text, 'error text leaks a secret').to.not.include(s);
}

describe('Entra on-behalf-of contract', function () {
  this.timeout(20_000);

  describe('against the local fake (documented shapes), through the real MSAL', () => {
    const directory = demoDirectory();
    const issuer = new FakeTokenIssuer();
    const issued: Array<{ token: string; user: DirectoryUser; resource: EntraResource }> = [];
    const fake = new FakeEntra({
      directory,
      issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      userTokenAudience: AUDIENCE,
      onIssue: (token, user, resource) => issued.push({ token, user, resource }),
    });
    const user = (key: string) => directory.users.find((u) => u.key === key)!;
    const userToken = (key: string, lifetimeSeconds?: number, audience = AUDIENCE) =>
      issuer.issue(directory.tenantId, user(key), audience, 'access_as_user', lifetimeSeconds);
    const broker = (options: Partial<OnBehalfOfBrokerOptions> = {}) =>
      new OnBehalfOfBroker({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tenantId: directory.tenantId,
        networkClient: fake.networkClient(),
        ...fake.msalMetadata(),
        ...options,
      });

    before(() => fake.start());
    after(() => fake.stop());
    beforeEach(() => {
      fake.reset();
      issued.length = 0;
    });

    it('mints a Graph token for the user: their oid and tid, audience Graph, the delegated scopes', async () => {
      const assertion = await userToken('dana');
      const token = await broker().graph(assertion);
      const claims = decodeJwt(token);
      expect(claims.aud).to.equal('https://graph.microsoft.com');
      expect(claims.oid).to.equal(user('dana').oid);
      expect(claims.tid).to.equal(directory.tenantId);
      expect(String(claims.scp).split(' ')).to.have.members(['User.Read', 'GroupMember.Read.All']);
      expect(await issuer.verify(token, 'https://graph.microsoft.com')).to.not.equal(undefined);
      expect(issued).to.have.length(1);
      expect(issued[0]).to.deep.include({ token, resource: 'graph' });
      expect(issued[0]!.user.key).to.equal('dana');
    });

    it('sends the documented OBO request: tenant token endpoint, jwt-bearer grant, on_behalf_of, secret in the body', async () => {
      const assertion = await userToken('sam');
      await broker().graph(assertion);
      expect(fake.seen).to.have.length(1);
      const [request] = fake.seen;
      expect(request!.method).to.equal('POST');
      expect(request!.path.split('?')[0]).to.equal(`/${directory.tenantId}/oauth2/v2.0/token`);
      expect(request!.form).to.deep.include({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        assertion,
      });
      // MSAL adds the OpenID scopes to every request, so Entra also returns a refresh token
      expect(request!.form.scope!.split(' ')).to.include.members([
        'https://graph.microsoft.com/User.Read',
        'https://graph.microsoft.com/GroupMember.Read.All',
        'offline_access',
      ]);
    });

    it('mints a Partner Center token: audience Partner Center, user_impersonation, same user', async () => {
      const token = await broker().partnerCenter(await userToken('hui'));
      const claims = decodeJwt(token);
      expect(claims.aud).to.equal('https://api.partnercenter.microsoft.com');
      expect(claims.scp).to.equal('user_impersonation');
      expect(claims.oid).to.equal(user('hui').oid);
      expect(claims.tid).to.equal(directory.tenantId);
      expect(issued.map((i) => i.resource)).to.deep.equal(['partnerCenter']);
    });

    it("serves the second call from MSAL's cache: same token, no new request; other scopes and users are new requests", async () => {
      const b = broker();
      const dana = await userToken('dana');
      const first = await b.graph(dana);
      expect(await b.graph(dana)).to.equal(first);
      expect(fake.tokenRequests).to.have.length(1);
      const pc = await b.partnerCenter(dana);
      expect(await b.partnerCenter(dana)).to.equal(pc);
      expect(fake.tokenRequests).to.have.length(2);
      await b.graph(await userToken('sam'));
      expect(fake.tokenRequests).to.have.length(3);
      expect(new Set(fake.tokenRequests.map((r) => r.form.assertion)).size).to.equal(2);
    });

    it('asks Entra for nothing but tokens: no instance discovery, no OpenID configuration (with and without the metadata options)', async () => {
      await broker().graph(await userToken('dana'));
      await broker({ cloudDiscoveryMetadata: undefined, authorityMetadata: undefined }).graph(await userToken('dana'));
      expect(fake.seen.map((r) => `${r.method} ${r.path.split('?')[0]}`)).to.deep.equal([
        `POST /${directory.tenantId}/oauth2/v2.0/token`,
        `POST /${directory.tenantId}/oauth2/v2.0/token`,
      ]);
    });

    it('does not reuse a token that expires within 5 minutes (MSAL renews 300 s early)', async () => {
      const shortLived = new FakeEntra({
        directory,
        issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        userTokenAudience: AUDIENCE,
        lifetimeSeconds: 240,
      });
      await shortLived.start();
      try {
        const b = broker({ networkClient: shortLived.networkClient() });
        const dana = await userToken('dana');
        await b.graph(dana);
        await b.graph(dana);
        expect(shortLived.tokenRequests).to.have.length(2);
      } finally {
        await shortLived.stop();
      }
    });

    it("sends a multitenant bot's request to the user's own tenant (tenantId 'organizations')", async () => {
      const token = await broker({ tenantId: 'organizations' }).graph(await userToken('dana'));
      expect(decodeJwt(token).tid).to.equal(directory.tenantId);
      expect(fake.seen[0]!.path.split('?')[0]).to.equal(`/${directory.tenantId}/oauth2/v2.0/token`);
    });

    describe('failures', () => {
      const errors: unknown[] = [];
      const secrets: string[] = [CLIENT_SECRET];
      const fail = async (promise: Promise<unknown>) => {
        const err = await brokerError(promise);
        errors.push(err);
        return err;
      };

      it('a user token for another API (bad assertion, AADSTS50013) -> signInAgain', async () => {
        const assertion = await userToken('dana', 3600, 'api://someone-else');
        secrets.push(assertion);
        const err = await fail(broker().graph(assertion));
        expect(err.code).to.equal('signInAgain');
        expect(err.entraError).to.equal('invalid_grant');
        expect(err.aadsts).to.deep.equal([50013]);
        expect(err.messageKey).to.equal('identity.errors.signInAgain');
        expect(issued).to.have.length(0);
      });

      it('an expired user token (AADSTS500133) -> signInAgain', async () => {
        const assertion = await userToken('dana', -600);
        secrets.push(assertion);
        const err = await fail(broker().partnerCenter(assertion));
        expect(err.code).to.equal('signInAgain');
        expect(err.aadsts).to.deep.equal([500133]);
        expect(err.resource).to.equal('partnerCenter');
      });

      it('not a token at all -> signInAgain', async () => {
        const err = await fail(broker().graph('not-a-jwt'));
        expect(err.code).to.equal('signInAgain');
      });

      it('a wrong client secret (401 invalid_client, AADSTS7000215) -> failed, for the operator to fix', async () => {
        const assertion = await userToken('dana');
        const wrong = 'wrong~Secret.9876543210zyxwvutsrq';
        secrets.push(assertion, wrong);
        const err = await fail(broker({ clientSecret: wrong }).graph(assertion));
        expect(err.code).to.equal('failed');
        expect(err.entraError).to.equal('invalid_client');
        expect(err.aadsts).to.deep.equal([7000215]);
        expect(err.messageKey).to.equal('identity.errors.failed');
      });

      it('an unknown client id (AADSTS700016) -> failed', async () => {
        const err = await fail(broker({ clientId: '00000000-0000-0000-0000-000000000000' }).graph(await userToken('dana')));
        expect(err.code).to.equal('failed');
        expect(err.aadsts).to.deep.equal([700016]);
      });

      it('a user who has not consented (invalid_grant, AADSTS65001) -> consentRequired', async () => {
        fake.unconsented.add('ola');
        const assertion = await userToken('ola');
        secrets.push(assertion);
        const err = await fail(broker().graph(assertion));
        expect(err.code).to.equal('consentRequired');
        expect(err.aadsts).to.deep.equal([65001]);
        expect(err.messageKey).to.equal('identity.errors.consentRequired');
        // the others are not affected
        expect(decodeJwt(await broker().graph(await userToken('dana'))).oid).to.equal(user('dana').oid);
      });

      it('interaction_required (the documented MFA answer, AADSTS50079) -> consentRequired', async () => {
        fake.fail({
          status: 400,
          body: {
            error: 'interaction_required',
            error_description: 'AADSTS50079: Due to a configuration change made by your administrator, you must enroll in multifactor authentication.',
            error_codes: [50079],
            timestamp: '2017-05-01 22:43:20Z',
            trace_id: '0000aaaa-11bb-cccc-dd22-eeeeee333333',
            correlation_id: 'aaaa0000-bb11-2222-33cc-444444dddddd',
            claims: '{"access_token":{"polids":{"essential":true,"values":["00aa00aa-bb11-cc22-dd33-44ee44ee44ee"]}}}',
          },
        });
        const err = await fail(broker().graph(await userToken('dana')));
        expect(err.code).to.equal('consentRequired');
        expect(err.aadsts).to.deep.equal([50079]);
      });

      it('MSAL turns `suberror` answers into InteractionRequiredAuthError; consent stays consentRequired, bad_token is signInAgain', async () => {
        const body = (error: string, code: number, suberror: string) => ({
          error,
          error_description: `AADSTS${code}: scripted.`,
          error_codes: [code],
          timestamp: '2025-01-01 00:00:00Z',
          trace_id: '0000aaaa-11bb-cccc-dd22-eeeeee333333',
          correlation_id: 'aaaa0000-bb11-2222-33cc-444444dddddd',
          suberror,
        });
        fake.fail({ status: 400, body: body('invalid_grant', 65001, 'consent_required') });
        expect((await fail(broker().graph(await userToken('dana')))).code).to.equal('consentRequired');
        fake.fail({ status: 400, body: body('invalid_grant', 50173, 'bad_token') });
        expect((await fail(broker().graph(await userToken('dana')))).code).to.equal('signInAgain');
      });

      it('503: MSAL does not retry -> unavailable; MSAL then holds the same request back (every user) for Retry-After, then succeeds', async () => {
        fake.fail({ status: 503, retryAfter: '1' });
        const b = broker();
        const dana = await userToken('dana');
        const first = await fail(b.graph(dana));
        expect(first.code).to.equal('unavailable');
        expect(first.entraError).to.equal('temporarily_unavailable');
        expect(fake.tokenRequests).to.have.length(1);
        // the fake is healthy again, but MSAL answers from its throttling cache without asking
        const held = await fail(b.graph(await userToken('sam')));
        expect(held.code).to.equal('unavailable');
        expect(held.entraError).to.equal('throttled');
        expect(fake.tokenRequests).to.have.length(1);
        // another resource is another request thumbprint: not held back
        await b.partnerCenter(dana);
        expect(fake.tokenRequests).to.have.length(2);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expect(decodeJwt(await b.graph(dana)).aud).to.equal('https://graph.microsoft.com');
        expect(fake.tokenRequests).to.have.length(3);
      });

      it('503 without Retry-After: held back for 60 s (MSAL default), a fresh broker is not', async () => {
        fake.fail({ status: 503 });
        const b = broker();
        expect((await fail(b.graph(await userToken('dana')))).code).to.equal('unavailable');
        expect((await fail(b.graph(await userToken('dana')))).entraError).to.equal('throttled');
        expect(fake.tokenRequests).to.have.length(1);
        await broker().graph(await userToken('dana'));
        expect(fake.tokenRequests).to.have.length(2);
      });

      it('429 and a 502 gateway page that is not JSON -> unavailable', async () => {
        fake.fail({ status: 429, retryAfter: '1' });
        expect((await fail(broker().graph(await userToken('dana')))).code).to.equal('unavailable');
        fake.fail({ status: 502, body: '<html><body>Bad Gateway</body></html>' });
        const err = await fail(broker().graph(await userToken('dana')));
        expect(err.code).to.equal('unavailable');
        expect(err.entraError).to.equal('token_parsing_error');
      });

      it('Entra unreachable (connection refused) -> unavailable', async () => {
        const gone = new FakeEntra({ directory, issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, userTokenAudience: AUDIENCE });
        await gone.start();
        await gone.stop();
        const err = await fail(broker({ networkClient: gone.networkClient() }).graph(await userToken('dana')));
        expect(err.code).to.equal('unavailable');
        expect(err.entraError).to.equal('network_error');
      });

      it("the fake's network module refuses any host but login.microsoftonline.com (nothing leaves the machine)", async () => {
        // without the fake's metadata options MSAL uses its built-in endpoints for the US Government cloud
        const us = broker({ authorityHost: 'https://login.microsoftonline.us', cloudDiscoveryMetadata: undefined, authorityMetadata: undefined });
        const err = await fail(us.graph(await userToken('dana')));
        expect(err.code).to.equal('unavailable');
        expect(err.entraError).to.equal('network_error');
        expect(fake.seen).to.have.length(0);
      });

      it('an aborted signal rejects with its reason, before any request', async () => {
        const controller = new AbortController();
        controller.abort();
        let caught: unknown;
        await broker()
          .graph(await userToken('dana'), controller.signal)
          .catch((err: unknown) => (caught = err));
        expect((caught as Error).name).to.equal('AbortError');
        expect(fake.seen).to.have.length(0);
      });

      it('no error message, stack or cause contains a token or the secret', () => {
        expect(errors.length).to.be.greaterThan(8);
        for (const err of errors) expectNoSecrets(err, secrets);
      });
    });
  });

  const live = {
    clientId: process.env.ENTRA_CLIENT_ID,
    clientSecret: process.env.ENTRA_CLIENT_SECRET,
    tenantId: process.env.ENTRA_TENANT_ID,
    assertion: process.env.ENTRA_USER_ASSERTION,
  };
  const haveLive = Boolean(live.clientId && live.clientSecret && live.tenantId && live.assertion);
  (haveLive ? describe : describe.skip)('against Microsoft Entra ID (ENTRA_CLIENT_ID, ENTRA_CLIENT_SECRET, ENTRA_TENANT_ID, ENTRA_USER_ASSERTION)', () => {
    const make = (clientSecret = live.clientSecret!) => new OnBehalfOfBroker({ clientId: live.clientId!, clientSecret, tenantId: live.tenantId! });
    const userClaims = () => decodeJwt(live.assertion!);

    it("mints Graph and Partner Center tokens for the assertion's user, and reuses them", async () => {
      const b = make();
      const graph = await b.graph(live.assertion!);
      const g = decodeJwt(graph);
      // v1.0 tokens carry the resource URI or its client id (access token claims reference, `aud`)
      expect(['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000']).to.include(g.aud);
      expect(g.oid).to.equal(userClaims().oid);
      expect(g.tid).to.equal(userClaims().tid);
      expect(await b.graph(live.assertion!)).to.equal(graph);
      const pc = decodeJwt(await b.partnerCenter(live.assertion!));
      expect(String(pc.aud)).to.match(/partnercenter|^[0-9a-f-]{36}$/i);
      expect(pc.oid).to.equal(userClaims().oid);
    });

    it('a wrong secret -> failed (AADSTS7000215), with neither secret nor token in the error', async () => {
      const wrong = 'wrong~Secret.9876543210zyxwvutsrq';
      const err = await brokerError(make(wrong).graph(live.assertion!));
      expect(err.code).to.equal('failed');
      expect(err.aadsts).to.include(7000215);
      expectNoSecrets(err, [wrong, live.clientSecret!, live.assertion!]);
    });

    it('a tampered assertion -> signInAgain', async () => {
      const [h, p] = live.assertion!.split('.');
      const err = await brokerError(make().graph(`${h}.${p}.AAAA`));
      expect(err.code).to.equal('signInAgain');
    });
  });
});
