import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { createLogger } from '../../src/logger.js';
import { registerDevDirectLine, type DevActivity, type DevDirectLine } from '../../src/server/devDirectLine.js';
import { registerWebChatPage } from '../../src/server/webChatPage.js';

/** Minimal real bot: echoes, updates its reply on the 2nd message, answers the join event. */
class EchoBot extends ActivityHandler {
  private readonly messages = new Map<string, number>();

  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const conversationId = context.activity.conversation.id;
      const count = (this.messages.get(conversationId) ?? 0) + 1;
      this.messages.set(conversationId, count);
      const text = context.activity.text ?? '';
      const sent = await context.sendActivity(`echo: ${text}`);
      if (count === 2 && sent?.id) {
        await context.updateActivity({ id: sent.id, type: 'message', text: `echo (edited): ${text}` });
      }
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'webchat/join') {
        const value = context.activity.value as { locale?: string } | undefined;
        await context.sendActivity(`joined: ${value?.locale ?? '?'}`);
      }
      await next();
    });
  }
}

interface Session {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl?: string;
}

interface ActivitySet {
  activities: DevActivity[];
  watermark: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newServer(): restify.Server {
  const server = restify.createServer({ name: 'dev-direct-line-test' });
  server.use(restify.plugins.queryParser());
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  return server;
}

async function listen(server: restify.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

describe('development Direct Line + Web Chat page (real restify server and bot)', function () {
  this.timeout(20_000);
  let server: restify.Server;
  let baseUrl = '';
  let botPath = '/api/messages';
  let dl: DevDirectLine;
  let session: Session;
  let watermark = '';

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const json = (token: string) => ({ ...auth(token), 'Content-Type': 'application/json' });
  const dlUrl = (path: string) => `${baseUrl}/v3/directline${path}`;

  async function poll(token: string, conversationId: string, from: string): Promise<ActivitySet> {
    const response = await fetch(dlUrl(`/conversations/${conversationId}/activities?watermark=${from}`), { headers: auth(token) });
    expect(response.status).to.equal(200);
    return (await response.json()) as ActivitySet;
  }

  /** Polls (like DirectLineJS) until `predicate` matches a new activity; at most ~5 s. */
  async function pollUntil(predicate: (a: DevActivity) => boolean): Promise<DevActivity[]> {
    const seen: DevActivity[] = [];
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const set = await poll(session.token, session.conversationId, watermark);
      seen.push(...set.activities);
      watermark = set.watermark;
      if (seen.some(predicate)) return seen;
      await sleep(100);
    }
    throw new Error(`activity not received within 5 s; got ${JSON.stringify(seen.map((a) => [a.type, a.text]))}`);
  }

  async function postActivity(activity: unknown, token = session.token, conversationId = session.conversationId): Promise<Response> {
    return fetch(dlUrl(`/conversations/${conversationId}/activities`), {
      method: 'POST',
      headers: json(token),
      body: JSON.stringify(activity),
    });
  }

  const userMessage = (text: string) => ({
    type: 'message',
    text,
    textFormat: 'plain',
    from: { id: 'partner-test-user', name: 'Partner', role: 'user' },
    locale: 'en-US',
    channelData: { clientActivityID: `client-${text}` },
    notAnActivityField: 'dropped',
  });

  before(async () => {
    server = newServer();
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const bot = new EchoBot();
    server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
      await adapter.process(req, res, (context) => bot.run(context));
    });
    server.post('/api/failing', async (_req: restify.Request, res: restify.Response) => {
      res.json(500, { error: 'boom' });
    });
    dl = registerDevDirectLine(server, {
      botMessagesUrl: () => `${baseUrl}${botPath}`,
      selfBaseUrl: () => baseUrl,
      logger: createLogger('silent'),
    });
    registerWebChatPage(server, { devDirectLine: true });
    baseUrl = await listen(server);
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('generates a token that creates a conversation', async () => {
    const response = await fetch(dlUrl('/tokens/generate'), { method: 'POST' });
    expect(response.status).to.equal(200);
    session = (await response.json()) as Session;
    expect(session.conversationId).to.match(/^[A-Za-z0-9_-]{16,}$/);
    expect(session.token).to.match(/^[A-Za-z0-9_-]{32,}$/);
    expect(session.expires_in).to.equal(3600);
    expect(dl.conversationCount()).to.equal(1);
    expect(dl.activities(session.conversationId)).to.deep.equal([]);
  });

  it('starts, reconnects and refreshes the conversation with the bearer token', async () => {
    const start = await fetch(dlUrl('/conversations'), {
      method: 'POST',
      headers: json(session.token),
      body: JSON.stringify({ user: { id: 'partner-test-user' }, locale: 'en-US' }),
    });
    expect(start.status).to.equal(201);
    const started = (await start.json()) as Session;
    expect(started.conversationId).to.equal(session.conversationId);
    expect(started.token).to.equal(session.token);
    expect(started).to.not.have.property('streamUrl');

    const reconnect = await fetch(dlUrl(`/conversations/${session.conversationId}?watermark=`), { headers: auth(session.token) });
    expect(reconnect.status).to.equal(200);
    expect(((await reconnect.json()) as Session).conversationId).to.equal(session.conversationId);

    const refresh = await fetch(dlUrl('/tokens/refresh'), { method: 'POST', headers: auth(session.token) });
    expect(refresh.status).to.equal(200);
    const refreshed = (await refresh.json()) as Session;
    expect(refreshed.token).to.equal(session.token);
    expect(refreshed.conversationId).to.equal(session.conversationId);
    expect(refreshed.expires_in).to.be.within(3590, 3600);
    expect(dl.conversationCount()).to.equal(1);
  });

  it('echoes the posted message with an id and delivers the bot reply by polling', async () => {
    const response = await postActivity(userMessage('hello'));
    expect(response.status).to.equal(200);
    const { id } = (await response.json()) as { id: string };
    expect(id).to.equal(`${session.conversationId}|0000001`);

    const seen = await pollUntil((a) => a.text === 'echo: hello');
    const echo = seen.find((a) => a.id === id);
    expect(echo, 'own activity echoed back').to.not.equal(undefined);
    expect(echo).to.include({ type: 'message', text: 'hello', channelId: 'webchat' });
    expect(echo?.channelData).to.deep.equal({ clientActivityID: 'client-hello' });
    expect(echo?.from).to.deep.include({ id: 'partner-test-user', role: 'user' });
    expect(echo?.serviceUrl).to.equal(`${baseUrl}/devconnector`);
    expect(echo).to.not.have.property('notAnActivityField');
    expect(Number.isNaN(Date.parse(String(echo?.timestamp)))).to.equal(false);

    const reply = seen.find((a) => a.text === 'echo: hello');
    expect(reply?.id).to.match(new RegExp(`^${session.conversationId}\\|\\d{7}$`));
    expect(reply?.from).to.deep.include({ id: 'bot', role: 'bot' });
    expect(reply?.replyToId).to.equal(id);
    expect(seen.indexOf(echo as DevActivity)).to.be.lessThan(seen.indexOf(reply as DevActivity));
  });

  it('returns nothing new after the last watermark', async () => {
    const set = await poll(session.token, session.conversationId, watermark);
    expect(set.activities).to.deep.equal([]);
    expect(set.watermark).to.equal(watermark);
    const all = await poll(session.token, session.conversationId, '');
    expect(all.activities.map((a) => a.text)).to.deep.equal(['hello', 'echo: hello']);
  });

  it('delivers a bot updateActivity (PUT) as the same id at the end of the list', async () => {
    const response = await postActivity(userMessage('again'));
    expect(response.status).to.equal(200);
    const seen = await pollUntil((a) => a.text === 'echo (edited): again');
    const edited = seen.find((a) => a.text === 'echo (edited): again') as DevActivity;
    expect(
      seen.some((a) => a.text === 'echo: again'),
      'original version replaced before this poll',
    ).to.equal(false);

    const stored = dl.activities(session.conversationId);
    expect(stored.filter((a) => a.id === edited.id)).to.have.length(1);
    expect(stored[stored.length - 1]).to.include({ id: edited.id, text: 'echo (edited): again' });
    expect(stored.map((a) => a.text)).to.deep.equal(['hello', 'echo: hello', 'again', 'echo (edited): again']);
  });

  it('forwards events (webchat/join) to the bot', async () => {
    const response = await postActivity({
      type: 'event',
      name: 'webchat/join',
      value: { locale: 'fr-FR' },
      from: { id: 'partner-test-user' },
    });
    expect(response.status).to.equal(200);
    await pollUntil((a) => a.text === 'joined: fr-FR');
  });

  it('rejects a missing, wrong or foreign token with 403', async () => {
    const wrong = await fetch(dlUrl(`/conversations/${session.conversationId}/activities`), { headers: auth('not-the-token') });
    expect(wrong.status).to.equal(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).to.be.a('string');

    const missing = await fetch(dlUrl(`/conversations/${session.conversationId}/activities`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(userMessage('no token')),
    });
    expect(missing.status).to.equal(403);

    const other = (await (await fetch(dlUrl('/tokens/generate'), { method: 'POST' })).json()) as Session;
    const foreign = await postActivity(userMessage('foreign'), other.token, session.conversationId);
    expect(foreign.status).to.equal(403);
    expect((await fetch(dlUrl('/tokens/refresh'), { method: 'POST', headers: auth('bogus') })).status).to.equal(403);
    expect((await fetch(dlUrl('/conversations'), { method: 'POST', headers: auth('bogus') })).status).to.equal(403);
    expect(dl.activities(session.conversationId).some((a) => a.text === 'no token' || a.text === 'foreign')).to.equal(false);
  });

  it('answers 404 for an unknown conversation, on both sides', async () => {
    const client = await postActivity(userMessage('lost'), session.token, 'no-such-conversation');
    expect(client.status).to.equal(404);
    expect((await client.json()) as object).to.have.nested.property('error.code');
    const poll404 = await fetch(dlUrl('/conversations/no-such-conversation/activities'), { headers: auth(session.token) });
    expect(poll404.status).to.equal(404);
    const bot = await fetch(`${baseUrl}/devconnector/v3/conversations/no-such-conversation/activities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hi' }),
    });
    expect(bot.status).to.equal(404);
    const put = await fetch(
      `${baseUrl}/devconnector/v3/conversations/${session.conversationId}/activities/${encodeURIComponent(`${session.conversationId}|9999999`)}`,
      { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'x' }) },
    );
    expect(put.status).to.equal(404);
  });

  it('rejects malformed activities and watermarks with 400 JSON', async () => {
    const before = dl.activities(session.conversationId).length;
    const cases: unknown[] = [
      { type: 'message', text: 'no from' },
      { type: 'bogus', text: 'x', from: { id: 'u' } },
      { type: 'message', text: 42, from: { id: 'u' } },
      { type: 'event', from: { id: 'u' } },
      ['not', 'an', 'object'],
    ];
    for (const body of cases) {
      const response = await postActivity(body);
      expect(response.status, JSON.stringify(body)).to.equal(400);
      const error = (await response.json()) as { error: { code: string; message: string } };
      expect(error.error.code).to.equal('BadArgument');
      expect(error.error.message).to.be.a('string').and.not.equal('');
    }
    const badWatermark = await fetch(dlUrl(`/conversations/${session.conversationId}/activities?watermark=abc`), { headers: auth(session.token) });
    expect(badWatermark.status).to.equal(400);
    const badBot = await fetch(`${baseUrl}/devconnector/v3/conversations/${session.conversationId}/activities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'no type' }),
    });
    expect(badBot.status).to.equal(400);
    expect(dl.activities(session.conversationId)).to.have.length(before);
  });

  it('answers 502 and drops the activity when the bot fails', async () => {
    botPath = '/api/failing';
    try {
      const response = await postActivity(userMessage('doomed'));
      expect(response.status).to.equal(502);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('BotError');
      expect(dl.activities(session.conversationId).some((a) => a.text === 'doomed')).to.equal(false);
    } finally {
      botPath = '/api/messages';
    }
  });

  it('serves the Web Chat page with a strict CSP and no external resources', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).to.match(/default-src 'none'/);
    expect(csp).to.match(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).to.not.match(/unsafe-inline|unsafe-eval/);
    const html = await response.text();
    expect(html).to.match(/<html lang="en-US">/);
    expect(html).to.contain('<title>CSP partner assistant</title>');
    expect(html).to.match(/<script src="\/webchat\/webchat\.js\?v=[^"]+" nonce="[^"]+" defer><\/script>/);
    const appSrc = /<script src="(\/assets\/webchat-[A-Z0-9]+\.js)" nonce="[^"]+" defer><\/script>/.exec(html)?.[1];
    expect(appSrc, 'the page script, a built asset with a content-hashed name').to.be.a('string');
    // no inline script at all: settings travel in the data-config attribute
    expect(html).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).to.not.match(/(src|href)="(https?:)?\/\//); // nothing external

    const app = await fetch(`${baseUrl}${appSrc}`);
    expect(app.status).to.equal(200);
    expect(app.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    const etag = app.headers.get('etag')!;
    expect(etag).to.match(/^"[A-Z0-9]+"$/);
    expect((await fetch(`${baseUrl}${appSrc}`, { headers: { 'if-none-match': etag } })).status).to.equal(304);
    expect((await fetch(`${baseUrl}/assets/webchat-NOSUCHHASH.js`)).status).to.equal(404);
    const appJs = await app.text();
    for (const needle of [
      '/v3/directline/tokens/generate',
      'createDirectLine',
      'webSocket: false',
      'DIRECT_LINE/CONNECT_FULFILLED',
      'webchat/join',
      'csp-assistant-user-id',
      'session.userName',
    ]) {
      expect(appJs, needle).to.contain(needle);
    }
    const cssHref = /<link rel="stylesheet" href="(\/assets\/webchat-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    const css = await fetch(`${baseUrl}${cssHref}`);
    expect(css.headers.get('content-type')).to.match(/^text\/css/);
    expect(await css.text()).to.not.match(/url\(|@import/);
  });

  it('serves the Web Chat UMD bundle with a long cache header', async () => {
    const response = await fetch(`${baseUrl}/webchat/webchat.js`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/javascript/);
    expect(response.headers.get('cache-control')).to.match(/max-age=31536000/);
    const body = await response.text();
    expect(body.length).to.be.greaterThan(1_000_000);
    expect(body).to.contain('createDirectLine');
  });
});

describe('development Direct Line limits and the page without Direct Line', function () {
  let server: restify.Server;
  let baseUrl = '';
  let dl: DevDirectLine;

  before(async () => {
    server = newServer();
    dl = registerDevDirectLine(server, {
      botMessagesUrl: () => `${baseUrl}/api/messages`,
      selfBaseUrl: () => baseUrl,
      logger: createLogger('silent'),
      maxConversations: 2,
      maxActivitiesPerConversation: 3,
    });
    registerWebChatPage(server, { devDirectLine: false, frameAncestors: ['https://portal.contoso.example'] });
    baseUrl = await listen(server);
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const generate = async () => (await (await fetch(`${baseUrl}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as Session;

  it('evicts the oldest conversation beyond maxConversations', async () => {
    const first = await generate();
    await generate();
    await generate();
    expect(dl.conversationCount()).to.equal(2);
    const start = await fetch(`${baseUrl}/v3/directline/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${first.token}` } });
    expect(start.status).to.equal(403);
  });

  it('keeps at most maxActivitiesPerConversation and keeps watermarks monotonic', async () => {
    const session = await generate();
    for (let i = 1; i <= 5; i++) {
      const response = await fetch(`${baseUrl}/devconnector/v3/conversations/${session.conversationId}/activities`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: `bot ${i}` }),
      });
      expect(response.status).to.equal(200);
      expect(((await response.json()) as { id: string }).id).to.equal(`${session.conversationId}|000000${i}`);
    }
    expect(dl.activities(session.conversationId).map((a) => a.text)).to.deep.equal(['bot 3', 'bot 4', 'bot 5']);
    const stored = dl.activities(session.conversationId)[0];
    expect(stored?.from).to.deep.equal({ id: 'bot', role: 'bot', name: 'Bot' });

    const del = await fetch(
      `${baseUrl}/devconnector/v3/conversations/${session.conversationId}/activities/${encodeURIComponent(`${session.conversationId}|0000004`)}`,
      { method: 'DELETE' },
    );
    expect(del.status).to.equal(200);
    const set = (await (
      await fetch(`${baseUrl}/v3/directline/conversations/${session.conversationId}/activities?watermark=3`, {
        headers: { Authorization: `Bearer ${session.token}` },
      })
    ).json()) as ActivitySet;
    expect(set.activities.map((a) => a.text)).to.deep.equal(['bot 5']);
    expect(set.watermark).to.equal('5');
  });

  it('renders the production page: portal mode, language from ?lang, theme from the URL, framing only by the configured portal', async () => {
    const response = await fetch(`${baseUrl}/?lang=de-AT&brand=%23A0522D&initials=NW&avatar=javascript:alert(1)`);
    expect(response.status).to.equal(200);
    const html = await response.text();
    expect(html).to.contain('<html lang="de-DE">');
    expect(html).to.contain('data-mode="portal"');
    expect(html).to.contain(':root{--brand:#A0522D}');
    const attribute = /<div id="webchat"[^>]* data-config="([^"]*)"/.exec(html)![1]!;
    const decoded = attribute
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
    const config = JSON.parse(decoded) as { mode: string; locale: string; theme: Record<string, string> };
    expect(config).to.deep.include({ mode: 'portal', locale: 'de-DE' });
    expect(config.theme).to.deep.include({ accent: '#A0522D', avatarInitials: 'NW' });
    expect(config.theme.avatarImage, 'a non-https avatar is ignored').to.equal(undefined);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).to.contain('frame-ancestors https://portal.contoso.example');
    expect(csp).to.contain("connect-src 'self' https://directline.botframework.com wss://directline.botframework.com");
    expect(response.headers.get('x-frame-options')).to.equal(null);
    const appSrc = /<script src="(\/assets\/webchat-[A-Z0-9]+\.js)"/.exec(html)![1]!;
    const appJs = await (await fetch(`${baseUrl}${appSrc}`)).text();
    expect(appJs).to.contain('/api/directline/token');
    const bad = await (await fetch(`${baseUrl}/?brand=red;}body{display:none&lang=xx`)).text();
    expect(bad).to.contain(':root{--brand:#0B5CAD}');
    expect(bad).to.contain('<html lang="en-US">');
  });
});
