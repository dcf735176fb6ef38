/**
 * Rate limits of the public HTTP routes through the real server (`startApp`, lowdb in a temp dir,
 * auth off so the development Direct Line is there too). Each scenario talks from its own loopback
 * address (127.0.0.x: Linux routes all of 127/8 to the loopback interface), so budgets never leak
 * between scenarios and no test waits for a window, except one that waits one second to show a
 * budget comes back after `Retry-After`.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../src/config.js';
import { applyCommand, type Actor } from '../../src/domain/transition.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { clientAddressKey, retryAfterSeconds, tokenKey } from '../../src/server/http/rateLimiter.js';
import { DEFAULT_RATE_LIMITS, UNLIMITED_ROUTES, rateLimitPolicy } from '../../src/server/http/rateLimits.js';
import { expectInert, textOf } from '../support/htmlInert.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';

const PROVIDER = 'tenant-provider-limits';
const provAdmin: Actor = { id: 'prov-admin', name: 'Pat Provider' };

/** Small budgets with windows long enough that a burst never straddles two of them. */
const TEST_LIMITS = [
  'invitationPage.ip=8/60',
  'invitationPage.token=3/60',
  'invitationForm.ip=8/60',
  'invitationForm.token=3/60',
  'export.ip=8/60',
  'export.token=3/60',
  'directLineToken.ip=8/60',
  'directLineToken.token=3/60',
  'devDirectLine.ip=8/60',
  'devDirectLine.token=3/60',
].join(',');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request from the loopback address `127.0.0.<from>`; `path` is sent as it is (no escaping). */
function send(base: string, from: number, method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, localAddress: `127.0.0.${from}`, headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A route as a client sees it: how to call it with a token, and what it answers under the limit. */
interface Route {
  name: string;
  group: keyof typeof DEFAULT_RATE_LIMITS;
  call(base: string, from: number, token: string): Promise<Answer>;
  /** A token the route answers normally (a real link where there is one). */
  sample(): string;
  /** Statuses the route itself answers (under the limit) for `sample()` and for made-up tokens. */
  normal: number[];
  answer: 'page' | 'json';
}

/** Every limited route; `tokens` gives the real ones, known once the app runs. */
function routes(tokens: { invitation(): string; draft(): string; export(): string; dev(): string }): Route[] {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  return [
    {
      name: 'GET /invitations/<token>',
      group: 'invitationPage',
      call: (base, from, token) => send(base, from, 'GET', `/invitations/${token}`),
      sample: tokens.invitation,
      normal: [200, 404],
      answer: 'page',
    },
    {
      name: 'GET /invitations/draft/<token>',
      group: 'invitationPage',
      call: (base, from, token) => send(base, from, 'GET', `/invitations/draft/${token}`),
      sample: tokens.draft,
      normal: [200, 404],
      answer: 'page',
    },
    {
      name: 'POST /invitations/<token>',
      group: 'invitationForm',
      call: (base, from, token) => send(base, from, 'POST', `/invitations/${token}`, { headers: form, body: 'action=accept&csrf=nope' }),
      sample: tokens.invitation,
      normal: [403],
      answer: 'page',
    },
    {
      name: 'GET /exports/customers/<token>',
      group: 'export',
      call: (base, from, token) => send(base, from, 'GET', `/exports/customers/${token}`),
      sample: tokens.export,
      normal: [200, 404],
      answer: 'page',
    },
    {
      name: 'POST /api/directline/token',
      group: 'directLineToken',
      call: (base, from, token) => send(base, from, 'POST', '/api/directline/token', json({ assertion: `assertion-${token}` })),
      sample: () => 'portal-0123456789',
      normal: [401],
      answer: 'json',
    },
    {
      name: 'POST /v3/directline/tokens/refresh',
      group: 'devDirectLine',
      call: (base, from, token) => send(base, from, 'POST', '/v3/directline/tokens/refresh', { headers: { authorization: `Bearer ${token}` }, body: '' }),
      sample: tokens.dev,
      normal: [200, 403],
      answer: 'json',
    },
  ];
}

function expect429(answer: Answer, route: Route, label: string): number {
  expect(answer.status, `${label}: ${answer.text.slice(0, 200)}`).to.equal(429);
  const retryAfter = Number(answer.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `${label}: Retry-After ${answer.headers['retry-after']}`).to.equal(true);
  expect(answer.headers['cache-control']).to.equal('no-store');
  if (route.answer === 'json') {
    expect(answer.headers['content-type']).to.match(/^application\/json/);
    expect(JSON.parse(answer.text)).to.deep.include({
      error: { code: 'rateLimited', retryAfterSeconds: retryAfter, message: `Too many requests. Try again in ${retryAfter} s.` },
    });
  } else {
    expect(answer.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(answer.headers['content-security-policy']).to.include("default-src 'none'");
    expect(textOf(answer.text)).to.include('Too many requests').and.include(`wait ${retryAfter} second`);
  }
  return retryAfter;
}

describe('rate limits of the public HTTP routes (real server)', function () {
  this.timeout(60_000);
  let dir: string;
  let app: RunningApp;
  let channel: LoopbackChannel;
  const logLines: string[] = [];
  let invitationToken = '';
  let draftToken = '';
  let exportToken = '';
  let devToken = '';
  let table: Route[];
  /** Each scenario's own client address (127.0.0.<n>). */
  let nextAddress = 10;
  const address = () => nextAddress++;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'csp-limits-'));
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await startApp(
      loadConfig({
        PORT: '0',
        DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_HTTP: TEST_LIMITS,
        DIRECT_LINE_SECRET: 'dl-secret-0123456789abcdefghijklmnopqrstuvwxyz',
        WEBCHAT_PORTAL_SECRET: 'portal-secret-0123456789abcdefghijklmnop',
        DIRECT_LINE_ENDPOINT: 'http://127.0.0.1:9/v3/directline',
      }),
      { logger: pino({ level: 'info' }, sink) },
    );
    channel = new LoopbackChannel();
    await channel.start();
    const role = await app.transitions.update(PROVIDER, (r) => applyCommand(r, { type: 'setRole', role: 'globalAdmin' }, provAdmin, new Date()));
    expect(role.ok).to.equal(true);
    expect((await app.invitations.setOrganization(PROVIDER, provAdmin, { name: 'Fabrikam Distribution', side: 'provider' })).ok).to.equal(true);
    const created = await app.invitations.create(PROVIDER, provAdmin, { kind: 'partnership', purpose: 'new', to: { email: 'owner@northwind.example' } });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    invitationToken = new URL(created.link).pathname.split('/').pop()!;
    draftToken = new URL(app.invitations.draftPageUrl(created.invitation)).pathname.split('/').pop()!;
    await app.customers.importCsv(PROVIDER, provAdmin, 'Name,Domain\nTailspin,tailspin.example\n');
    exportToken = new URL(app.customers.exportUrl(PROVIDER)).pathname.split('/').pop()!;
    const generated = await send(app.url, 250, 'POST', '/v3/directline/tokens/generate', json({ user: { id: 'dl-limits' } }));
    expect(generated.status).to.equal(200);
    devToken = (JSON.parse(generated.text) as { token: string }).token;
    table = routes({ invitation: () => invitationToken, draft: () => draftToken, export: () => exportToken, dev: () => devToken });
  });

  after(async () => {
    await app.close();
    await channel.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('every registered route is either in the limits table or listed as unlimited with a reason, never both', () => {
    const limited = new Set(Object.values(DEFAULT_RATE_LIMITS).flatMap((g) => g.routes));
    const registered = Object.values(app.server.getDebugInfo().routes as Record<string, { method: string; path: string }>).map(
      (r) => `${r.method.toUpperCase()} ${r.path}`,
    );
    const unknown = registered.filter((r) => limited.has(r) === r in UNLIMITED_ROUTES);
    expect(unknown, 'routes in neither list, or in both').to.deep.equal([]);
    for (const route of limited) expect(registered, 'a table entry names a real route').to.include(route);
    expect(UNLIMITED_ROUTES).to.have.property('POST /api/messages');
  });

  it('per route: under the limit the real link works; past its token budget a burst gets 429 with Retry-After, from any address, never a 5xx', async () => {
    const firstAnswers: Record<string, number> = {};
    for (const route of table) {
      const from = address();
      for (let i = 0; i < 3; i++) {
        const ok = await route.call(app.url, from, route.sample());
        expect(route.normal, `${route.name} #${i + 1}: ${ok.status} ${ok.text.slice(0, 120)}`).to.include(ok.status);
        firstAnswers[route.name] ??= ok.status;
        if (route.name === 'GET /invitations/<token>') expect(textOf(ok.text)).to.include('Fabrikam Distribution wants to be your indirect provider');
        if (route.name === 'GET /exports/customers/<token>') expect(ok.text).to.include('tailspin.example');
      }
      expect429(await route.call(app.url, from, route.sample()), route, `${route.name}, same address`);
      expect429(await route.call(app.url, address(), route.sample()), route, `${route.name}, the same token from another address`);
    }
    expect(firstAnswers, 'real links and tokens were answered for real').to.deep.include({
      'GET /invitations/<token>': 200,
      'GET /invitations/draft/<token>': 200,
      'GET /exports/customers/<token>': 200,
      'POST /v3/directline/tokens/refresh': 200,
    });
  });

  it('a second token from the same address has its own token budget, but the address budget caps them all (forwarded-for headers ignored)', async () => {
    for (const route of table) {
      const from = address();
      const statuses: number[] = [];
      // 3 with token a (all answered), a 4th refused by a's budget, then b and c until the address's 8 are spent
      for (const [token, times] of [
        ['a', 4],
        ['b', 3],
        ['c', 2],
      ] as const) {
        for (let i = 0; i < times; i++) {
          const answer = await route.call(app.url, from, `made-up-${from}-${token}`);
          statuses.push(answer.status);
        }
      }
      const label = route.name;
      expect(
        statuses.slice(0, 3).every((s) => route.normal.includes(s)),
        `${label}: ${statuses}`,
      ).to.equal(true);
      expect(statuses[3], `${label}: token a over its budget`).to.equal(429);
      expect(
        statuses.slice(4, 7).every((s) => route.normal.includes(s)),
        `${label}: token b has its own budget: ${statuses}`,
      ).to.equal(true);
      expect(statuses[7], `${label}: token c, the address's 8th request`).to.satisfy((s: number) => route.normal.includes(s));
      expect(statuses[8], `${label}: token c, over the address budget`).to.equal(429);
      const fresh = await route.call(app.url, from, `made-up-${from}-d`);
      expect429(fresh, route, `${label}: a fresh token from a spent address`);
      const other = await route.call(app.url, address(), `made-up-${from}-e`);
      expect(route.normal, `${label}: another address`).to.include(other.status);
    }
    // a client cannot buy a new address budget by claiming to be behind a proxy
    const from = address();
    const spoofed: number[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await send(app.url, from, 'GET', `/invitations/spoof-${i}`, {
        headers: { 'x-forwarded-for': `198.51.100.${i}`, forwarded: `for=198.51.100.${i}` },
      });
      spoofed.push(answer.status);
    }
    expect(spoofed).to.deep.equal([404, 404, 404, 404, 404, 404, 404, 404, 429, 429]);
  });

  it('the 429 page speaks the Accept-Language and keeps the requested URL as inert text', async () => {
    const from = address();
    const payload = `"><script>alert(1)</script>`;
    const target = `/invitations/${payload}?session=${payload}'onmouseover='alert(1)`;
    for (let i = 0; i < 3; i++) expect((await send(app.url, from, 'GET', target)).status).to.equal(404);
    const words: Record<string, RegExp> = {
      'de-DE': /Zu viele Anfragen[\s\S]*Bitte warten Sie \d+ Sekunden?, und versuchen Sie es dann erneut/,
      'ru-RU': /Слишком много запросов[\s\S]*Подождите \d+ секунд[уыа]? и повторите попытку/,
      'zh-TW': /要求次數過多[\s\S]*請等候 \d+ 秒後再試一次/,
      'en-US': /Too many requests[\s\S]*Please wait \d+ seconds?, then try again/,
    };
    for (const [acceptLanguage, locale] of [
      ['de-AT,de;q=0.9', 'de-DE'],
      ['ru', 'ru-RU'],
      ['zh-HK', 'zh-TW'],
      ['fr-FR', 'en-US'],
    ] as const) {
      const page = await send(app.url, from, 'GET', target, { headers: { 'accept-language': acceptLanguage } });
      expect(page.status).to.equal(429);
      expect(page.text).to.include(`<html lang="${locale}">`);
      expect(textOf(page.text)).to.match(words[locale]!);
      expect(page.text, 'no raw keys or placeholders').to.not.match(/\{\{|httpLimits\./);
      expectInert(page.text, `429 page ${locale}`, { shown: [target] });
      expect(page.text).to.not.include('<script>alert');
    }
    // a refused form post gets the page too, without a link that would pretend to resend the form
    const post = table.find((r) => r.group === 'invitationForm')!;
    const poster = address();
    for (let i = 0; i < 3; i++) expect((await post.call(app.url, poster, 'form-page')).status).to.equal(403);
    const refused = await post.call(app.url, poster, 'form-page');
    expect429(refused, post, 'form post');
    expect(refused.text).to.not.include('class="button');
  });

  it('logs each refused client or token once per window, and never a raw token', async () => {
    const from = address();
    const secret = 'secret-token-that-must-not-be-logged-0123456789';
    for (let i = 0; i < 8; i++) await send(app.url, from, 'GET', `/exports/customers/${secret}`);
    const refusals = logLines.filter((l) => l.includes(tokenKey(secret).slice(0, 12)));
    expect(refusals, 'one log line for the token, not one per refused request').to.have.length(1);
    expect(JSON.parse(refusals[0]!)).to.include({ group: 'export', budget: 'token', msg: 'rate limit reached; requests refused with 429' });
    const all = logLines.join('\n');
    for (const token of [secret, invitationToken, draftToken, exportToken, devToken, 'portal-0123456789']) expect(all).to.not.include(token);
  });

  it('load: hammering every public route from one address gets only answers and 429s, and the bot still answers other conversations', async () => {
    const from = address();
    /** Per group (its routes share the address budget): status -> count. */
    const statuses = new Map<string, Map<number, number>>();
    const hammer = async (route: Route, n: number) => {
      const counts = statuses.get(route.group) ?? new Map<number, number>();
      statuses.set(route.group, counts);
      for (let wave = 0; wave < n / 25; wave++) {
        const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => route.call(app.url, from, `load-${(wave * 25 + i) % 7}`)));
        for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
      }
    };
    // the bot endpoint, from the same address, as a channel posts it
    const turn = (conversation: string) => {
      const activity: Partial<Activity> = {
        type: 'message',
        text: 'help',
        id: `m-${conversation}`,
        channelId: 'msteams',
        serviceUrl: channel.serviceUrl,
        from: { id: '29:limits', name: 'Load' },
        recipient: { id: 'bot', name: 'assistant' },
        conversation: { id: conversation, isGroup: false, conversationType: 'personal', name: '' },
        channelData: { tenant: { id: 'tenant-load' } },
        locale: 'en-US',
      };
      return send(app.url, from, 'POST', '/api/messages', json(activity));
    };
    // turns run while the routes are hammered, and after
    const [during] = await Promise.all([turn('conv-during-load'), ...table.map((r) => hammer(r, 200).then(() => undefined))]);
    const after = await turn('conv-after-load');
    for (const [group, counts] of statuses) {
      const normal = table.filter((r) => r.group === group).flatMap((r) => r.normal);
      const answered = [...counts].filter(([s]) => s !== 429).reduce((n, [, c]) => n + c, 0);
      expect(
        [...counts.keys()].every((s) => s === 429 || normal.includes(s)),
        `${group}: ${JSON.stringify([...counts])}`,
      ).to.equal(true);
      expect(counts.get(429) ?? 0, `${group}: refused`).to.be.greaterThan(0);
      expect(answered, `${group}: answered at most the address budget`).to.be.at.most(8);
    }
    for (const [result, conversation] of [
      [during, 'conv-during-load'],
      [after, 'conv-after-load'],
    ] as const) {
      expect(result.status, conversation).to.be.lessThan(300);
      expect(channel.take(conversation).length, `${conversation}: the bot replied`).to.be.greaterThan(0);
    }
    expect((await send(app.url, from, 'GET', '/healthz')).status).to.equal(200);
  });
});

describe('rate limits: a budget comes back after Retry-After', () => {
  let dir: string;
  let app: RunningApp;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'csp-limits-window-'));
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', RATE_LIMIT_HTTP: 'export.ip=2/1' }));
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses the third export in a one-second window, then serves it once Retry-After has passed', async () => {
    const target = new URL(app.customers.exportUrl('tenant-window')).pathname;
    expect((await send(app.url, 60, 'GET', target)).status).to.equal(200);
    expect((await send(app.url, 60, 'GET', target)).status).to.equal(200);
    const refused = await send(app.url, 60, 'GET', target);
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.equal('1');
    await new Promise((r) => setTimeout(r, 1050));
    expect((await send(app.url, 60, 'GET', target)).status).to.equal(200);
  });
});

describe('rate limits: policy, configuration and client addresses', () => {
  it('reads RATE_LIMIT_HTTP over the defaults and names a bad entry', () => {
    const config = loadConfig({ RATE_LIMIT_HTTP: ' invitationPage.ip=300/60 , directLineToken.token=2/30' });
    const policy = rateLimitPolicy(config.httpRateLimits);
    expect(policy.invitationPage.ip).to.deep.equal({ points: 300, seconds: 60 });
    expect(policy.invitationPage.perToken).to.deep.equal(DEFAULT_RATE_LIMITS.invitationPage.perToken);
    expect(policy.directLineToken.perToken).to.deep.equal({ points: 2, seconds: 30 });
    expect(DEFAULT_RATE_LIMITS.invitationPage.ip.points, 'defaults untouched').to.equal(60);
    expect(loadConfig({}).httpRateLimits).to.deep.equal([]);
    for (const bad of ['nope.ip=1/1', 'export.ip=0/60', 'export.ip=5/0', 'export.ip=5', 'export.user=5/60']) {
      expect(() => loadConfig({ RATE_LIMIT_HTTP: bad }), bad)
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(/RATE_LIMIT_HTTP/);
    }
  });

  it('keys a client by its socket address: IPv4-mapped as IPv4, IPv6 by its /64', () => {
    expect(clientAddressKey('203.0.113.7')).to.equal('203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).to.equal('203.0.113.7');
    expect(clientAddressKey('2001:db8:1:2:3:4:5:6')).to.equal('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8:1:2:ffff::1')).to.equal('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:DB8::1')).to.equal('2001:db8:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0')).to.equal('fe80:0:0:0::/64');
    expect(clientAddressKey('::1')).to.equal('0:0:0:0::/64');
    expect(clientAddressKey(undefined)).to.equal('unknown');
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    expect([0, 1, 999, 1000, 1001, 59_001].map(retryAfterSeconds)).to.deep.equal([1, 1, 1, 1, 2, 60]);
  });
});
