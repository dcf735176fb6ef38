/**
 * Reads the signed-in user's memberships from Microsoft Graph with the official client
 * (`@microsoft/microsoft-graph-client`): `GET /me/transitiveMemberOf` with `$select`, every page
 * (`@odata.nextLink`, through the client's PageIterator); the client's own middleware retries 429
 * and 503 honouring `Retry-After`. Roles are derived by `rolesFromMemberships`.
 *
 * Permission: delegated `GroupMember.Read.All` (or `Directory.Read.All`), consented for the app
 * registration; the token is the user's, obtained by the token provider (Teams SSO on-behalf-of).
 *
 * @module
 */
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  PageIterator,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import type { PartnerRole } from '../domain/roles.js';
import { rolesFromMemberships, type MembershipObject } from './graphRoles.js';

/** The production endpoint and version. */
export const GRAPH_BASE_URL = 'https://graph.microsoft.com/';

/** Why a Graph read failed: the sign-in expired (401), consent or permission is missing (403), Graph is unavailable or throttling after retries, or another failure. */
export type GraphFailure = 'unauthorized' | 'forbidden' | 'unavailable' | 'failed';

/** A failed Graph read; the message names the status, never the token. */
export class GraphReadError extends Error {
  override readonly name = 'GraphReadError';
  constructor(
    readonly code: GraphFailure,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`Microsoft Graph GET /me/transitiveMemberOf: ${code}${status ? ` (HTTP ${status})` : ''}`, options);
  }

  /** The locale key of the partner-facing explanation. */
  get messageKey(): string {
    return `identity.errors.${this.code}`;
  }
}

/**
 * Puts the user's token on requests to the configured Graph origin only (also on `@odata.nextLink`
 * pages there, never elsewhere). The library's own AuthenticationHandler does the same for
 * Microsoft's Graph hosts but sends a token to no other host and only over https, so the local
 * fake (http on 127.0.0.1) could not be read through the same chain; with this step the fake and
 * the real Graph go through identical middleware.
 */
class BearerHandler implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly origin: string,
    private readonly token: () => Promise<string>,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (new URL(url).origin === this.origin) {
      const headers = new Headers(context.options?.headers);
      headers.set('Authorization', `Bearer ${await this.token()}`);
      context.options = { ...context.options, headers };
    }
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** What {@link GraphRoleReader} needs: the user's Graph token, and (tests, fake) another base URL. */
export interface GraphRoleReaderOptions {
  token: () => Promise<string>;
  /** Default {@link GRAPH_BASE_URL}; the fake serves the same paths. */
  baseUrl?: string;
}

/** Reads the signed-in user's verified Partner Center roles from Microsoft Graph. */
export class GraphRoleReader {
  private readonly client: Client;

  constructor(options: GraphRoleReaderOptions) {
    const baseUrl = options.baseUrl ?? GRAPH_BASE_URL;
    // the library's chain with the bearer step first; see BearerHandler for why not its AuthenticationHandler
    const bearer = new BearerHandler(new URL(baseUrl).origin, options.token);
    const retry = new RetryHandler(new RetryHandlerOptions());
    bearer.setNext(retry);
    retry.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({ baseUrl, defaultVersion: 'v1.0', middleware: bearer });
  }

  /**
   * Every group and directory role the user belongs to, directly or through nested groups.
   * @throws GraphReadError
   */
  async memberships(): Promise<MembershipObject[]> {
    const all: MembershipObject[] = [];
    try {
      const first = (await this.client.api('/me/transitiveMemberOf').select(['id', 'displayName', 'roleTemplateId']).top(100).get()) as PageCollection;
      const pages = new PageIterator(this.client, first, (item: MembershipObject) => {
        all.push(item);
        return true;
      });
      await pages.iterate();
    } catch (err) {
      const status = err instanceof GraphError ? err.statusCode : undefined;
      const code: GraphFailure =
        status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 429 || (status ?? 0) >= 500 ? 'unavailable' : 'failed';
      throw new GraphReadError(code, status && status > 0 ? status : undefined, { cause: err });
    }
    return all;
  }

  /** The user's Partner Center roles (see `rolesFromMemberships`). @throws GraphReadError */
  async roles(): Promise<PartnerRole[]> {
    return rolesFromMemberships(await this.memberships());
  }
}
