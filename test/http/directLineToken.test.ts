import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { pino } from 'pino';
import { resolveTenantId } from '../../src/bot/assistantBot.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/index.js';
import {
  CLOCK_SKEW_SECONDS,
  DEFAULT_PORTAL_AUDIENCE,
  DEFAULT_PORTAL_ISSUER,
  directLineUserId,
  MAX_ASSERTION_SECONDS,
  parseDirectLineUserId,
  verifyPortalAssertion,
  type PortalAssertionCheck,
} from '../../src/server/directLineToken.js';

const DL_SECRET = 'dl-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const PORTAL_SECRET = 'portal-secret-0123456789abcdefghijklmnop';
const OTHER_SECRET = 'another-secret-0123456789abcdefghijkl';

/** A fixed "now" for the unit checks, in seconds since the epoch. */
const NOW = Math.floor(Date.parse('2026-11-16T09:00:00Z') / 1000);

/** What a portal puts in its assertion, as the README shows it; `claims` overrides or removes (undefined) any of them. */
function portalClaims(claims: Record<string, unknown> = {}, now = Math.floor(Date.now() / 1000)): JWTPayload {
  const base: Record<string, unknown> = {
    iss: DEFAULT_PORTAL_ISSUER,
    aud: DEFAULT_PORTAL_AUDIENCE,
    sub: 'ada@contoso.com',
    tid: 'contoso-tenant',
    name: 'Ada',
    iat: now,
    exp: now + 5 * 60,
  };
  return Object.fromEntries(Object.entries({ ...base, ...claims }).filter(([, v]) => v !== undefined));
}

/** Signs `payload` the way a portal does with jose (`alg` HS256 unless told otherwise). */
function sign(payload: JWTPayload, secret = PORTAL_SECRET, alg = 'HS256'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** A stand-in for the Direct Line service on 127.0.0.1 that records what it was asked. */
async function fakeDirectLine(): Promise<{ url: string; server: Server; requests: Array<{ auth?: string; body: unknown; path?: string }> }> {
  const requests: Array<{ auth?: string; body: unknown; path?: string }> = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    requests.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString() || '{}'), path: req.url });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ conversationId: 'conv-123', token: 'dl-token-abc', expires_in: 1800 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline`, server, requests };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, text };
}

describe('POST /api/directline/token (production Web Chat)', () => {
  let dir: string;
  const apps: RunningApp[] = [];
  let dl: Awaited<ReturnType<typeof fakeDirectLine>>;
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'csp-dltoken-'));
    dl = await fakeDirectLine();
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await new Promise<void>((resolve) => dl.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  async function app(env: Record<string, string>): Promise<RunningApp> {
    const a = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', ...env }), { logger: pino({ level: 'info' }, sink) });
    apps.push(a);
    return a;
  }
  const configured = () => app({ DIRECT_LINE_SECRET: DL_SECRET, WEBCHAT_PORTAL_SECRET: PORTAL_SECRET, DIRECT_LINE_ENDPOINT: dl.url });

  it('refuses with 503 when not configured, and asks Direct Line for nothing', async () => {
    const a = await app({});
    const res = await post(`${a.url}/api/directline/token`, { assertion: 'x'.repeat(20) });
    expect(res.status).to.equal(503);
    expect(res.json.error).to.equal('notConfigured');
    expect(dl.requests).to.have.length(0);
  });

  it('exchanges the secret for a token bound to the signed-in partner and tenant of a standard HS256 JWT; the secret never reaches the browser', async () => {
    const a = await configured();
    const assertion = await sign(portalClaims());
    const res = await post(`${a.url}/api/directline/token`, { assertion });
    expect(res.status).to.equal(200);
    expect(res.json).to.deep.include({ token: 'dl-token-abc', conversationId: 'conv-123', expiresIn: 1800, userName: 'Ada' });
    expect(res.text).to.not.contain(DL_SECRET);
    const sent = dl.requests.at(-1)!;
    expect(sent.path).to.equal('/v3/directline/tokens/generate');
    expect(sent.auth).to.equal(`Bearer ${DL_SECRET}`);
    expect(sent.body).to.deep.equal({ user: { id: directLineUserId('contoso-tenant', 'ada@contoso.com'), name: 'Ada' } });
    expect(parseDirectLineUserId(String(res.json.userId))).to.deep.equal({ tenantId: 'contoso-tenant', userId: 'ada@contoso.com' });
  });

  it('refuses every bad assertion with the same 401 (the reason only in the log, as a code) and a malformed body with 400', async () => {
    const a = await configured();
    const before = dl.requests.length;
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string]> = [
      ['badSignature', await sign(portalClaims(), OTHER_SECRET)],
      ['expired', await sign(portalClaims({ iat: now - 400, exp: now - 100 }))],
      ['tooLong', await sign(portalClaims({ exp: now + 24 * 3600 }))],
      ['algorithmNotAllowed', new UnsecuredJWT(portalClaims()).encode()],
      ['algorithmNotAllowed', await sign(portalClaims(), PORTAL_SECRET + PORTAL_SECRET, 'HS512')],
      ['wrongIssuer', await sign(portalClaims({ iss: 'https://evil.example' }))],
      ['wrongAudience', await sign(portalClaims({ aud: 'another-app' }))],
      ['missingClaim', await sign(portalClaims({ tid: undefined }))],
      ['notYetValid', await sign(portalClaims({ nbf: now + 300 }))],
      ['malformed', 'not-a-jwt-at-all'],
    ];
    for (const [reason, assertion] of cases) {
      logs.length = 0;
      const res = await post(`${a.url}/api/directline/token`, { assertion });
      expect(res.status, reason).to.equal(401);
      expect(res.json, reason).to.deep.equal({
        error: 'unauthorized',
        message: 'The sign-in from the portal is not valid or has expired. Reload the portal page.',
      });
      const refused = logs.find((l) => l.msg === 'web chat token refused');
      expect(refused?.outcome, reason).to.equal(`token.${reason}`);
      expect(JSON.stringify(logs), 'the assertion is never logged').to.not.contain(assertion);
    }
    expect((await post(`${a.url}/api/directline/token`, { nope: true })).status).to.equal(400);
    expect(dl.requests.length).to.equal(before);
  });

  it('the bot reads the tenant from a bound Web Chat user id only when auth is on', () => {
    const activity = { channelId: 'directline', from: { id: directLineUserId('contoso-tenant', 'ada') } } as never;
    expect(resolveTenantId(activity, 'configured-tenant', true)).to.equal('contoso-tenant');
    expect(resolveTenantId(activity, 'configured-tenant', false)).to.equal('configured-tenant');
    expect(resolveTenantId({ channelId: 'directline', from: { id: 'dl_bm9wZQ' } } as never, 'configured-tenant', true)).to.equal('configured-tenant');
  });
});

describe('verifyPortalAssertion (the portal JWT contract)', () => {
  const check = (extra: Partial<PortalAssertionCheck> = {}): PortalAssertionCheck => ({ secret: PORTAL_SECRET, now: new Date(NOW * 1000), ...extra });
  const verify = async (claims: Record<string, unknown>, extra: Partial<PortalAssertionCheck> = {}, secret = PORTAL_SECRET) =>
    verifyPortalAssertion(await sign(portalClaims(claims, NOW), secret), check(extra));
  const problemOf = async (claims: Record<string, unknown>, extra: Partial<PortalAssertionCheck> = {}) => {
    const result = await verify(claims, extra);
    return result.ok ? 'ok' : `${result.problem}${result.claim ? `:${result.claim}` : ''}`;
  };

  it('accepts the documented claims and reads tenant, user and name from tid, sub and name', async () => {
    expect(await verify({})).to.deep.equal({ ok: true, assertion: { tenantId: 'contoso-tenant', userId: 'ada@contoso.com', name: 'Ada' } });
    expect(await verify({ name: undefined, jti: 'abc', locale: 'de-DE' }), 'name is optional; other claims are ignored').to.deep.equal({
      ok: true,
      assertion: { tenantId: 'contoso-tenant', userId: 'ada@contoso.com' },
    });
    expect(await problemOf({ aud: ['someone-else', DEFAULT_PORTAL_AUDIENCE] }), 'aud may be an array that contains ours').to.equal('ok');
  });

  it('checks iss and aud against the configured values (defaults csp-partner-portal and csp-assistant)', async () => {
    const configured = { issuer: 'https://portal.contoso.com', audience: 'https://assistant.contoso.com' };
    expect(await problemOf({}, configured)).to.equal('wrongIssuer:iss');
    expect(await problemOf({ iss: configured.issuer }, configured)).to.equal('wrongAudience:aud');
    expect(await problemOf({ iss: configured.issuer, aud: configured.audience }, configured)).to.equal('ok');
    expect(await problemOf({ iss: undefined })).to.equal('missingClaim:iss');
    expect(await problemOf({ aud: undefined })).to.equal('missingClaim:aud');
  });

  it('requires exp, iat, sub and tid, and well-formed claims', async () => {
    for (const claim of ['exp', 'iat', 'sub', 'tid']) expect(await problemOf({ [claim]: undefined }), claim).to.equal(`missingClaim:${claim}`);
    expect(await problemOf({ tid: 'contoso tenant' })).to.equal('badClaims:tid');
    expect(await problemOf({ sub: '' })).to.equal('badClaims:sub');
    expect(await problemOf({ name: 'x'.repeat(101) })).to.equal('badClaims:name');
    expect(await problemOf({ exp: 'tomorrow' })).to.equal('badClaims:exp');
  });

  it('bounds the lifetime to 10 minutes and tolerates 60 s of clock skew on exp, nbf and iat', async () => {
    expect([MAX_ASSERTION_SECONDS, CLOCK_SKEW_SECONDS]).to.deep.equal([600, 60]);
    expect(await problemOf({ exp: NOW + 600 })).to.equal('ok');
    expect(await problemOf({ exp: NOW + 601 })).to.equal('tooLong:exp');
    expect(await problemOf({ iat: NOW - 120, exp: NOW - 30 }), 'expired 30 s ago: within the skew').to.equal('ok');
    expect(await problemOf({ iat: NOW - 120, exp: NOW - 90 })).to.equal('expired:exp');
    expect(await problemOf({ nbf: NOW + 30 })).to.equal('ok');
    expect(await problemOf({ nbf: NOW + 90 })).to.equal('notYetValid:nbf');
    expect(await problemOf({ iat: NOW + 30, exp: NOW + 300 })).to.equal('ok');
    expect(await problemOf({ iat: NOW + 90, exp: NOW + 300 }), 'issued in the future').to.equal('notYetValid:iat');
    expect(await problemOf({ iat: NOW - 700, exp: NOW + 60 }), 'issued more than 10 min (+ skew) ago').to.equal('expired:iat');
  });

  it('accepts HS256 with the shared secret only: not another key, not alg none, not HS512 or RS256', async () => {
    const payload = portalClaims({}, NOW);
    expect(await verify({}, {}, OTHER_SECRET)).to.deep.equal({ ok: false, problem: 'badSignature' });
    expect(await verifyPortalAssertion(new UnsecuredJWT(payload).encode(), check())).to.deep.equal({ ok: false, problem: 'algorithmNotAllowed' });
    const hs512 = await sign(payload, PORTAL_SECRET + PORTAL_SECRET, 'HS512');
    expect(await verifyPortalAssertion(hs512, check())).to.deep.equal({ ok: false, problem: 'algorithmNotAllowed' });
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect(await verifyPortalAssertion(rs256, check())).to.deep.equal({ ok: false, problem: 'algorithmNotAllowed' });
    // the signature covers the claims: a payload swapped into a valid token fails
    const [header, , signature] = (await sign(payload)).split('.');
    const swapped = Buffer.from(JSON.stringify({ ...payload, tid: 'fabrikam' })).toString('base64url');
    expect(await verifyPortalAssertion(`${header}.${swapped}.${signature}`, check())).to.deep.equal({ ok: false, problem: 'badSignature' });
    expect(await verifyPortalAssertion('a.b.c', check())).to.deep.equal({ ok: false, problem: 'malformed' });
  });

  it('reads WEBCHAT_PORTAL_ISSUER and WEBCHAT_PORTAL_AUDIENCE from the environment (unset = the defaults)', () => {
    expect(loadConfig({})).to.not.have.any.keys('webChatPortalIssuer', 'webChatPortalAudience');
    const config = loadConfig({ WEBCHAT_PORTAL_ISSUER: 'https://portal.contoso.com', WEBCHAT_PORTAL_AUDIENCE: 'csp-assistant-prod' });
    expect(config).to.deep.include({ webChatPortalIssuer: 'https://portal.contoso.com', webChatPortalAudience: 'csp-assistant-prod' });
    expect(() => loadConfig({ WEBCHAT_PORTAL_ISSUER: 'contoso portal' })).to.throw(ConfigError, /WEBCHAT_PORTAL_ISSUER: must be 1-200 printable characters/);
  });
});
