/**
 * Reuses the Bot Connector and User Token clients across turns.
 *
 * `CloudAdapter` asks its `BotFrameworkAuthentication` for a new `ConnectorClient` and a new
 * `UserTokenClient` on every turn; each builds an HTTP pipeline of a dozen policies, which was about
 * 0.1 ms of every turn's main-thread time in `bench/concurrent.ts` (3% of a turn). Both clients are
 * stateless apart from their credentials, and those fetch and refresh their own tokens, so one per
 * (bot app id, service URL, audience) serves every turn. The older `BotFrameworkAdapter` kept its
 * connector clients the same way (`getOrCreateConnectorClient`).
 *
 * @module
 */
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';
import { LRUCache } from 'lru-cache';

/** How many clients of each kind are kept (least recently used are dropped): one per service URL and bot is typical. */
export const CLIENT_CACHE_SIZE = 256;

/** The bot app id a turn's claims name (audience claim from channels, app id claim from the Emulator; none with auth off). */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/**
 * Memoizes a promise-returning factory by key; a rejected promise is forgotten, so the next call tries again.
 */
class PromiseCache<T extends object> {
  private readonly entries = new LRUCache<string, Promise<T>>({ max: CLIENT_CACHE_SIZE });

  get(key: string, create: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = create();
      this.entries.set(key, entry);
      entry.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    }
    return entry;
  }
}

/** A ConnectorFactory that hands out the cached client of (app id, service URL, audience). */
class CachedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly clients: PromiseCache<ConnectorClient>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.clients.get(`${this.appId}\n${serviceUrl}\n${audience ?? ''}`, () => this.inner.create(serviceUrl, audience));
  }
}

/**
 * Wraps a `BotFrameworkAuthentication` (e.g. `ConfigurationBotFrameworkAuthentication`): request
 * authentication is unchanged (every request is still checked by `inner`); only the clients it makes
 * are reused (see the module notes).
 */
export class ClientCachingAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new PromiseCache<ConnectorClient>();
  private readonly userTokens = new PromiseCache<UserTokenClient>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateRequest(activity, authHeader);
  }

  authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new CachedConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity), this.connectors);
  }

  /**
   * The user token client (sign-in, OAuthPrompt) for the bot the claims name. With auth off a turn's
   * claims are anonymous (no `aud` nor `appid`), on which botbuilder builds a client with app id
   * `undefined` that then refuses every call (zod: "appId: Required"); it gets the empty app id
   * instead, as the token service of a local demo expects.
   */
  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const named = claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim);
    const claims = named !== null ? claimsIdentity : new ClaimsIdentity([{ type: AuthenticationConstants.AppIdClaim, value: '' }], true);
    return this.userTokens.get(appIdOf(claims), () => this.inner.createUserTokenClient(claims));
  }
}
