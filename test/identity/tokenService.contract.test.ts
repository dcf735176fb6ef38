/**
 * Bot Framework Token Service contract (src/identity/fakeTokenService.ts), driven through the real
 * typed client: botframework-connector's `UserTokenClientImpl`, made by `ConfigurationBotFrameworkAuthentication`
 * exactly as `CloudAdapter` makes it on every turn (`createUserTokenClient`). The shared read-only
 * checks run against the local fake and, when BOT_TOKEN_SERVICE_URL, MicrosoftAppId, MicrosoftAppPassword
 * and OAUTH_CONNECTION_NAME are set (optional MicrosoftAppTenantId, MicrosoftAppType), against the real
 * service. The fake-only part walks the sign-in page, the magic code, SSO exchange and sign-out, and
 * ends with botbuilder's `OAuthPrompt` and `TeamsSSOTokenExchangeMiddleware` on real `CloudAdapter` turns.
 * Sources of every contract fact: test/fixtures/tokenService/README.md.
 */
import { expect } from 'chai';
import { z } from 'zod';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  TeamsSSOTokenExchangeMiddleware,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TokenResponse,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, OAuthPrompt } from 'botbuilder-dialogs';
import { AuthenticationConstants, ClaimsIdentity, type UserTokenClient } from 'botframework-connector';
import { UserTokenClientImpl } from 'botframework-connector/lib/auth/userTokenClientImpl.js';
import { ClientCachingAuthentication } from '../../src/bot/clientCache.js';
import { demoDirectory, FakeTokenIssuer, type Directory } from '../../src/identity/demoDirectory.js';
import { FAKE_PROVIDER_ID, FakeTokenService, SIGN_IN_TTL_MS } from '../../src/identity/fakeTokenService.js';
import { refName, SWAGGER, TOKEN_API_DEFINITIONS, zodOf, type SwaggerSchema } from '../fixtures/tokenService/tokenApiSchemas.js';
import { expectInert, scanTags, textOf, XSS_PAYLOADS } from '../support/htmlInert.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';

const AUDIENCE = 'api://localhost/botid-00000000-0000-0000-0000-000000000000';
const CONNECTION = 'PartnerCenterSSO';
/** No magic code: what `OAuthPrompt` passes (`undefined`) where the typings ask for a string. */
const NO_CODE = undefined as unknown as string;

/**
 * The client `CloudAdapter` gets for a turn: `createUserTokenClient` with the turn's claims. With
 * `appId` '' and no MicrosoftAppId in `config`, auth is off and the client has empty credentials
 * (`ParameterizedBotFrameworkAuthentication.createUserTokenClient` -> `MicrosoftAppCredentials.Empty`).
 */
async function tokenClient(config: ConfigurationBotFrameworkAuthenticationOptions, appId: string): Promise<UserTokenClient> {
  const auth = new ConfigurationBotFrameworkAuthentication(config);
  return auth.createUserTokenClient(new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: appId }], true));
}

/** An inbound message from `userId` on `channelId` (what getSignInResource derives its state from). */
function activityFrom(userId: string, channelId = 'webchat', serviceUrl = 'https://example.invalid/'): Activity {
  return {
    type: ActivityTypes.Message,
    id: `in-${userId}`,
    channelId,
    serviceUrl,
    from: { id: userId, name: 'Partner admin' },
    recipient: { id: 'bot', name: 'assistant' },
    conversation: { id: `conversation-${userId}`, isGroup: false, conversationType: 'personal', name: '' },
    text: 'sign in',
  } as Activity;
}

/** The read-only checks any Token Service (fake or real) must pass. */
function contractSuite(client: () => UserTokenClient, connectionName: () => string): void {
  const stranger = () => `contract-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  it('answers GetToken for a user who never signed in with no token', async () => {
    const response = await client().getUserToken(stranger(), connectionName(), 'webchat', NO_CODE);
    expect(response?.token).to.equal(undefined);
  });

  it('gives a sign-in resource: a sign-in link URL (and, for SSO connections, a token exchange resource)', async () => {
    const resource = await client().getSignInResource(connectionName(), activityFrom(stranger()), '');
    expect(new URL(resource.signInLink!).protocol).to.match(/^https?:$/);
    if (resource.tokenExchangeResource) expect(resource.tokenExchangeResource.id).to.be.a('string').and.not.equal('');
  });

  it('reads token status as an array of TokenStatus', async () => {
    const statuses = await client().getTokenStatus(stranger(), 'webchat', '');
    expect(statuses).to.be.an('array');
    for (const s of statuses) expect(s.hasToken).to.be.a('boolean');
  });

  it('does not exchange a token it cannot trust: the answer carries no token', async () => {
    const answer = await client()
      .exchangeToken(stranger(), connectionName(), 'msteams', { token: 'not-a-jwt' })
      .catch((error: unknown) => ({ thrown: error }));
    expect((answer as TokenResponse | undefined)?.token).to.equal(undefined);
  });
}

/**
 * Checks a raw answer of `method path` against the swagger: `status` must be documented for the
 * operation (or fall to `default`), and a body must match that response's schema strictly (the zod
 * mirrors of the swagger definitions, test/fixtures/tokenService/tokenApiSchemas.ts).
 */
function expectDocumented(method: string, path: string, status: number, body: string): void {
  const operation = SWAGGER.paths[path]?.[method.toLowerCase()];
  expect(operation, `${method} ${path} is in the swagger`).to.not.equal(undefined);
  const response = operation!.responses[String(status)] ?? operation!.responses.default;
  expect(response, `${method} ${path} documents ${status} or a default`).to.not.equal(undefined);
  if (body === '') return; // read by the SDK as undefined: GetToken's 404 "no token", SignOut's 200
  expect(response!.schema, `${method} ${path} ${status}: a body where none is documented`).to.not.equal(undefined);
  const parsed = zodOf(response!.schema!).safeParse(JSON.parse(body));
  expect(parsed.success, `${method} ${path} ${status}: ${parsed.error ? z.prettifyError(parsed.error) : ''}`).to.equal(true);
}

/** The state and the users' buttons of a sign-in page. */
function readSignInPage(html: string): { state: string; users: Array<{ key: string; label: string }> } {
  const tags = scanTags(html);
  const attr = (i: number, name: string) => tags[i]!.attrs.find(([n]) => n === name)?.[1] ?? '';
  const state = attr(
    tags.findIndex((t) => t.name === 'input' && t.attrs.some(([n, v]) => n === 'name' && v === 'state')),
    'value',
  );
  const users = tags.flatMap((t, i) => (t.name === 'button' && !t.closing ? [{ key: attr(i, 'value'), label: html.slice(t.end, tags[i + 1]!.start) }] : []));
  return { state, users };
}

/** Posts the sign-in form of `link`'s page as `userKey` would click it; returns the answer page. */
async function chooseOnPage(link: string, userKey: string): Promise<{ status: number; html: string; code?: string }> {
  const { state } = readSignInPage(await (await fetch(link)).text());
  const res = await fetch(new URL('/signin', link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ state, user: userKey }),
  });
  const html = await res.text();
  const code = /class="code">(\d{6})</.exec(html)?.[1];
  return { status: res.status, html, ...(code ? { code } : {}) };
}

/** What a swagger property declares: the definition it refers to, or its type (and format); `?` when not required. */
function swaggerKind(property: SwaggerSchema, required: boolean): string {
  const kind = property.$ref ? `ref:${refName(property.$ref)}` : `${property.type}${property.format ? `:${property.format}` : ''}`;
  return required ? kind : `${kind}?`;
}

/** The same for a field of a zod mirror. */
function zodKind(field: z.ZodType): string {
  const optional = field instanceof z.ZodOptional;
  const inner = optional ? (field.unwrap() as z.ZodType) : field;
  const ref = Object.entries(TOKEN_API_DEFINITIONS).find(([, mirror]) => mirror === inner)?.[0];
  let kind: string = inner.constructor.name;
  if (ref) kind = `ref:${ref}`;
  else if (inner instanceof z.ZodString) kind = 'string';
  else if (inner instanceof z.ZodBoolean) kind = 'boolean';
  else if (inner instanceof z.ZodNumber) kind = inner.format === 'int32' ? 'integer:int32' : inner.isInt ? 'integer' : 'number';
  else if (inner instanceof z.ZodRecord) kind = 'object';
  return optional ? `${kind}?` : kind;
}

describe('zod mirrors of the Token API swagger (test/fixtures/tokenService/tokenApiSchemas.ts)', () => {
  it('mirror every definition a documented response refers to, with exactly its properties, their types and optionality', () => {
    const referenced = new Set<string>();
    const visit = (schema: SwaggerSchema | boolean | undefined): void => {
      if (!schema || typeof schema !== 'object') return;
      if (schema.$ref && !referenced.has(refName(schema.$ref))) {
        referenced.add(refName(schema.$ref));
        visit(SWAGGER.definitions[refName(schema.$ref)]);
      }
      visit(schema.items);
      visit(schema.additionalProperties);
      for (const property of Object.values(schema.properties ?? {})) visit(property);
    };
    for (const operation of Object.values(SWAGGER.paths).flatMap((ops) => Object.values(ops))) {
      for (const response of Object.values(operation.responses)) visit(response.schema);
    }
    expect([...referenced].sort()).to.deep.equal(Object.keys(TOKEN_API_DEFINITIONS).sort());
    for (const [name, mirror] of Object.entries(TOKEN_API_DEFINITIONS)) {
      const definition = SWAGGER.definitions[name]!;
      const properties = definition.properties ?? {};
      expect(Object.keys(mirror.shape).sort(), name).to.deep.equal(Object.keys(properties).sort());
      for (const [key, property] of Object.entries(properties)) {
        expect(zodKind(mirror.shape[key] as z.ZodType), `${name}.${key}`).to.equal(swaggerKind(property, definition.required?.includes(key) ?? false));
      }
    }
  });

  it('are strict at every level and map the response schemas (arrays, dictionaries, strings)', () => {
    expect(zodOf({ $ref: '#/definitions/ErrorResponse' }).safeParse({ error: { code: 'BadArgument', message: 'm' } }).success).to.equal(true);
    expect(zodOf({ $ref: '#/definitions/ErrorResponse' }).safeParse({ error: { code: 'BadArgument', detail: 'x' } }).success, 'nested extra').to.equal(false);
    expect(zodOf({ $ref: '#/definitions/TokenStatus' }).safeParse({ hasToken: 'yes' }).success, 'wrong type').to.equal(false);
    const statuses = zodOf({ type: 'array', items: { $ref: '#/definitions/TokenStatus' } });
    expect(statuses.safeParse([{ channelId: 'webchat', hasToken: true }]).success).to.equal(true);
    const aad = zodOf({ type: 'object', additionalProperties: { $ref: '#/definitions/TokenResponse' } });
    expect(aad.safeParse({ 'https://graph.microsoft.com': { token: 't' } }).success).to.equal(true);
    expect(aad.safeParse({ 'https://graph.microsoft.com': { token: 't', surprise: 1 } }).success).to.equal(false);
    expect(zodOf({ type: 'string' }).safeParse('https://example.invalid/signin').success).to.equal(true);
    expect(() => zodOf({ $ref: '#/definitions/AadResourceUrls' }), 'a request body has no mirror').to.throw(/no zod mirror/);
  });
});

describe('Bot Framework Token Service contract', function () {
  this.timeout(20_000);

  describe('against the local fake', () => {
    const directory = demoDirectory();
    const issuer = new FakeTokenIssuer();
    let clock = Date.now();
    const fake = new FakeTokenService({ directory, issuer, audience: AUDIENCE, now: () => clock });
    let client: UserTokenClient;
    const dana = directory.users.find((u) => u.key === 'dana')!;
    before(async () => {
      await fake.start();
      client = await tokenClient({ OAuthUrl: fake.url }, '');
    });
    after(() => fake.stop());
    beforeEach(() => {
      clock = Date.now();
      fake.reset();
    });

    contractSuite(
      () => client,
      () => CONNECTION,
    );

    it('is served to the client ConfigurationBotFrameworkAuthentication makes: UserTokenClientImpl', async () => {
      expect(client).to.be.instanceOf(UserTokenClientImpl);
      await client.getUserToken('u-wire', CONNECTION, 'webchat', NO_CODE);
      expect(fake.seen).to.deep.equal(['GET /api/usertoken/GetToken']);
    });

    it('answers GetToken with no token as 404 with an empty body, which the client returns as undefined', async () => {
      const res = await fetch(`${fake.url}/api/usertoken/GetToken?userId=u-none&connectionName=${CONNECTION}&channelId=webchat`);
      expect(res.status).to.equal(404);
      expect(await res.text()).to.equal('');
      expect(await client.getUserToken('u-none', CONNECTION, 'webchat', NO_CODE)).to.equal(undefined);
    });

    it('answers every operation with a status and body shape the Token API swagger documents', async () => {
      await fake.signIn('u-doc', CONNECTION, 'webchat', 'dana');
      const state = Buffer.from(JSON.stringify({ connectionName: CONNECTION, conversation: { user: { id: 'u-doc' }, channelId: 'webchat' } })).toString(
        'base64',
      );
      const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;
      const who = { userId: 'u-doc', connectionName: CONNECTION, channelId: 'webchat' };
      const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const calls: Array<[string, string, string, RequestInit?]> = [
        ['GET', '/api/usertoken/GetToken', q(who)],
        ['GET', '/api/usertoken/GetToken', q({ ...who, userId: 'u-nobody' })],
        ['GET', '/api/usertoken/GetToken', q({ connectionName: CONNECTION })],
        ['GET', '/api/botsignin/GetSignInResource', q({ state })],
        ['GET', '/api/botsignin/GetSignInUrl', q({ state })],
        ['GET', '/api/usertoken/GetTokenStatus', q({ userId: 'u-doc' })],
        ['POST', '/api/usertoken/GetAadTokens', q(who), json({ resourceUrls: ['https://graph.microsoft.com'] })],
        ['POST', '/api/usertoken/exchange', q(who), json({ token: await fake.ssoTokenFor('dana') })],
        ['POST', '/api/usertoken/exchange', q(who), json({ token: 'garbage' })],
        ['DELETE', '/api/usertoken/SignOut', q(who), { method: 'DELETE' }],
      ];
      const statuses: number[] = [];
      for (const [method, path, query, init] of calls) {
        const res = await fetch(`${fake.url}${path}${query}`, init ?? { method });
        statuses.push(res.status);
        expectDocumented(method, path, res.status, await res.text());
      }
      expect(statuses).to.deep.equal([200, 404, 400, 200, 200, 200, 200, 200, 400, 200]);
      expect(zodOf({ $ref: '#/definitions/TokenResponse' }).safeParse({ token: 't', surprise: 1 }).success, 'the check is strict').to.equal(false);
    });

    it('serves only documented paths to the typed client: every request it made is a swagger operation', async () => {
      await fake.signIn('u-ops', CONNECTION, 'webchat', 'sam');
      await client.getUserToken('u-ops', CONNECTION, 'webchat', NO_CODE);
      await client.getSignInResource(CONNECTION, activityFrom('u-ops'), '');
      await client.getTokenStatus('u-ops', 'webchat', '');
      await client.getAadTokens('u-ops', CONNECTION, ['https://graph.microsoft.com'], 'webchat');
      await client.exchangeToken('u-ops', CONNECTION, 'webchat', { token: await fake.ssoTokenFor('sam') });
      await client.signOutUser('u-ops', CONNECTION, 'webchat');
      expect(fake.seen).to.have.length(6);
      for (const request of fake.seen) {
        const [method, path] = request.split(' ') as [string, string];
        expect(SWAGGER.paths[path]?.[method.toLowerCase()], request).to.not.equal(undefined);
      }
    });

    it('gives a sign-in link to a page of the local fake that lists every user of the directory', async () => {
      const resource = await client.getSignInResource(CONNECTION, activityFrom('u-page'), '');
      expect(resource.signInLink).to.match(new RegExp(`^${fake.url}/signin\\?state=[\\w-]+$`));
      expect(resource.tokenExchangeResource).to.deep.include({ uri: AUDIENCE, providerId: FAKE_PROVIDER_ID });
      const res = await fetch(resource.signInLink!);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(res.headers.get('content-security-policy')).to.match(/default-src 'none'/);
      const html = await res.text();
      expect(textOf(html))
        .to.match(/local fake Bot Framework Token Service/)
        .and.match(/not a Microsoft page/);
      const { users } = readSignInPage(html);
      expect(users.map((u) => u.key)).to.deep.equal(directory.users.map((u) => u.key));
      expect(users[0]!.label).to.equal(`Sign in as Dana Reyes (${dana.upn})`);
      expectInert(html, 'sign-in page');
    });

    it('signs in on the page, shows a 6-digit magic code, and gives the token only with that code, then without', async () => {
      const resource = await client.getSignInResource(CONNECTION, activityFrom('u-code'), '');
      const chosen = await chooseOnPage(resource.signInLink!, 'dana');
      expect(chosen.status).to.equal(200);
      expect(chosen.code).to.match(/^\d{6}$/);
      expect(textOf(chosen.html)).to.include('Signed in as Dana Reyes');
      expect(await client.getUserToken('u-code', CONNECTION, 'webchat', NO_CODE), 'before the code').to.equal(undefined);
      const wrong = chosen.code === '000000' ? '111111' : '000000';
      expect(await client.getUserToken('u-code', CONNECTION, 'webchat', wrong), 'a wrong code').to.equal(undefined);
      const withCode = await client.getUserToken('u-code', CONNECTION, 'webchat', chosen.code!);
      expect(withCode).to.include({ channelId: 'webchat', connectionName: CONNECTION });
      expect(Date.parse(withCode!.expiration!)).to.be.greaterThan(Date.now() + 50 * 60_000);
      const claims = await issuer.verify(withCode!.token!, AUDIENCE);
      expect(claims).to.include({ oid: dana.oid, tid: directory.tenantId, name: 'Dana Reyes', scp: 'access_as_user' });
      const later = await client.getUserToken('u-code', CONNECTION, 'webchat', NO_CODE);
      expect(later?.token).to.equal(withCode!.token);
      expect(await client.getUserToken('u-code', CONNECTION, 'msteams', NO_CODE), 'another channel').to.equal(undefined);
      const [status] = await client.getTokenStatus('u-code', 'webchat', '');
      expect(status).to.include({ channelId: 'webchat', connectionName: CONNECTION, hasToken: true });
    });

    it('gives up a magic code after 5 wrong tries', async () => {
      const resource = await client.getSignInResource(CONNECTION, activityFrom('u-guess'), '');
      const { code } = await chooseOnPage(resource.signInLink!, 'sam');
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) await client.getUserToken('u-guess', CONNECTION, 'webchat', wrong);
      expect(await client.getUserToken('u-guess', CONNECTION, 'webchat', code!)).to.equal(undefined);
    });

    it('refuses a used, unknown or expired sign-in link with a 400 page, and a bad form with a 400 page', async () => {
      const used = await client.getSignInResource(CONNECTION, activityFrom('u-used'), '');
      expect((await chooseOnPage(used.signInLink!, 'hui')).status).to.equal(200);
      const again = await fetch(used.signInLink!);
      expect(again.status).to.equal(400);
      expect(textOf(await again.text())).to.match(/unknown, already used or expired/);
      expect((await fetch(`${fake.url}/signin?state=nope`)).status).to.equal(400);
      expect((await fetch(`${fake.url}/signin`)).status).to.equal(400);
      const stale = await client.getSignInResource(CONNECTION, activityFrom('u-stale'), '');
      clock += SIGN_IN_TTL_MS + 1;
      expect((await fetch(stale.signInLink!)).status).to.equal(400);
      clock = Date.now();
      const fresh = await client.getSignInResource(CONNECTION, activityFrom('u-form'), '');
      const { state } = readSignInPage(await (await fetch(fresh.signInLink!)).text());
      const post = (body: string, type = 'application/x-www-form-urlencoded') =>
        fetch(`${fake.url}/signin`, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post(`state=${state}`)).status, 'no user').to.equal(400);
      expect((await post(`state=${state}&user=mallory`)).status, 'unknown user').to.equal(400);
      expect((await post(JSON.stringify({ state, user: 'dana' }), 'application/json')).status, 'not a form').to.equal(415);
      expect((await chooseOnPage(fresh.signInLink!, 'ola')).status, 'the link still works').to.equal(200);
    });

    it('refuses a GetSignInResource state that is not base64 JSON of a TokenExchangeState with a 400 ErrorResponse', async () => {
      const bad = Buffer.from(JSON.stringify({ connectionName: CONNECTION })).toString('base64');
      for (const state of ['%%%', bad]) {
        const res = await fetch(`${fake.url}/api/botsignin/GetSignInResource?state=${encodeURIComponent(state)}`);
        expect(res.status).to.equal(400);
        expect((await res.json()) as unknown).to.have.nested.property('error.code', 'BadArgument');
      }
    });

    it('exchanges a Teams SSO token for a token of that user and remembers the sign-in', async () => {
      const sso = await fake.ssoTokenFor('sam');
      const exchanged = await client.exchangeToken('u-sso', CONNECTION, 'msteams', { token: sso });
      expect(exchanged).to.include({ channelId: 'msteams', connectionName: CONNECTION });
      expect((await issuer.verify(exchanged.token!, AUDIENCE))?.name).to.equal('Sam Patel');
      expect((await client.getUserToken('u-sso', CONNECTION, 'msteams', NO_CODE))?.token).to.equal(exchanged.token);
    });

    it('answers an exchange it cannot do with 400 and an ErrorResponse, which the client returns without a token', async () => {
      const stranger = new FakeTokenIssuer();
      const foreign = await stranger.issue(directory.tenantId, dana, AUDIENCE, 'access_as_user');
      const otherAudience = await issuer.issue(directory.tenantId, dana, 'api://someone-else', 'access_as_user');
      const otherTenant = await issuer.issue('00000000-0000-0000-0000-000000000001', dana, AUDIENCE, 'access_as_user');
      for (const token of ['garbage', foreign, otherAudience, otherTenant]) {
        const answer = (await client.exchangeToken('u-bad', CONNECTION, 'msteams', { token })) as TokenResponse & { error?: { code: string } };
        expect(answer.token).to.equal(undefined);
        expect(answer.error?.code).to.equal('TokenExchangeFailed');
      }
      const res = await fetch(`${fake.url}/api/usertoken/exchange?userId=u-bad&connectionName=${CONNECTION}&channelId=msteams`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uri: 'https://example.invalid/resource' }),
      });
      expect(res.status).to.equal(400);
      expect((await res.json()) as unknown).to.have.nested.property('error.message');
      expect(await client.getUserToken('u-bad', CONNECTION, 'msteams', NO_CODE)).to.equal(undefined);
    });

    it('signs out: the token is gone for that connection and channel, other sign-ins stay', async () => {
      await fake.signIn('u-out', CONNECTION, 'webchat', 'dana');
      await fake.signIn('u-out', 'OtherConnection', 'webchat', 'dana');
      await client.signOutUser('u-out', CONNECTION, 'webchat');
      expect(await client.getUserToken('u-out', CONNECTION, 'webchat', NO_CODE)).to.equal(undefined);
      expect((await client.getUserToken('u-out', 'OtherConnection', 'webchat', NO_CODE))?.token).to.be.a('string');
      expect(fake.seen).to.include('DELETE /api/usertoken/SignOut');
      expect((await client.getTokenStatus('u-out', 'webchat', '')).map((s) => s.connectionName)).to.deep.equal(['OtherConnection']);
    });

    it('gives Entra tokens per resource URL to a signed-in user (GetAadTokens)', async () => {
      await fake.signIn('u-aad', CONNECTION, 'webchat', 'hui');
      const tokens = await client.getAadTokens('u-aad', CONNECTION, ['https://graph.microsoft.com', 'https://api.partnercenter.microsoft.com'], 'webchat');
      expect(Object.keys(tokens)).to.deep.equal(['https://graph.microsoft.com', 'https://api.partnercenter.microsoft.com']);
      expect((await issuer.verify(tokens['https://graph.microsoft.com']!.token!, 'https://graph.microsoft.com'))?.name).to.equal('Hui Chen');
    });

    it('fails as scripted: the client throws a RestError with the status, and the fault is used up', async () => {
      await fake.signIn('u-fault', CONNECTION, 'webchat', 'ola');
      fake.fail({ path: '/api/usertoken/GetToken', status: 401 });
      const error = (await client.getUserToken('u-fault', CONNECTION, 'webchat', NO_CODE).then(
        () => undefined,
        (e: unknown) => e,
      )) as { statusCode?: number } | undefined;
      expect(error?.statusCode).to.equal(401);
      expect((await client.getUserToken('u-fault', CONNECTION, 'webchat', NO_CODE))?.token).to.be.a('string');
      fake.fail({ path: '/api/usertoken/gettoken', status: 404 });
      expect(await client.getUserToken('u-fault', CONNECTION, 'webchat', NO_CODE), 'a scripted 404 is "no token"').to.equal(undefined);
    });

    it('renders user names and sign-in names as text: markup in the directory stays inert', async () => {
      const hostile: Directory = {
        tenantId: directory.tenantId,
        users: XSS_PAYLOADS.map((payload, i) => ({ key: `x${i}`, oid: `oid-${i}`, name: payload, upn: `${payload}@example.invalid`, memberships: [] })),
      };
      const other = new FakeTokenService({ directory: hostile, issuer, audience: AUDIENCE });
      await other.start();
      try {
        const hostileClient = await tokenClient({ OAuthUrl: other.url }, '');
        const resource = await hostileClient.getSignInResource('<b>conn</b>', activityFrom('u-xss'), '');
        const html = await (await fetch(resource.signInLink!)).text();
        expectInert(html, 'sign-in page with hostile names', { shown: [...XSS_PAYLOADS, '<b>conn</b>'] });
        const chosen = await chooseOnPage(resource.signInLink!, 'x0');
        expectInert(chosen.html, 'code page with a hostile name', { shown: [XSS_PAYLOADS[0], '<b>conn</b>'] });
      } finally {
        await other.stop();
      }
    });

    it('pins an SDK pitfall: with auth off, the stock client of an anonymous turn has no app id and cannot build the sign-in state', async () => {
      const auth = new ConfigurationBotFrameworkAuthentication({ OAuthUrl: fake.url });
      const stock = await auth.createUserTokenClient(new ClaimsIdentity([], AuthenticationConstants.AnonymousAuthType));
      const error = await stock.getSignInResource(CONNECTION, activityFrom('u-anon'), '').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(error)).to.match(/appId/);
      // the app's ClientCachingAuthentication gives the anonymous turn the empty app id instead
      const fixed = await new ClientCachingAuthentication(auth).createUserTokenClient(new ClaimsIdentity([], AuthenticationConstants.AnonymousAuthType));
      const resource = await fixed.getSignInResource(CONNECTION, activityFrom('u-anon'), '');
      expect(resource.signInLink).to.match(/^http:\/\/127\.0\.0\.1:\d+\/signin\?state=/);
    });
  });

  const live = {
    url: process.env.BOT_TOKEN_SERVICE_URL,
    appId: process.env.MicrosoftAppId,
    password: process.env.MicrosoftAppPassword,
    connectionName: process.env.OAUTH_CONNECTION_NAME,
  };
  const liveReady = Object.values(live).every(Boolean);
  (liveReady ? describe : describe.skip)(
    liveReady
      ? 'against the real Token Service (read-only)'
      : 'against the real Token Service: skipped, set BOT_TOKEN_SERVICE_URL, MicrosoftAppId, MicrosoftAppPassword and OAUTH_CONNECTION_NAME to run',
    () => {
      let client: UserTokenClient;
      before(async () => {
        const config: ConfigurationBotFrameworkAuthenticationOptions = { MicrosoftAppId: live.appId, MicrosoftAppPassword: live.password, OAuthUrl: live.url };
        if (process.env.MicrosoftAppTenantId) config.MicrosoftAppTenantId = process.env.MicrosoftAppTenantId;
        if (process.env.MicrosoftAppType) config.MicrosoftAppType = process.env.MicrosoftAppType;
        client = await tokenClient(config, live.appId!);
      });
      contractSuite(
        () => client,
        () => live.connectionName!,
      );
    },
  );
});

/** A `CloudAdapter` whose turns the test can run directly (the same pipeline `process` runs after reading the HTTP request). */
class TurnRunner extends CloudAdapter {
  run(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity('', activity as Activity, logic);
  }
}

describe('OAuthPrompt and Teams SSO on CloudAdapter turns, against the fake Token Service', function () {
  this.timeout(20_000);
  const directory = demoDirectory();
  const issuer = new FakeTokenIssuer();
  const fake = new FakeTokenService({ directory, issuer, audience: AUDIENCE });
  const channel = new LoopbackChannel();
  let adapter: TurnRunner;
  let seq = 0;
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const dialogs = new DialogSet(conversationState.createProperty('dialogs'));
  dialogs.add(
    new OAuthPrompt('signin', { connectionName: CONNECTION, title: 'Sign in', text: 'Sign in to continue', timeout: SIGN_IN_TTL_MS, showSignInLink: true }),
  );

  /** Begins the prompt on a message with nothing active; says who signed in once it completes. */
  async function logic(context: TurnContext): Promise<void> {
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty && context.activity.type === ActivityTypes.Message) await dc.beginDialog('signin');
    if (result.status === DialogTurnStatus.complete) {
      const token = result.result as TokenResponse | undefined;
      const claims = token?.token ? await issuer.verify(token.token, AUDIENCE) : undefined;
      await context.sendActivity(claims ? `signed in as ${claims.name}` : 'not signed in');
    }
    await conversationState.saveChanges(context);
  }

  const inbound = (channelId: string, conversationId: string, extra: Partial<Activity> = {}): Partial<Activity> => ({
    type: ActivityTypes.Message,
    id: `in-${++seq}`,
    timestamp: new Date(),
    channelId,
    serviceUrl: channel.serviceUrl,
    from: { id: `user-${conversationId}`, name: 'Partner admin' },
    recipient: { id: 'bot', name: 'assistant' },
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    ...extra,
  });
  const oauthCardOf = (replies: Partial<Activity>[]) =>
    replies.flatMap((r) => r.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.oauth')?.content as {
      connectionName: string;
      buttons: Array<{ type: string; value?: string }>;
      tokenExchangeResource?: { id: string; uri: string };
    };

  before(async () => {
    await Promise.all([fake.start(), channel.start()]);
    adapter = new TurnRunner(new ClientCachingAuthentication(new ConfigurationBotFrameworkAuthentication({ OAuthUrl: fake.url })));
    adapter.use(new TeamsSSOTokenExchangeMiddleware(storage, CONNECTION));
  });
  after(() => Promise.all([fake.stop(), channel.stop()]));

  it('web chat: the OAuthCard links to the sign-in page, the page gives a magic code, typing it completes the prompt', async () => {
    await adapter.run(inbound('webchat', 'c-web', { text: 'hi' }), logic);
    const card = oauthCardOf(channel.take('c-web'));
    expect(card.connectionName).to.equal(CONNECTION);
    const link = card.buttons[0]!.value!;
    expect(link.startsWith(`${fake.url}/signin?state=`)).to.equal(true);
    const { code } = await chooseOnPage(link, 'dana');
    await adapter.run(inbound('webchat', 'c-web', { text: `my code is ${code}` }), logic);
    expect(channel.take('c-web').map((r) => r.text)).to.deep.equal(['signed in as Dana Reyes']);
    expect(fake.seen).to.include.members(['GET /api/botsignin/GetSignInResource', 'GET /api/usertoken/GetToken']);
  });

  it('Teams SSO: a signin/tokenExchange with a valid SSO token is exchanged (invoke 200) and completes the prompt', async () => {
    await adapter.run(inbound('msteams', 'c-sso', { text: 'hi' }), logic);
    const card = oauthCardOf(channel.take('c-sso'));
    expect(card.tokenExchangeResource?.uri).to.equal(AUDIENCE);
    const value = { id: card.tokenExchangeResource!.id, connectionName: CONNECTION, token: await fake.ssoTokenFor('sam') };
    const response = await adapter.run(inbound('msteams', 'c-sso', { type: ActivityTypes.Invoke, name: 'signin/tokenExchange', value }), logic);
    expect(response?.status).to.equal(200);
    expect(channel.take('c-sso').map((r) => r.text)).to.deep.equal(['signed in as Sam Patel']);
  });

  it('Teams SSO: a token the service cannot exchange gets invoke 412 PreconditionFailed and the prompt keeps waiting', async () => {
    await adapter.run(inbound('msteams', 'c-412', { text: 'hi' }), logic);
    const card = oauthCardOf(channel.take('c-412'));
    const value = { id: card.tokenExchangeResource!.id, connectionName: CONNECTION, token: 'not-an-sso-token' };
    const response = await adapter.run(inbound('msteams', 'c-412', { type: ActivityTypes.Invoke, name: 'signin/tokenExchange', value }), logic);
    expect(response?.status).to.equal(412);
    expect(response?.body).to.include({ id: value.id, connectionName: CONNECTION });
    expect(channel.take('c-412')).to.deep.equal([]);
    const resource = await (await tokenClient({ OAuthUrl: fake.url }, '')).getSignInResource(CONNECTION, activityFrom('user-c-412', 'msteams'), '');
    const { code } = await chooseOnPage(resource.signInLink!, 'hui');
    await adapter.run(inbound('msteams', 'c-412', { text: code! }), logic);
    expect(
      channel.take('c-412').map((r) => r.text),
      'the magic code still works after a failed exchange',
    ).to.deep.equal(['signed in as Hui Chen']);
  });
});
