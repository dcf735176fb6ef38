/**
 * Verified identity (connected mode): who signed in and which Partner Center roles Microsoft Entra
 * ID proves for them, recorded on the tenant's checklist so every role check (chat and pages)
 * reads the same facts.
 *
 * The flow: the user signs in through the Bot Framework token service (OAuthPrompt; in Teams the
 * SSO token exchange) and the bot gets a token for its own API. `verify` mints a Microsoft Graph
 * token from it on the user's behalf (MSAL, `tokenBroker.ts`), reads the user's memberships
 * (`graphClient.ts`), derives the roles (`graphRoles.ts`) and records them with the time read.
 * Tokens are never stored or logged here: the token service keeps and refreshes the user's token,
 * MSAL keeps minted tokens in its in-memory cache.
 *
 * @module
 */
import { decodeJwt } from 'jose';
import type { ChecklistService } from '../checklist/checklistService.js';
import type { PartnerRole } from '../domain/roles.js';
import type { Actor, TransitionRecord } from '../domain/transition.js';
import { GraphReadError, GraphRoleReader } from './graphClient.js';
import { TokenBrokerError, type DownstreamTokens } from './tokenBroker.js';

/** Verified roles older than this are read again before an action that needs a role (ms; 15 minutes). */
export const ROLE_REFRESH_MS = 15 * 60_000;

/**
 * How the assistant reaches the Microsoft identity platform in connected mode.
 * - `mode`: `fake` (the bundled fakes, `PARTNER_CENTER_MODE=fake`) or `live`.
 * - `connectionName`: the OAuth connection of the Azure Bot resource that OAuthPrompt signs in with
 *   (`OAUTH_CONNECTION_NAME`).
 * - `tokens`: mints Graph and Partner Center tokens on the user's behalf.
 * - `graphBaseUrl`: Microsoft Graph's base URL (default the production one).
 * - `oAuthUrl`: the Bot Framework token service's URL when not the default (the fake's).
 */
export interface IdentityConnection {
  readonly mode: 'fake' | 'live';
  readonly connectionName: string;
  readonly tokens: DownstreamTokens;
  readonly graphBaseUrl?: string;
  readonly oAuthUrl?: string;
  /** Stops what the connection started (fakes). Safe to call more than once. */
  close(): Promise<void>;
}

/** Who signed in, from the token's claims (display only; the roles come from Graph). */
export interface SignedInUser {
  name?: string;
  /** Sign-in name (`preferred_username` / `upn`). */
  upn?: string;
}

/**
 * The outcome of {@link IdentityService.verify}:
 * - `ok`: the roles now recorded (strongest first, possibly none), the record after the write;
 * - `otherTenant`: the token belongs to another directory than the chat's tenant (nothing recorded);
 * - `failed`: minting a token or reading Graph failed; `messageKey` is the partner-facing text's key.
 */
export type VerifyResult =
  | { ok: true; roles: PartnerRole[]; user: SignedInUser; record: TransitionRecord }
  | { ok: false; code: 'otherTenant'; tokenTenant: string }
  | { ok: false; code: 'failed'; messageKey: string };

/** What {@link IdentityService} needs. */
export interface IdentityServiceDeps {
  connection: IdentityConnection;
  checklist: ChecklistService;
  clock: () => Date;
}

/** Verifies a signed-in user's roles and records them (see the module notes). */
export class IdentityService {
  constructor(private readonly deps: IdentityServiceDeps) {}

  /** The OAuth connection name OAuthPrompt signs in with. */
  get connectionName(): string {
    return this.deps.connection.connectionName;
  }

  /** `fake` (the bundled demo) or `live`. */
  get mode(): 'fake' | 'live' {
    return this.deps.connection.mode;
  }

  /**
   * Partner Center tokens for the user whose `userToken` (for the bot's API) this is, minted on their
   * behalf when a read needs one (app + user authentication).
   * @returns a function that rejects with `TokenBrokerError` when Entra refuses.
   */
  partnerCenterToken(userToken: string): () => Promise<string> {
    return () => this.deps.connection.tokens.partnerCenter(userToken);
  }

  /**
   * True when `actor`'s roles in `record` must be read (again) before an action that needs one:
   * never verified, or verified more than {@link ROLE_REFRESH_MS} ago.
   */
  needsVerification(record: TransitionRecord, actor: Actor, now: Date): boolean {
    const at = record.people[actor.id]?.verified?.at;
    return at === undefined || now.getTime() - Date.parse(at) > ROLE_REFRESH_MS;
  }

  /**
   * Reads `actor`'s roles with their `userToken` (a token for the bot's own API from the token
   * service) and records them on `tenantId`'s checklist (`setVerifiedRoles`).
   * The token's tenant (`tid`) must be the chat's tenant: a user signed in to another directory
   * proves nothing about this one (`otherTenant`); a token without one is `failed`.
   * @throws the storage error when the write fails; Graph and token failures are results.
   */
  async verify(tenantId: string, actor: Actor, userToken: string, signal?: AbortSignal): Promise<VerifyResult> {
    const claims = readClaims(userToken);
    if (!claims.tid) return { ok: false, code: 'failed', messageKey: 'identity.errors.failed' };
    if (claims.tid !== tenantId) return { ok: false, code: 'otherTenant', tokenTenant: claims.tid };
    let roles: PartnerRole[];
    try {
      const graphToken = await this.deps.connection.tokens.graph(userToken, signal);
      const reader = new GraphRoleReader({
        token: async () => graphToken,
        ...(this.deps.connection.graphBaseUrl ? { baseUrl: this.deps.connection.graphBaseUrl } : {}),
      });
      roles = await reader.roles();
    } catch (e) {
      if (e instanceof GraphReadError || e instanceof TokenBrokerError) return { ok: false, code: 'failed', messageKey: e.messageKey };
      throw e;
    }
    const named: Actor = { ...actor, ...(claims.name && !actor.name ? { name: claims.name } : {}) };
    const update = await this.deps.checklist.recordVerifiedRoles(tenantId, named, roles);
    return { ok: true, roles, user: { ...(claims.name ? { name: claims.name } : {}), ...(claims.upn ? { upn: claims.upn } : {}) }, record: update };
  }
}

/** The display claims of a token, without checking its signature (the token service handed it to the bot over its authenticated channel). */
function readClaims(token: string): { tid?: string; name?: string; upn?: string } {
  try {
    const c = decodeJwt(token);
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
    const upn = text(c['preferred_username']) ?? text(c['upn']);
    const tid = text(c['tid']);
    const name = text(c['name']);
    return { ...(tid ? { tid } : {}), ...(name ? { name } : {}), ...(upn ? { upn } : {}) };
  } catch {
    return {};
  }
}
