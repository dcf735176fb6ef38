/**
 * A local stand-in for the Microsoft Entra ID token endpoint, for the on-behalf-of (OBO) flow, on
 * 127.0.0.1 with an ephemeral port. Used by the contract tests and the demo (`PARTNER_CENTER_MODE=fake`):
 * the assistant still runs the real MSAL (`ConfidentialClientApplication.acquireTokenOnBehalfOf`); only
 * MSAL's network module ({@link FakeEntra.networkClient}) sends its requests for
 * `https://login.microsoftonline.com/...` here instead, same path and body.
 *
 * Sources (MicrosoftDocs/entra-docs; more in test/fixtures/entra/README.md):
 * [OBO] docs/identity-platform/v2-oauth2-on-behalf-of-flow.md @ 105f328395f9c69c29c9126bac62e0ce55327838;
 * [ERR] docs/identity-platform/reference-error-codes.md @ 3164b3b5d031edef0ad334ba09d3ea6dcb619c1a;
 * [META] AzureAD/microsoft-authentication-library-for-js lib/msal-common/docs/performance.md @ 2d4b20d03287dd2eac01eaca9c5184d9c99d204a.
 *
 * - `POST /{tenant}/oauth2/v2.0/token` [OBO, shared-secret case], form-encoded: `grant_type` =
 *   `urn:ietf:params:oauth:grant-type:jwt-bearer`, `client_id`, `client_secret` (body, or HTTP Basic),
 *   `assertion` (the user's token for the bot's API), `scope` (space-separated), `requested_token_use` =
 *   `on_behalf_of`. Success [OBO]: `{ token_type: 'Bearer', scope, expires_in, ext_expires_in,
 *   access_token, refresh_token? }`, the refresh token only when `offline_access` was asked (MSAL always asks).
 * - Errors [ERR "Handling error codes"]: `{ error, error_description: 'AADSTSn: …\r\nTrace ID: …\r\nCorrelation
 *   ID: …\r\nTimestamp: …', error_codes: [n], timestamp, trace_id, correlation_id, error_uri }`, the
 *   correlation id echoing MSAL's `client-request-id`. Bad assertion 400 `invalid_grant` AADSTS50013;
 *   expired 400 `invalid_grant` AADSTS500133; wrong secret 401 `invalid_client` AADSTS7000215; no secret
 *   401 `invalid_client` AADSTS7000218; unknown client 400 `unauthorized_client` AADSTS700016; a user in
 *   {@link FakeEntra.unconsented} 400 `invalid_grant` AADSTS65001; two resources 400 `invalid_scope`
 *   AADSTS700022; unknown resource 400 `invalid_resource` AADSTS500011; missing parameter 400
 *   `invalid_request` AADSTS900144; other grant 400 `unsupported_grant_type` AADSTS70003; other tenant
 *   400 `invalid_request` AADSTS90002; {@link FakeEntra.fail}: its status, body `temporarily_unavailable` AADSTS50033 unless given.
 *   Statuses follow RFC 6749 section 5.2 (400; 401 for `invalid_client`): Entra's docs show bodies, not statuses.
 * - `GET /common/discovery/instance`, `GET /{tenant}/v2.0/.well-known/openid-configuration` [META]: MSAL
 *   7 knows both for login.microsoftonline.com built in and does not ask; {@link FakeEntra.msalMetadata}
 *   also gives them as MSAL configuration, so nothing depends on that.
 *
 * Issued tokens are {@link FakeTokenIssuer} JWTs, audience `https://graph.microsoft.com` or
 * `https://api.partnercenter.microsoft.com`, `scp` the scope names without the resource
 * (`User.Read GroupMember.Read.All`), as the access token claims reference describes `scp`.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { LocalFakeServer } from '../app/localFakeServer.js';
import { AuthError, ClientAuthErrorCodes, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import type { Directory, DirectoryUser, FakeTokenIssuer } from './demoDirectory.js';

/** The public cloud's Entra host: what MSAL calls by default, and what {@link FakeEntra.networkClient} redirects. */
export const ENTRA_PUBLIC_HOST = 'https://login.microsoftonline.com';

/** The downstream APIs the fake issues tokens for, by their resource URI (the token's `aud`). */
export const FAKE_ENTRA_RESOURCES = { graph: 'https://graph.microsoft.com', partnerCenter: 'https://api.partnercenter.microsoft.com' } as const;

/** Which downstream API a token is for. */
export type EntraResource = keyof typeof FAKE_ENTRA_RESOURCES;

/** What {@link FakeEntra} needs. */
export interface FakeEntraOptions {
  /** The tenant (its id is the only tenant served) and its users. */
  directory: Directory;
  /** Checks the incoming user tokens and signs the tokens issued. */
  issuer: FakeTokenIssuer;
  /** The bot's app registration: the only client accepted. */
  clientId: string;
  clientSecret: string;
  /** The `aud` a user token (the OBO `assertion`) must carry, e.g. `api://<bot app id>`. */
  userTokenAudience: string;
  /** Called with each token issued (so the fakes of Graph and Partner Center can accept it). */
  onIssue?: (token: string, user: DirectoryUser, resource: EntraResource) => void;
  /** `expires_in` of issued tokens in seconds (default 3600). */
  lifetimeSeconds?: number;
}

/** One request the fake received: method, path with query, and the parsed form body. */
export interface FakeEntraRequest {
  method: string;
  path: string;
  form: Record<string, string>;
}

/** A scripted failure: the next `times` (default 1) token requests get `status` with `body` (default: an Entra error body). */
export interface FakeEntraFault {
  status: number;
  times?: number;
  /** A JSON value, or a string sent as is (e.g. an HTML gateway page). */
  body?: unknown;
  /** `Retry-After` header value in seconds. */
  retryAfter?: string;
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/** Entra's timestamp format in error bodies: `2016-01-09 02:02:12Z`. */
const entraTime = () =>
  new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

/** A documented Entra error reply (see the module notes). */
export function entraError(status: number, error: string, code: number, text: string, correlationId: string = randomUUID()): Reply {
  const timestamp = entraTime();
  const traceId = randomUUID();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${ENTRA_PUBLIC_HOST}/error?code=${code}`,
    },
  };
}

/** The fake Entra token endpoint. `start()` it, give MSAL its `networkClient()`, `stop()` it. */
export class FakeEntra extends LocalFakeServer {
  private readonly faults: Array<Required<Pick<FakeEntraFault, 'status' | 'times'>> & FakeEntraFault> = [];
  /** Every request received, oldest first (discovery too, if MSAL ever asks). */
  readonly seen: FakeEntraRequest[] = [];
  /** Keys of users (`DirectoryUser.key`) who have not consented: their OBO requests fail with AADSTS65001. */
  readonly unconsented = new Set<string>();

  constructor(private readonly options: FakeEntraOptions) {
    super();
  }

  /** The token requests received (POSTs to the token endpoint). */
  get tokenRequests(): FakeEntraRequest[] {
    return this.seen.filter((r) => r.method === 'POST' && r.path.includes('/oauth2/v2.0/token'));
  }

  /** The next `times` token requests (default 1) get `status` (see {@link FakeEntraFault}). */
  fail(fault: FakeEntraFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Forgets requests, faults and consent marks. */
  reset(): void {
    this.seen.length = 0;
    this.faults.length = 0;
    this.unconsented.clear();
  }

  /**
   * An MSAL network module (`system.networkClient`) that sends every request MSAL makes for
   * `https://login.microsoftonline.com/...` to this fake instead (same path, query, headers and body)
   * and answers in MSAL's `NetworkResponse` shape (`{ headers, body, status }`, lower-case header
   * names, body parsed as JSON), like MSAL's own fetch-based client. Any other URL is refused without
   * a request (so a misconfigured demo never reaches the internet). Throws MSAL `AuthError`s as MSAL's
   * client does: `network_error` when the fake cannot be reached, `token_parsing_error` for a body
   * that is not JSON.
   */
  networkClient(): INetworkModule {
    const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
      const target = new URL(url);
      if (target.origin !== ENTRA_PUBLIC_HOST || !this.url) {
        throw new AuthError(ClientAuthErrorCodes.networkError, '', `FakeEntra refuses ${target.origin} (only ${ENTRA_PUBLIC_HOST} is redirected)`);
      }
      let response: Response;
      try {
        response = await fetch(`${this.url}${target.pathname}${target.search}`, {
          method,
          headers: options?.headers,
          ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        });
      } catch (err) {
        throw new AuthError(ClientAuthErrorCodes.networkError, '', `Network request failed: ${err instanceof Error ? err.message : 'unknown'}`);
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => (headers[key] = value));
      try {
        return { headers, body: (await response.json()) as T, status: response.status };
      } catch (err) {
        throw new AuthError(ClientAuthErrorCodes.tokenParsingError, '', `Failed to parse response: ${err instanceof Error ? err.message : 'unknown'}`);
      }
    };
    return {
      sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
      sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
    };
  }

  /**
   * MSAL `auth.cloudDiscoveryMetadata` and `auth.authorityMetadata` (JSON strings) describing the
   * public cloud host with `{tenantid}` placeholders, so MSAL needs neither instance discovery nor the
   * OpenID configuration document from the network, whatever it knows built in.
   */
  msalMetadata(): { cloudDiscoveryMetadata: string; authorityMetadata: string } {
    return { cloudDiscoveryMetadata: JSON.stringify(instanceDiscovery()), authorityMetadata: JSON.stringify(openIdConfiguration('{tenantid}')) };
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    const form = Object.fromEntries(new URLSearchParams(raw));
    this.seen.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, form });
    const reply = await this.route(req, url, form).catch(() =>
      entraError(500, 'server_error', 50000, 'TokenIssuanceError - There is an issue with the sign-in service.'),
    );
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': typeof reply.body === 'string' ? 'text/html' : 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...reply.headers,
    });
    res.end(text);
  }

  private async route(req: http.IncomingMessage, url: URL, form: Record<string, string>): Promise<Reply> {
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/common/discovery/instance') return { status: 200, body: instanceDiscovery() };
    const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (req.method === 'GET' && oidc) return { status: 200, body: openIdConfiguration(oidc[1]!) };
    if (req.method !== 'POST' || !token) {
      return entraError(405, 'invalid_request', 900561, `The endpoint only accepts POST requests. Received a ${req.method} request.`);
    }
    const fault = this.faults.find((f) => f.times > 0);
    if (fault) {
      fault.times--;
      const headers = fault.retryAfter ? { 'retry-after': fault.retryAfter } : undefined;
      const body = fault.body ?? entraError(fault.status, 'temporarily_unavailable', 50033, 'RetryableError - Indicates a transient error.').body;
      return { status: fault.status, body, ...(headers ? { headers } : {}) };
    }
    return this.token(token[1]!, form, req.headers);
  }

  /** The OBO grant: checks tenant, grant, client, parameters, scope, assertion and consent, in that order. */
  private async token(tenant: string, form: Record<string, string>, headers: http.IncomingHttpHeaders): Promise<Reply> {
    const { directory } = this.options;
    const correlationId = form['client-request-id'] ?? (headers['client-request-id'] as string | undefined) ?? randomUUID();
    const fail = (status: number, error: string, code: number, text: string) => entraError(status, error, code, text, correlationId);
    if (tenant !== directory.tenantId) return fail(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return fail(400, 'unsupported_grant_type', 70003, 'The app returned an unsupported grant type.');
    const client = this.clientError(form, headers);
    if (client) return fail(client.status, client.error, client.code, client.text);
    for (const name of ['assertion', 'scope', 'requested_token_use']) {
      if (!form[name]) return fail(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
    }
    if (form.requested_token_use !== 'on_behalf_of') return fail(400, 'invalid_request', 90014, "The 'requested_token_use' must be 'on_behalf_of'.");
    const scope = parseScope(form.scope!);
    if ('code' in scope) return fail(400, scope.error, scope.code, scope.text);
    const user = await this.userOf(form.assertion!);
    if ('code' in user) return fail(400, 'invalid_grant', user.code, user.text);
    if (this.unconsented.has(user.key)) {
      return fail(
        400,
        'invalid_grant',
        65001,
        `The user or administrator has not consented to use the application with ID '${this.options.clientId}'. Send an interactive authorization request for this user and resource.`,
      );
    }
    const lifetime = this.options.lifetimeSeconds ?? 3600;
    const accessToken = await this.options.issuer.issue(directory.tenantId, user, FAKE_ENTRA_RESOURCES[scope.resource], scope.names.join(' '), lifetime);
    this.options.onIssue?.(accessToken, user, scope.resource);
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: scope.granted.join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    };
    if (scope.offline) body.refresh_token = `fake-rt.${randomBytes(24).toString('base64url')}`;
    return { status: 200, body };
  }

  /** Client authentication (client_secret_post or HTTP Basic); undefined when it passes. */
  private clientError(
    form: Record<string, string>,
    headers: http.IncomingHttpHeaders,
  ): { status: number; error: string; code: number; text: string } | undefined {
    const basic = /^Basic (.+)$/i.exec(headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent) : [];
    const clientId = form.client_id ?? basicId;
    const secret = form.client_secret ?? basicSecret;
    if (clientId !== this.options.clientId) {
      return {
        status: 400,
        error: 'unauthorized_client',
        code: 700016,
        text: `Application with identifier '${clientId ?? ''}' was not found in the directory.`,
      };
    }
    if (!secret)
      return {
        status: 401,
        error: 'invalid_client',
        code: 7000218,
        text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      };
    if (secret !== this.options.clientSecret) {
      return {
        status: 401,
        error: 'invalid_client',
        code: 7000215,
        text: 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      };
    }
    return undefined;
  }

  /** The directory user an assertion stands for, or why it is refused (AADSTS500133 expired, 50013 otherwise). */
  private async userOf(assertion: string): Promise<DirectoryUser | { code: number; text: string }> {
    const claims = await this.options.issuer.verify(assertion, this.options.userTokenAudience);
    const user = claims && claims.tid === this.options.directory.tenantId ? this.options.directory.users.find((u) => u.oid === claims.oid) : undefined;
    if (user) return user;
    let exp: number | undefined;
    try {
      exp = decodeJwt(assertion).exp;
    } catch {
      exp = undefined;
    }
    if (exp !== undefined && exp * 1000 < Date.now() - 60_000) {
      return {
        code: 500133,
        text: `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.`,
      };
    }
    return { code: 50013, text: 'Assertion failed signature validation.' };
  }
}

type ParsedScope = { resource: EntraResource; names: string[]; granted: string[]; offline: boolean } | { error: string; code: number; text: string };

/** Splits an OBO `scope` into one resource's scopes (full URIs) and their short names; OIDC scopes apart. */
function parseScope(scope: string): ParsedScope {
  const all = scope.split(/[ +]+/).filter(Boolean);
  const resourceScopes = all.filter((s) => !OIDC_SCOPES.has(s));
  const origins = new Set(resourceScopes.map((s) => (/^https:\/\/[^/]+/.exec(s) ?? [''])[0]));
  if (resourceScopes.length === 0) return { error: 'invalid_scope', code: 70011, text: 'The provided value for the input parameter scope is not valid.' };
  if (origins.size > 1) {
    return {
      error: 'invalid_scope',
      code: 700022,
      text: 'The provided value for the input parameter scope is not valid because it contains more than one resource.',
    };
  }
  const origin = [...origins][0]!;
  const resource = (Object.keys(FAKE_ENTRA_RESOURCES) as EntraResource[]).find((r) => FAKE_ENTRA_RESOURCES[r] === origin);
  if (!resource)
    return { error: 'invalid_resource', code: 500011, text: `The resource principal named ${origin || resourceScopes[0]} was not found in the tenant.` };
  return { resource, names: resourceScopes.map((s) => s.slice(origin.length + 1)), granted: resourceScopes, offline: all.includes('offline_access') };
}

/** The instance discovery answer for the public cloud (shape: msal-common docs/performance.md). */
function instanceDiscovery() {
  return {
    tenant_discovery_endpoint: `${ENTRA_PUBLIC_HOST}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [
      {
        preferred_network: 'login.microsoftonline.com',
        preferred_cache: 'login.windows.net',
        aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
      },
    ],
  };
}

/** The OpenID configuration fields MSAL reads, for `tenant` (a GUID or the `{tenantid}` placeholder). */
function openIdConfiguration(tenant: string) {
  return {
    token_endpoint: `${ENTRA_PUBLIC_HOST}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${ENTRA_PUBLIC_HOST}/${tenant}/discovery/v2.0/keys`,
    issuer: `${ENTRA_PUBLIC_HOST}/${tenant}/v2.0`,
    authorization_endpoint: `${ENTRA_PUBLIC_HOST}/${tenant}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${ENTRA_PUBLIC_HOST}/${tenant}/oauth2/v2.0/logout`,
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
