/**
 * Tokens for the downstream APIs, minted by the bot from the signed-in user's token for the bot's own
 * API (Teams SSO or OAuthPrompt through the Bot Framework token service; audience `api://<bot app id>`,
 * scope `access_as_user`) with the OAuth 2.0 on-behalf-of (OBO) flow of the Microsoft identity
 * platform, through MSAL Node (`ConfidentialClientApplication.acquireTokenOnBehalfOf`).
 *
 * - Microsoft Graph: delegated `User.Read` and `GroupMember.Read.All` (the user's directory roles and
 *   groups, read by `GraphRoleReader`).
 * - Partner Center: `user_impersonation` (App+User calls of `PartnerCenterClient`).
 *
 * Caching: MSAL's own in-memory token cache, keyed by the hash of the user token and the scopes; a
 * token is reused until 5 minutes before it expires (MSAL's `tokenRenewalOffsetSeconds`, 300 s), so a
 * turn that reads Graph twice calls Entra once. The cache lives as long as this object and is never
 * pruned: MSAL's docs say "MSAL's in-memory token cache does not scale for production" and advise a
 * distributed cache partitioned by the user token's hash [CACHE].
 *
 * Throttling [THROTTLE]: after a 429 or 5xx from Entra, MSAL refuses the same request (client,
 * authority, scopes: for every user alike) without calling Entra for `Retry-After` seconds, or 60 s
 * when there is none (at most 3600 s). MSAL does not retry OBO requests itself. Both count as `unavailable`.
 *
 * Sources: [OBO] MicrosoftDocs/entra-docs docs/identity-platform/v2-oauth2-on-behalf-of-flow.md @ 105f3283;
 * [ERR] docs/identity-platform/reference-error-codes.md @ 3164b3b5; [CACHE] AzureAD/microsoft-authentication-library-for-js
 * lib/msal-node/docs/caching.md @ df4f03eb; [THROTTLE] lib/msal-common/docs/Throttling.md @ df4f03eb; the
 * behaviour checked in the installed @azure/msal-node 7.2.3 (msal-common 16.17.0) source. Full commits
 * and excerpts: test/fixtures/entra/README.md.
 *
 * @module
 */
import {
  AuthError,
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  LogLevel,
  ServerError,
  type Configuration,
  type INetworkModule,
} from '@azure/msal-node';
import { decodeJwt } from 'jose';

/** The public cloud's Entra host (MSAL's default authority host). */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** Delegated Microsoft Graph scopes the bot asks for. */
export const GRAPH_SCOPES = ['https://graph.microsoft.com/User.Read', 'https://graph.microsoft.com/GroupMember.Read.All'] as const;

/** The Partner Center scope for App+User calls. */
export const PARTNER_CENTER_SCOPES = ['https://api.partnercenter.microsoft.com/user_impersonation'] as const;

/**
 * Access tokens for the downstream APIs, on behalf of the signed-in user.
 *
 * `userToken` is the user's access token for the bot's own API (a JWT, audience the bot's app id URI).
 * Each method resolves to a bearer access token (a JWT string, audience `https://graph.microsoft.com`
 * or `https://api.partnercenter.microsoft.com`) for the same user; repeated calls within the token's
 * lifetime may return the same token from a cache.
 *
 * Errors: rejects with {@link TokenBrokerError} (never containing either token or the app secret), or
 * with `signal.reason` (an `AbortError` by default) when `signal` aborts first.
 */
export interface DownstreamTokens {
  /** A Microsoft Graph token with {@link GRAPH_SCOPES}. @throws TokenBrokerError */
  graph(userToken: string, signal?: AbortSignal): Promise<string>;
  /** A Partner Center token with {@link PARTNER_CENTER_SCOPES}. @throws TokenBrokerError */
  partnerCenter(userToken: string, signal?: AbortSignal): Promise<string>;
}

/**
 * Why a token could not be had:
 * - `consentRequired`: the user or an admin has not consented to the bot's API permissions
 *   (AADSTS65001), or Entra wants user interaction (`interaction_required`, e.g. multifactor
 *   authentication or a Conditional Access step): the user must sign in interactively and accept.
 * - `signInAgain`: the user token is expired, revoked or not valid for the bot (`invalid_grant`, e.g.
 *   AADSTS50013, AADSTS500133, AADSTS50173): get a fresh one (sign in again).
 * - `unavailable`: Entra could not be reached, answered 429 or 5xx (`temporarily_unavailable`,
 *   `server_error`), did not answer JSON, or MSAL is holding requests back after such an answer: try later.
 * - `failed`: anything else, mostly configuration (wrong client secret, AADSTS7000215; unknown client;
 *   scope or permission not configured): the operator must fix it; the user cannot.
 */
export type TokenBrokerFailure = 'consentRequired' | 'signInAgain' | 'unavailable' | 'failed';

/** A failed OBO exchange. The message names the API, the code and Entra's codes; never a token or secret. */
export class TokenBrokerError extends Error {
  override readonly name = 'TokenBrokerError';
  constructor(
    readonly code: TokenBrokerFailure,
    /** Which token was asked for. */
    readonly resource: 'graph' | 'partnerCenter',
    /** Entra's `error` (e.g. `invalid_grant`) or MSAL's error code, when known. */
    readonly entraError?: string,
    /** Entra's AADSTS numbers found in the error, e.g. `[65001]`. */
    readonly aadsts: number[] = [],
    options?: { cause?: unknown },
  ) {
    super(
      `Entra on-behalf-of token for ${resource}: ${code}${entraError ? ` (${entraError}${aadsts.length ? ` AADSTS${aadsts.join(', AADSTS')}` : ''})` : ''}`,
      options,
    );
  }

  /** The locale key of the partner-facing explanation (`identity.errors.<code>`). */
  get messageKey(): string {
    return `identity.errors.${this.code}`;
  }
}

/** What {@link OnBehalfOfBroker} needs: the bot's app registration and where Entra is. */
export interface OnBehalfOfBrokerOptions {
  /** The bot's application (client) id. */
  clientId: string;
  /** The app registration's client secret (the value, not its id). */
  clientSecret: string;
  /**
   * The tenant GUID (or verified domain) to ask tokens from. `organizations` or `common` (a
   * multitenant bot): each request then goes to the user's own tenant, the `tid` of the user token,
   * since OBO needs a tenant-specific endpoint (AADSTS9001023 on /common).
   */
  tenantId: string;
  /** Default {@link DEFAULT_AUTHORITY_HOST} (e.g. `https://login.microsoftonline.us` for US Government). */
  authorityHost?: string;
  /** MSAL's network module; default MSAL's own (fetch). The demo and tests pass `FakeEntra.networkClient()`. */
  networkClient?: INetworkModule;
  /** MSAL `auth.cloudDiscoveryMetadata` (instance discovery JSON), to skip that lookup. Default: MSAL's. */
  cloudDiscoveryMetadata?: string;
  /** MSAL `auth.authorityMetadata` (OpenID configuration JSON), to skip that lookup. Default: MSAL's. */
  authorityMetadata?: string;
}

const MULTITENANT = new Set(['organizations', 'common']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * {@link DownstreamTokens} through MSAL's `ConfidentialClientApplication.acquireTokenOnBehalfOf`
 * (client secret). Constructing it makes no network call; MSAL 7 knows the public cloud's endpoints
 * built in, and the metadata options cover other hosts. MSAL's logging stays off (no callback, no PII).
 */
export class OnBehalfOfBroker implements DownstreamTokens {
  private readonly app: ConfidentialClientApplication;
  private readonly authorityHost: string;

  constructor(private readonly options: OnBehalfOfBrokerOptions) {
    this.authorityHost = (options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
    const config: Configuration = {
      auth: {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authority: `${this.authorityHost}/${options.tenantId}`,
        ...(options.cloudDiscoveryMetadata ? { cloudDiscoveryMetadata: options.cloudDiscoveryMetadata } : {}),
        ...(options.authorityMetadata ? { authorityMetadata: options.authorityMetadata } : {}),
      },
      system: {
        loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined },
        ...(options.networkClient ? { networkClient: options.networkClient } : {}),
      },
    };
    this.app = new ConfidentialClientApplication(config);
  }

  /** A Microsoft Graph token with {@link GRAPH_SCOPES}. @throws TokenBrokerError */
  graph(userToken: string, signal?: AbortSignal): Promise<string> {
    return this.acquire('graph', [...GRAPH_SCOPES], userToken, signal);
  }

  /** A Partner Center token with {@link PARTNER_CENTER_SCOPES}. @throws TokenBrokerError */
  partnerCenter(userToken: string, signal?: AbortSignal): Promise<string> {
    return this.acquire('partnerCenter', [...PARTNER_CENTER_SCOPES], userToken, signal);
  }

  private async acquire(resource: 'graph' | 'partnerCenter', scopes: string[], userToken: string, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const authority = this.authorityFor(userToken);
    const request = this.app.acquireTokenOnBehalfOf({ oboAssertion: userToken, scopes, ...(authority ? { authority } : {}) }).then(
      (result) => {
        if (!result?.accessToken) throw new TokenBrokerError('failed', resource, 'empty_response');
        return result.accessToken;
      },
      (err: unknown) => {
        throw toBrokerError(err, resource);
      },
    );
    if (!signal) return request;
    // MSAL takes no signal: stop waiting; a late answer still lands in MSAL's cache for next time
    request.catch(() => undefined);
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      request.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** For a multitenant configuration, the user's own tenant authority (from the token's `tid`). */
  private authorityFor(userToken: string): string | undefined {
    if (!MULTITENANT.has(this.options.tenantId.toLowerCase())) return undefined;
    let tid: unknown;
    try {
      tid = decodeJwt(userToken).tid;
    } catch {
      tid = undefined;
    }
    // not a readable token: let Entra refuse it (through the configured authority)
    return typeof tid === 'string' && GUID.test(tid) ? `${this.authorityHost}/${tid}` : undefined;
  }
}

const CONSENT_CODES = new Set([65001, 65004, 90094]);
const SIGN_IN_AGAIN_CODES = new Set([50013, 500133, 50173, 70008, 700082, 50132, 50133]);
const UNAVAILABLE_ERRORS = new Set(['temporarily_unavailable', 'server_error', 'network_error', 'token_parsing_error']);

/**
 * Maps an MSAL error to a {@link TokenBrokerError}. Reads Entra's `error` (`errorCode`), `suberror`, the
 * AADSTS numbers (`errorNo` and any `AADSTSn` in the description) and the HTTP status when MSAL has it.
 * Precedence: throttled; consent codes; expired/invalid-grant codes or `bad_token`; any other
 * interaction required; other `invalid_grant`; network, 429 and 5xx; the rest is `failed`.
 * A `ServerError` whose code is only digits (or empty) is MSAL's throttle answering from its cache
 * (it puts the cached `error_codes` there), so it counts as `unavailable`.
 */
export function toBrokerError(err: unknown, resource: 'graph' | 'partnerCenter'): TokenBrokerError {
  if (!(err instanceof AuthError)) return new TokenBrokerError('failed', resource, undefined, [], { cause: err });
  const aadsts = new Set<number>();
  for (const m of `${err.errorMessage} ${err.message}`.matchAll(/AADSTS(\d+)/g)) aadsts.add(Number(m[1]));
  if (err instanceof ServerError && /^\d+$/.test(String(err.errorNo))) aadsts.add(Number(err.errorNo));
  const codes = [...aadsts];
  const status = err instanceof ServerError ? err.status : undefined;
  const throttled = err instanceof ServerError && /^[\d\s]*$/.test(err.errorCode);
  const error = err.errorCode || undefined;
  const interaction = err instanceof InteractionRequiredAuthError || error === 'interaction_required' || error === 'consent_required';
  let code: TokenBrokerFailure = 'failed';
  if (throttled) code = 'unavailable';
  else if (codes.some((c) => CONSENT_CODES.has(c))) code = 'consentRequired';
  else if (codes.some((c) => SIGN_IN_AGAIN_CODES.has(c)) || err.subError === 'bad_token') code = 'signInAgain';
  else if (interaction) code = 'consentRequired';
  else if (error === 'invalid_grant') code = 'signInAgain';
  else if (UNAVAILABLE_ERRORS.has(error ?? '') || status === 429 || (status ?? 0) >= 500) code = 'unavailable';
  return new TokenBrokerError(
    code,
    resource,
    throttled ? 'throttled' : error,
    codes.sort((a, b) => a - b),
    { cause: err },
  );
}
