/**
 * How the assistant reaches Partner Center (`PARTNER_CENTER_MODE`):
 * - `off` (default): manual mode, no connection; the partner tells the assistant what is true.
 * - `fake`: a demonstration. The bundled fake Partner Center (`fakeServer.ts`) starts on
 *   127.0.0.1 with demo data (`demoData.ts`) and the typed client talks to it over HTTP exactly as
 *   it would to the real service; every card that shows its data says it is demo data.
 * The real service needs the user's own Partner Center token (Teams SSO), which is the next part
 * of the connected mode; until then there is no `live` mode.
 *
 * @module
 */
import { PartnerCenterClient } from './client.js';
import { demoPartnerCenterData } from './demoData.js';
import { FakePartnerCenter } from './fakeServer.js';

/** A way to Partner Center for the turns of any tenant. */
export interface PartnerCenterConnection {
  /** `fake`: the bundled fake with demo data (see the module notes). */
  readonly mode: 'fake';
  /** The client to read `tenantId`'s Partner Center with. */
  clientFor(tenantId: string): PartnerCenterClient;
  /** Stops what the connection started. Safe to call more than once. */
  close(): Promise<void>;
}

/** The token the bundled fake accepts (a demo value; never a real credential). */
const DEMO_TOKEN = 'demo-token';

/**
 * Starts the bundled fake Partner Center with the demo data and returns the connection to it
 * (`PARTNER_CENTER_MODE=fake`). The same demo customers answer for every tenant.
 */
export async function startDemoConnection(): Promise<PartnerCenterConnection> {
  const fake = new FakePartnerCenter(demoPartnerCenterData(), { [DEMO_TOKEN]: [] });
  await fake.start();
  const client = new PartnerCenterClient({ baseUrl: fake.url, token: async () => DEMO_TOKEN });
  let closed = false;
  return {
    mode: 'fake',
    clientFor: () => client,
    close: async () => {
      if (closed) return;
      closed = true;
      await fake.stop();
    },
  };
}
