import { expect } from 'chai';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, ConnectorFactory, type BotFrameworkAuthentication, type ConnectorClient } from 'botframework-connector';
import { ClientCachingAuthentication } from '../../src/bot/clientCache.js';

const anonymous = new ClaimsIdentity([], 'anonymous');
const forBot = (appId: string) => new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: appId }], true);

/** Auth off, the way `npm start` runs without an app registration (the real library class, no network). */
const realAuth = () => new ConfigurationBotFrameworkAuthentication({});

describe('ClientCachingAuthentication: one Bot Connector client per bot and service URL', () => {
  it('hands every turn of a service URL the same ConnectorClient, and another URL its own', async () => {
    const auth = new ClientCachingAuthentication(realAuth());
    const a1 = await auth.createConnectorFactory(anonymous).create('https://smba.trafficmanager.net/amer/');
    const a2 = await auth.createConnectorFactory(anonymous).create('https://smba.trafficmanager.net/amer/');
    const b = await auth.createConnectorFactory(anonymous).create('https://smba.trafficmanager.net/emea/');
    expect(a1).to.equal(a2);
    expect(b).to.not.equal(a1);
    expect((b as unknown as { baseUri?: string }).baseUri ?? (b as unknown as { _baseUri?: string })._baseUri).to.match(/emea/);
  });

  it('keeps clients of different bots (app ids) and audiences apart', async () => {
    const auth = new ClientCachingAuthentication(realAuth());
    const url = 'https://smba.trafficmanager.net/amer/';
    const one = await auth.createConnectorFactory(forBot('app-1')).create(url);
    const two = await auth.createConnectorFactory(forBot('app-2')).create(url);
    const otherAudience = await auth.createConnectorFactory(forBot('app-1')).create(url, 'https://api.botframework.us');
    expect(new Set([one, two, otherAudience]).size).to.equal(3);
    expect(await auth.createConnectorFactory(forBot('app-1')).create(url)).to.equal(one);
  });

  it('reuses the User Token client per bot', async () => {
    const auth = new ClientCachingAuthentication(realAuth());
    const first = await auth.createUserTokenClient(anonymous);
    expect(await auth.createUserTokenClient(anonymous)).to.equal(first);
    expect(await auth.createUserTokenClient(forBot('app-9'))).to.not.equal(first);
  });

  it('forgets a client whose creation failed, so the next turn tries again', async () => {
    let calls = 0;
    class Flaky extends ConnectorFactory {
      async create(serviceUrl: string): Promise<ConnectorClient> {
        calls++;
        if (calls === 1) throw new Error('token service unreachable');
        return { serviceUrl } as unknown as ConnectorClient;
      }
    }
    const inner = realAuth() as unknown as BotFrameworkAuthentication;
    inner.createConnectorFactory = () => new Flaky();
    const auth = new ClientCachingAuthentication(inner);
    await auth
      .createConnectorFactory(anonymous)
      .create('https://x.example/')
      .then(
        () => expect.fail('the first creation fails'),
        (err: Error) => expect(err.message).to.equal('token service unreachable'),
      );
    await new Promise((r) => setImmediate(r));
    const client = await auth.createConnectorFactory(anonymous).create('https://x.example/');
    expect(client).to.deep.equal({ serviceUrl: 'https://x.example/' });
    expect(calls).to.equal(2);
  });

  it('still authenticates every request through the wrapped authentication (a bad token is refused with auth on)', async () => {
    const auth = new ClientCachingAuthentication(
      new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: 'app-1', MicrosoftAppPassword: 'secret', MicrosoftAppType: 'MultiTenant' }),
    );
    const activity = { type: 'message', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/amer/' };
    await auth.authenticateRequest(activity as never, 'Bearer not-a-jwt').then(
      () => expect.fail('a malformed token must be refused'),
      (err: Error) => expect(err.message).to.be.a('string').and.not.equal(''),
    );
  });
});
