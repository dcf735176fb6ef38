import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { resolveTenantId } from '../../src/bot/assistantBot.js';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { directLineUserId, parseDirectLineUserId, signPortalAssertion } from '../../src/server/directLineToken.js';

const DL_SECRET = 'dl-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const PORTAL_SECRET = 'portal-secret-0123456789abcdefghijklmnop';

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
    const a = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', ...env }));
    apps.push(a);
    return a;
  }

  it('refuses with 503 when not configured, and asks Direct Line for nothing', async () => {
    const a = await app({});
    const res = await post(`${a.url}/api/directline/token`, { assertion: 'x'.repeat(20) });
    expect(res.status).to.equal(503);
    expect(res.json.error).to.equal('notConfigured');
    expect(dl.requests).to.have.length(0);
  });

  it('exchanges the secret for a token bound to the signed-in partner and tenant; the secret never reaches the browser', async () => {
    const a = await app({ DIRECT_LINE_SECRET: DL_SECRET, WEBCHAT_PORTAL_SECRET: PORTAL_SECRET, DIRECT_LINE_ENDPOINT: dl.url });
    const assertion = signPortalAssertion(PORTAL_SECRET, { tenantId: 'contoso-tenant', userId: 'ada@contoso.com', name: 'Ada', exp: Date.now() + 5 * 60_000 });
    const res = await post(`${a.url}/api/directline/token`, { assertion });
    expect(res.status).to.equal(200);
    expect(res.json).to.deep.include({ token: 'dl-token-abc', conversationId: 'conv-123', expiresIn: 1800 });
    expect(res.text).to.not.contain(DL_SECRET);
    const sent = dl.requests.at(-1)!;
    expect(sent.path).to.equal('/v3/directline/tokens/generate');
    expect(sent.auth).to.equal(`Bearer ${DL_SECRET}`);
    expect(sent.body).to.deep.equal({ user: { id: directLineUserId('contoso-tenant', 'ada@contoso.com'), name: 'Ada' } });
    expect(parseDirectLineUserId(String(res.json.userId))).to.deep.equal({ tenantId: 'contoso-tenant', userId: 'ada@contoso.com' });
  });

  it('refuses a forged, expired or over-long assertion with 401 and a malformed body with 400', async () => {
    const a = await app({ DIRECT_LINE_SECRET: DL_SECRET, WEBCHAT_PORTAL_SECRET: PORTAL_SECRET, DIRECT_LINE_ENDPOINT: dl.url });
    const before = dl.requests.length;
    const forged = signPortalAssertion('another-secret-0123456789abcdefghijkl', { tenantId: 't', userId: 'u', exp: Date.now() + 60_000 });
    const expired = signPortalAssertion(PORTAL_SECRET, { tenantId: 't', userId: 'u', exp: Date.now() - 1 });
    const forever = signPortalAssertion(PORTAL_SECRET, { tenantId: 't', userId: 'u', exp: Date.now() + 24 * 3_600_000 });
    for (const assertion of [forged, expired, forever]) expect((await post(`${a.url}/api/directline/token`, { assertion })).status).to.equal(401);
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
