/**
 * How the assistant reaches the Microsoft identity platform in connected mode:
 * - `live` (`OAUTH_CONNECTION_NAME` set): the Azure Bot resource's OAuth connection signs users in
 *   through the Bot Framework token service; the bot's app registration mints Graph tokens on the
 *   user's behalf with MSAL (`OnBehalfOfBroker`); Microsoft Graph is the real one.
 * - `fake` (`PARTNER_CENTER_MODE=fake`): a demonstration on a fresh machine. Local fakes of the
 *   token service (with a sign-in page listing the demo people and a magic code), of the Entra
 *   token endpoint (reached through the real MSAL with its network module pointed at the fake) and
 *   of Microsoft Graph start on 127.0.0.1; the demo directory's tenant is the chat's tenant.
 *
 * @module
 */
import { demoDirectory, FakeTokenIssuer, type DirectoryUser } from './demoDirectory.js';
import { FakeEntra, type EntraResource } from './fakeEntra.js';
import { FakeGraph } from './fakeGraph.js';
import { FakeTokenService } from './fakeTokenService.js';
import type { IdentityConnection } from './identityService.js';
import { OnBehalfOfBroker } from './tokenBroker.js';

/** The OAuth connection name of the demo (the fake token service accepts any). */
export const DEMO_CONNECTION_NAME = 'demo';

/** The app registration the demo's fakes accept (demo values; never a real credential). */
const DEMO_APP = { clientId: '00000000-0000-4000-8000-00000000c5a0', clientSecret: 'demo-secret-not-a-credential', audience: 'api://csp-assistant-demo' };

/** The demo connection and the fakes behind it (tests reach in to sign people in directly). */
export interface DemoIdentity extends IdentityConnection {
  readonly tokenService: FakeTokenService;
  readonly entra: FakeEntra;
  readonly graph: FakeGraph;
}

/**
 * Starts the demo identity platform for `tenantId` (the chat's tenant: Teams' tenant id or the Web
 * Chat page's `WEBCHAT_TENANT_ID`) with the demo people of `demoDirectory()`.
 * @param onPartnerCenterToken called with each Partner Center token minted (so a fake Partner
 *   Center can accept it); omitted when none runs.
 */
export async function startDemoIdentity(tenantId: string, onPartnerCenterToken?: (token: string, user: DirectoryUser) => void): Promise<DemoIdentity> {
  const directory = { ...demoDirectory(), tenantId };
  const issuer = new FakeTokenIssuer();
  const graph = new FakeGraph({});
  const onIssue = (token: string, user: DirectoryUser, resource: EntraResource) => {
    if (resource === 'graph') graph.users[token] = user.memberships;
    else onPartnerCenterToken?.(token, user);
  };
  const entra = new FakeEntra({
    directory,
    issuer,
    clientId: DEMO_APP.clientId,
    clientSecret: DEMO_APP.clientSecret,
    userTokenAudience: DEMO_APP.audience,
    onIssue,
  });
  const tokenService = new FakeTokenService({ directory, issuer, audience: DEMO_APP.audience });
  await Promise.all([graph.start(), entra.start(), tokenService.start()]);
  const tokens = new OnBehalfOfBroker({
    clientId: DEMO_APP.clientId,
    clientSecret: DEMO_APP.clientSecret,
    tenantId,
    networkClient: entra.networkClient(),
    ...entra.msalMetadata(),
  });
  let closed = false;
  return {
    mode: 'fake',
    connectionName: DEMO_CONNECTION_NAME,
    tokens,
    graphBaseUrl: `${graph.url}/`,
    oAuthUrl: tokenService.url,
    tokenService,
    entra,
    graph,
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([graph.stop(), entra.stop(), tokenService.stop()]);
    },
  };
}

/** What {@link liveIdentity} needs: the OAuth connection and the bot's app registration. */
export interface LiveIdentityOptions {
  connectionName: string;
  clientId: string;
  clientSecret: string;
  /** The bot's tenant; empty for a multitenant bot (each request then goes to the user's tenant). */
  tenantId: string;
}

/** The live connection (see the module notes). Starts nothing; makes no network call until a user signs in. */
export function liveIdentity(options: LiveIdentityOptions): IdentityConnection {
  const tokens = new OnBehalfOfBroker({ clientId: options.clientId, clientSecret: options.clientSecret, tenantId: options.tenantId || 'organizations' });
  return { mode: 'live', connectionName: options.connectionName, tokens, close: async () => {} };
}
