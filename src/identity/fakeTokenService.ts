/**
 * A local stand-in for the Bot Framework Token Service (production `https://api.botframework.com`),
 * the REST API behind botbuilder's `OAuthPrompt` and `TeamsSSOTokenExchangeMiddleware`, on 127.0.0.1
 * with an ephemeral port: point `ConfigurationBotFrameworkAuthentication`'s `OAuthUrl` at {@link FakeTokenService.url}.
 *
 * Contract (paths, verbs, query names, bodies and statuses as botframework-connector 4.23.3
 * `UserTokenClientImpl` sends and reads them, `lib/tokenApi/operations/*.js`; shapes from the Token API
 * swagger `libraries/swagger/TokenAPI.json`, microsoft/botbuilder-js tag 4.23.3, commit 0ca2d23561d5;
 * details and the other sources in test/fixtures/tokenService/README.md):
 * - `GET /api/usertoken/GetToken?userId&connectionName&channelId&code`: 200 TokenResponse, or **404 with
 *   an empty body** when there is no token (the SDK then returns `undefined`; a JSON body would be returned
 *   as a "token response" without a token, and `OAuthPrompt` would take it as success).
 * - `GET /api/botsignin/GetSignInResource?state&code_challenge&emulatorUrl&finalRedirect`: 200
 *   `{signInLink, tokenExchangeResource: {id, uri, providerId}}`; `state` is base64 JSON (TokenExchangeState).
 * - `DELETE /api/usertoken/SignOut`, `GET .../GetTokenStatus`, `POST .../GetAadTokens` as documented.
 * - `POST /api/usertoken/exchange?userId&connectionName&channelId` `{uri?, token?}`: 200 TokenResponse, or
 *   **400 ErrorResponse** `{error: {code, message}}` for a token it cannot exchange (the SDK returns that
 *   body; `OAuthPrompt` and the Teams middleware see no `token` and answer Teams 412).
 * Routes match case-insensitively (ASP.NET). The `Authorization` header is not checked.
 *
 * Sign-in: `signInLink` opens `GET /signin?state=<opaque id>`, this fake's demo page (not Microsoft's)
 * listing the directory's users; choosing one (`POST /signin`) shows a 6-digit magic code, and GetToken
 * gives the token only with that code (`OAuthPrompt`'s magic-code path), or after {@link FakeTokenService.signIn}
 * or a successful exchange.
 *
 * @module
 */
import type http from 'node:http';
import { LocalFakeServer } from '../app/localFakeServer.js';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { h, type ComponentChildren } from 'preact';
import { z } from 'zod';
import { renderDocument } from '../server/http/html.js';
import type { Directory, DirectoryUser, FakeTokenIssuer } from './demoDirectory.js';

/** What the fake serves and how it signs. */
export interface FakeTokenServiceOptions {
  directory: Directory;
  /** Signs the tokens handed out and checks the SSO tokens sent to `exchange`. */
  issuer: FakeTokenIssuer;
  /** Audience of every token handed out, and the one an SSO token must carry (the bot's app ID URI); also `tokenExchangeResource.uri`. */
  audience: string;
  /** Delegated scopes of the tokens handed out (space-separated), default `access_as_user`. */
  scopes?: string;
  /** Clock of sign-in links and magic codes (ms since the epoch), default `Date.now`. Token lifetimes follow the real clock. */
  now?: () => number;
}

/** A scripted failure: the next `times` (default 1) requests whose path starts with `path` (any case) get `status`: 404 with an empty body, others an ErrorResponse. */
export interface FakeTokenServiceFault {
  path: string;
  status: number;
  times?: number;
}

/** The Token API's TokenResponse; `expiration` is ISO 8601 UTC (the token's `exp`). */
export interface FakeTokenResponse {
  channelId: string;
  connectionName: string;
  token: string;
  expiration: string;
}

/** `tokenExchangeResource.providerId` this fake reports (the real one names the connection's identity provider). */
export const FAKE_PROVIDER_ID = 'local-fake-aadv2';
/** How long a sign-in link and its magic code stay usable: `OAuthPrompt`'s default timeout, 15 minutes (ms). */
export const SIGN_IN_TTL_MS = 15 * 60_000;
const PROVIDER_NAME = 'Microsoft Entra ID v2 (local fake)';
const MAX_PENDING = 1000;
const MAX_CODE_ATTEMPTS = 5;
const REFRESH_BEFORE_MS = 5 * 60_000;
const MAX_BODY_BYTES = 64 * 1024;

/** `UserTokenClient.createTokenExchangeState`: base64 JSON of these (the conversation is a ConversationReference). */
const tokenExchangeState = z.object({
  connectionName: z.string().min(1),
  conversation: z.object({ user: z.object({ id: z.string().min(1) }), channelId: z.string().min(1) }),
  relatesTo: z.unknown().optional(),
  msAppId: z.string().nullish(),
});
const signInForm = z.object({ state: z.string().min(1).max(100), user: z.string().min(1).max(100) });
const exchangeRequest = z.object({ uri: z.string().optional(), token: z.string().optional() });
const aadResourceUrls = z.object({ resourceUrls: z.array(z.string().min(1)).max(20) });

/** Whose sign-in: the channel's user id, the OAuth connection name and the channel id. */
type SignInKey = { userId: string; connectionName: string; channelId: string };
/** A user's token for one {@link SignInKey}; `code` is set while it waits for the magic code. */
type SignInRecord = SignInKey & { user: DirectoryUser; token: string; code?: string; codeExpiresAt: number; attempts: number };
/** A sign-in link handed out by GetSignInResource. */
type PendingSignIn = SignInKey & { expiresAt: number };
type Ctx = { req: http.IncomingMessage; res: http.ServerResponse; q: (name: string) => string | undefined };

class ApiError extends Error {
  status = 400;
  code = 'BadArgument';
}
const apiError = (status: number, code: string, message: string) => Object.assign(new ApiError(message), { status, code });
const keyOf = (userId: string, connectionName: string, channelId: string) => JSON.stringify([userId, connectionName, channelId]);
/** `text` parsed as JSON, or undefined. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
const expirationOf = (token: string) => (decodeJwt(token).exp ?? 0) * 1000;

/** The fake Token Service. `start()` it, point `OAuthUrl` at `url`, `stop()` it. */
export class FakeTokenService extends LocalFakeServer {
  private readonly faults: Array<Required<FakeTokenServiceFault>> = [];
  private readonly pending = new Map<string, PendingSignIn>();
  private readonly records = new Map<string, SignInRecord>();
  private readonly now: () => number;
  private readonly routes: Record<string, (ctx: Ctx) => Promise<void> | void>;
  /** Requests received, oldest first, as `METHOD /path` (no query). */
  readonly seen: string[] = [];
  /** `http://127.0.0.1:<port>` once started. */

  constructor(private readonly options: FakeTokenServiceOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.routes = {
      'GET /api/usertoken/gettoken': (c) => this.getToken(c),
      'GET /api/botsignin/getsigninresource': (c) => this.json(c, 200, this.signInResource(c)),
      'GET /api/botsignin/getsigninurl': (c) => this.json(c, 200, this.signInResource(c).signInLink),
      'DELETE /api/usertoken/signout': (c) => this.signOut(c),
      'GET /api/usertoken/gettokenstatus': (c) => this.tokenStatus(c),
      'POST /api/usertoken/getaadtokens': (c) => this.aadTokens(c),
      'POST /api/usertoken/exchange': (c) => this.exchange(c),
      'GET /signin': (c) => this.signInPage(c),
      'POST /signin': (c) => this.signInPost(c),
    };
  }

  /** Queues a scripted failure (see {@link FakeTokenServiceFault}). */
  fail(fault: FakeTokenServiceFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Forgets scripted failures not used up and the requests seen (sign-ins are kept). */
  reset(): void {
    this.faults.length = 0;
    this.seen.length = 0;
  }

  /**
   * Records `userKey` (a {@link DirectoryUser.key}) as signed in for (userId, connectionName, channelId), so
   * GetToken returns the token without a magic code; returns that token. @throws Error for a key not in the directory
   */
  async signIn(userId: string, connectionName: string, channelId: string, userKey: string): Promise<string> {
    return (await this.record(this.userOrThrow(userKey), userId, connectionName, channelId)).token;
  }

  /** A token such as Teams sends in `signin/tokenExchange`: `userKey`'s, for `audience`, from the issuer. @throws Error for an unknown key */
  async ssoTokenFor(userKey: string): Promise<string> {
    return this.issue(this.userOrThrow(userKey));
  }

  private userOrThrow(key: string): DirectoryUser {
    const user = this.options.directory.users.find((u) => u.key === key);
    if (!user) throw new Error(`fake token service: no user "${key}" in the directory`);
    return user;
  }

  private issue(user: DirectoryUser, audience = this.options.audience): Promise<string> {
    return this.options.issuer.issue(this.options.directory.tenantId, user, audience, this.options.scopes ?? 'access_as_user');
  }

  private async record(user: DirectoryUser, userId: string, connectionName: string, channelId: string, code?: string): Promise<SignInRecord> {
    const token = await this.issue(user);
    const record: SignInRecord = { user, userId, connectionName, channelId, token, code, codeExpiresAt: this.now() + SIGN_IN_TTL_MS, attempts: 0 };
    this.records.set(keyOf(userId, connectionName, channelId), record);
    return record;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.toLowerCase();
    this.seen.push(`${req.method} ${url.pathname}`);
    const ctx: Ctx = { req, res, q: (name) => url.searchParams.get(name) ?? undefined };
    const fault = this.faults.find((f) => path.startsWith(f.path.toLowerCase()) && f.times > 0);
    try {
      if (fault && fault.times--) throw apiError(fault.status, 'ServiceError', `fake token service: scripted HTTP ${fault.status}`);
      const route = this.routes[`${req.method} ${path}`];
      if (!route) throw apiError(404, 'NotFound', `fake token service: no ${req.method} ${url.pathname}`);
      await route(ctx);
    } catch (err) {
      const error = err instanceof ApiError ? err : apiError(500, 'ServiceError', 'Something went wrong in the local fake token service.');
      if (res.headersSent) res.destroy();
      else if (path === '/signin') this.page(ctx, error.status, 'Sign-in cannot continue', [h('p', null, error.message)]);
      else if (error.status === 404 && fault) this.empty(ctx, 404);
      else this.json(ctx, error.status, { error: { code: error.code, message: error.message } });
    }
  }

  private required(ctx: Ctx, ...names: string[]): string[] {
    const missing = names.find((name) => !ctx.q(name));
    if (missing) throw apiError(400, 'BadArgument', `${missing} is required`);
    return names.map((name) => ctx.q(name)!);
  }

  private json(ctx: Ctx, status: number, body: unknown): void {
    ctx.res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    ctx.res.end(JSON.stringify(body));
  }

  private empty(ctx: Ctx, status: number): void {
    ctx.res.writeHead(status, { 'content-length': '0', 'cache-control': 'no-store' });
    ctx.res.end();
  }

  private async body(ctx: Ctx): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      if ((size += chunk.length) > MAX_BODY_BYTES) throw apiError(413, 'BadArgument', 'The request body is too large.');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async jsonBody<T>(ctx: Ctx, schema: z.ZodType<T>): Promise<T> {
    const parsed = schema.safeParse(parseJson(await this.body(ctx)));
    if (!parsed.success) throw apiError(400, 'BadArgument', 'The body is not JSON of the documented shape.');
    return parsed.data;
  }

  /** The record's TokenResponse, with a fresh token when the stored one has under 5 minutes left (the real service refreshes). */
  private async answer(record: SignInRecord): Promise<FakeTokenResponse> {
    if (expirationOf(record.token) - Date.now() < REFRESH_BEFORE_MS) record.token = await this.issue(record.user);
    const { channelId, connectionName, token } = record;
    return { channelId, connectionName, token, expiration: new Date(expirationOf(token)).toISOString() };
  }

  private async getToken(ctx: Ctx): Promise<void> {
    const [userId, connectionName] = this.required(ctx, 'userId', 'connectionName');
    const key = keyOf(userId, connectionName, ctx.q('channelId') ?? '');
    const record = this.records.get(key);
    if (record?.code !== undefined) {
      const code = ctx.q('code');
      if (!code) return this.empty(ctx, 404);
      const expired = this.now() > record.codeExpiresAt;
      if (code !== record.code || expired) {
        if (++record.attempts >= MAX_CODE_ATTEMPTS || expired) this.records.delete(key);
        return this.empty(ctx, 404);
      }
      delete record.code;
    }
    return record ? this.json(ctx, 200, await this.answer(record)) : this.empty(ctx, 404);
  }

  private signInResource(ctx: Ctx): { signInLink: string; tokenExchangeResource: { id: string; uri: string; providerId: string } } {
    const [state] = this.required(ctx, 'state');
    const parsed = tokenExchangeState.safeParse(parseJson(Buffer.from(state, 'base64').toString('utf8')));
    if (!parsed.success) throw apiError(400, 'BadArgument', 'state is not base64 JSON of a TokenExchangeState');
    const { connectionName, conversation } = parsed.data;
    const id = randomBytes(18).toString('base64url');
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(id, { userId: conversation.user.id, channelId: conversation.channelId, connectionName, expiresAt: this.now() + SIGN_IN_TTL_MS });
    const tokenExchangeResource = { id: randomUUID(), uri: this.options.audience, providerId: FAKE_PROVIDER_ID };
    return { signInLink: `${this.url}/signin?state=${encodeURIComponent(id)}`, tokenExchangeResource };
  }

  /** Records of `userId`, narrowed to `connectionName` and `channelId` when given. */
  private recordsOf(userId: string, connectionName?: string, channelId?: string): Array<[string, SignInRecord]> {
    return [...this.records].filter(
      ([, r]) => r.userId === userId && (!connectionName || r.connectionName === connectionName) && (!channelId || r.channelId === channelId),
    );
  }

  private signOut(ctx: Ctx): void {
    const [userId] = this.required(ctx, 'userId');
    for (const [key] of this.recordsOf(userId, ctx.q('connectionName'), ctx.q('channelId'))) this.records.delete(key);
    this.empty(ctx, 200);
  }

  private tokenStatus(ctx: Ctx): void {
    const [userId] = this.required(ctx, 'userId');
    const include = (ctx.q('include') ?? '').split(/\s*,\s*/).filter(Boolean);
    const statuses = this.recordsOf(userId, undefined, ctx.q('channelId'))
      .filter(([, r]) => !include.length || include.includes(r.connectionName))
      .map(([, r]) => ({
        channelId: r.channelId,
        connectionName: r.connectionName,
        hasToken: r.code === undefined,
        serviceProviderDisplayName: PROVIDER_NAME,
      }));
    this.json(ctx, 200, statuses);
  }

  private async aadTokens(ctx: Ctx): Promise<void> {
    const [userId, connectionName] = this.required(ctx, 'userId', 'connectionName');
    const channelId = ctx.q('channelId') ?? '';
    const { resourceUrls } = await this.jsonBody(ctx, aadResourceUrls);
    const record = this.records.get(keyOf(userId, connectionName, channelId));
    if (!record || record.code !== undefined) throw apiError(404, 'NotFound', 'The user is not signed in to this connection.');
    const tokens = await Promise.all(resourceUrls.map((resource) => this.issue(record.user, resource)));
    const entries = tokens.map((token, i) => [resourceUrls[i], { channelId, connectionName, token, expiration: new Date(expirationOf(token)).toISOString() }]);
    this.json(ctx, 200, Object.fromEntries(entries));
  }

  private async exchange(ctx: Ctx): Promise<void> {
    const [userId, connectionName, channelId] = this.required(ctx, 'userId', 'connectionName', 'channelId');
    const { token } = await this.jsonBody(ctx, exchangeRequest);
    if (!token) throw apiError(400, 'BadArgument', 'This fake exchanges tokens only (no uri exchange).');
    const claims = await this.options.issuer.verify(token, this.options.audience);
    const user = claims?.tid === this.options.directory.tenantId ? this.options.directory.users.find((u) => u.oid === claims.oid) : undefined;
    if (!user) throw apiError(400, 'TokenExchangeFailed', 'The token cannot be exchanged (consent required, or not an SSO token for this audience).');
    this.json(ctx, 200, await this.answer(await this.record(user, userId, connectionName, channelId)));
  }

  private pendingOf(id: string | undefined): PendingSignIn {
    const pending = id ? this.pending.get(id) : undefined;
    if (pending && this.now() <= pending.expiresAt) return pending;
    if (id) this.pending.delete(id);
    throw apiError(400, 'BadArgument', 'This sign-in link is unknown, already used or expired. Go back to the chat and start the sign-in again.');
  }

  private page(ctx: Ctx, status: number, title: string, content: ComponentChildren): void {
    const nonce = randomBytes(16).toString('base64');
    const html = Buffer.from(renderDocument(pageDocument(title, content, nonce)), 'utf8');
    const csp = `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
    ctx.res.writeHead(status, { ...PAGE_HEADERS, 'content-length': String(html.length), 'content-security-policy': csp });
    ctx.res.end(html);
  }

  private signInPage(ctx: Ctx): void {
    // Web Chat appends encodeURIComponent('&code_challenge=<Direct Line session id>') to the link's
    // last parameter (botframework-webchat-api, hooks/Composer.js, getSignInUrl); the real service
    // checks that session, this fake only drops it
    const state = ctx.q('state')?.replace(/&code_challenge=.*$/s, '');
    const { connectionName } = this.pendingOf(state);
    const buttons = this.options.directory.users.map((u) =>
      h('li', null, h('button', { type: 'submit', name: 'user', value: u.key }, `Sign in as ${u.name} (${u.upn})`)),
    );
    const form = h('form', { method: 'post', action: '/signin' }, h('input', { type: 'hidden', name: 'state', value: state }), h('ul', null, buttons));
    this.page(ctx, 200, 'Demo sign-in', [h('p', null, `Choose who you are in the demo directory to sign in to "${connectionName}".`), form]);
  }

  private async signInPost(ctx: Ctx): Promise<void> {
    const type = ctx.req.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw apiError(415, 'BadArgument', 'Send the sign-in form as it is.');
    const form = signInForm.safeParse(Object.fromEntries(new URLSearchParams(await this.body(ctx))));
    if (!form.success) throw apiError(400, 'BadArgument', 'The form was incomplete. Go back to the chat and start the sign-in again.');
    const pending = this.pendingOf(form.data.state);
    const user = this.options.directory.users.find((u) => u.key === form.data.user);
    if (!user) throw apiError(400, 'BadArgument', 'That person is not in the demo directory. Go back and choose one from the list.');
    this.pending.delete(form.data.state);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.record(user, pending.userId, pending.connectionName, pending.channelId, code);
    this.page(ctx, 200, 'Type this code in the chat', [
      h('p', null, `Signed in as ${user.name} (${user.upn}) for "${pending.connectionName}". To finish, type this code in the chat:`),
      h('p', { class: 'code' }, code),
      h('p', null, `The code works once, for the next ${SIGN_IN_TTL_MS / 60_000} minutes. You can close this page afterwards.`),
    ]);
  }
}

const CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f4f4f4}header{background:#5c2d91;color:#fff;padding:4px 20px}
main{max-width:560px;margin:24px auto;background:#fff;padding:20px 24px;border-radius:8px}ul{list-style:none;padding:0}li{margin:8px 0}
button{width:100%;text-align:left;padding:10px 12px;font-size:1rem;border:1px solid #8a8886;border-radius:4px;background:#fff;cursor:pointer}
.code{font-size:2.2rem;letter-spacing:.3em;font-family:ui-monospace,monospace;font-weight:700}`;
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const METAS: Array<Record<string, string>> = [
  { charset: 'utf-8' },
  { name: 'viewport', content: 'width=device-width, initial-scale=1' },
  { name: 'robots', content: 'noindex, nofollow' },
];
const BANNER = 'Demo sign-in page of the local fake Bot Framework Token Service on this machine. This is not a Microsoft page, and no password is asked.';

/** The page's `<html>`: the demo banner, then `title` and `content` (every text escaped by preact-render-to-string). */
function pageDocument(title: string, content: ComponentChildren, nonce: string) {
  const head = h('head', null, ...METAS.map((m) => h('meta', m)), h('title', null, `${title} · local fake token service`), h('style', { nonce }, CSS));
  return h('html', { lang: 'en' }, head, h('body', null, h('header', null, h('p', null, BANNER)), h('main', null, h('h1', null, title), content)));
}
