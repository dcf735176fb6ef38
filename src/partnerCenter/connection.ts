/**
 * How the assistant reaches Partner Center (`PARTNER_CENTER_MODE`):
 * - `off` (default): manual mode, no connection; the partner tells the assistant what is true.
 * - `live`: the real Partner Center REST API, read as the signed-in user (app + user
 *   authentication): each read gets a Partner Center token minted on the user's behalf from their
 *   sign-in (`src/identity/tokenBroker.ts`). Needs the OAuth connection (`OAUTH_CONNECTION_NAME`).
 * - `fake`: a demonstration. The bundled fake Partner Center (`fakeServer.ts`) starts on
 *   127.0.0.1 with demo data (`demoData.ts`) and the typed client talks to it over HTTP exactly as
 *   it would to the real service; it accepts the tokens the demo's fake Entra mints for the demo
 *   people ({@link PartnerCenterConnection.accept}); every card that shows its data says it is demo data.
 *
 * @module
 */
import { PartnerCenterClient } from './client.js';
import { demoPartnerCenterData } from './demoData.js';
import { FakePartnerCenter } from './fakeServer.js';

/** Gives a Partner Center access token for the user a read is made for (minted on their behalf). */
export type PartnerCenterToken = () => Promise<string>;

/** A way to Partner Center for the turns of any tenant. */
export interface PartnerCenterConnection {
  /** `fake`: the bundled fake with demo data; `live`: the real service (see the module notes). */
  readonly mode: 'fake' | 'live';
  /**
   * The client to read `tenantId`'s Partner Center with, as the user `token` gives tokens for.
   * Without `token` (the demo without sign-in, e.g. dialog tests of the customer journey alone) the
   * fake's own demo token is used; `live` needs one.
   * @throws Error in `live` mode without `token` (a wiring bug: connected reads are made for a user)
   */
  clientFor(tenantId: string, token?: PartnerCenterToken): PartnerCenterClient;
  /** Demo only: lets the fake accept a Partner Center token the demo's fake Entra minted. */
  accept?(token: string): void;
  /** Stops what the connection started. Safe to call more than once. */
  close(): Promise<void>;
}

/** The token the bundled fake accepts without sign-in (a demo value; never a real credential). */
const DEMO_TOKEN = 'demo-token';

/**
 * Starts the bundled fake Partner Center with the demo data and returns the connection to it
 * (`PARTNER_CENTER_MODE=fake`). The same demo customers answer for every tenant.
 */
export async function startDemoConnection(): Promise<PartnerCenterConnection> {
  const fake = new FakePartnerCenter(demoPartnerCenterData(), { [DEMO_TOKEN]: [] });
  await fake.start();
  const demoClient = new PartnerCenterClient({ baseUrl: fake.url, token: async () => DEMO_TOKEN });
  let closed = false;
  return {
    mode: 'fake',
    clientFor: (_tenantId, token) => (token ? new PartnerCenterClient({ baseUrl: fake.url, token }) : demoClient),
    accept: (token) => fake.allow(token),
    close: async () => {
      if (closed) return;
      closed = true;
      await fake.stop();
    },
  };
}

/** The real Partner Center (`PARTNER_CENTER_MODE=live`); `baseUrl` defaults to the production endpoint. Starts nothing. */
export function liveConnection(baseUrl?: string): PartnerCenterConnection {
  return {
    mode: 'live',
    clientFor: (_tenantId, token) => {
      if (!token) throw new Error('a live Partner Center read needs the signed-in user’s token');
      return new PartnerCenterClient({ token, ...(baseUrl ? { baseUrl } : {}) });
    },
    close: async () => {},
  };
}
