/**
 * Background Partner Center reads (connected mode) through the real pieces: the fake token service
 * holds the reader's token and is asked by botbuilder's own user token client, the fake Entra mints
 * Partner Center tokens through MSAL, the fake Partner Center answers with the documented shapes.
 */
import { expect } from 'chai';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { ClientCachingAuthentication } from '../../src/bot/clientCache.js';
import { readerTokens } from '../../src/bot/readerTokens.js';
import { DEMO_CONNECTION_NAME, startDemoIdentity, type DemoIdentity } from '../../src/identity/connection.js';
import { PartnerCenterClient } from '../../src/partnerCenter/client.js';
import type { PartnerCenterConnection } from '../../src/partnerCenter/connection.js';
import { demoPartnerCenterData } from '../../src/partnerCenter/demoData.js';
import { FakePartnerCenter } from '../../src/partnerCenter/fakeServer.js';
import { createBot, TestChat } from '../support/chat.js';

describe('background Partner Center reads, as the person who last read in the chat', function () {
  this.timeout(20_000);
  const data = demoPartnerCenterData();
  const fake = new FakePartnerCenter(data, {});
  let identity: DemoIdentity;
  let connection: PartnerCenterConnection;

  before(async () => {
    await fake.start();
    connection = {
      mode: 'fake',
      clientFor: (_tenant, token) => new PartnerCenterClient({ baseUrl: fake.url, token: token ?? (async () => 'none'), sleep: async () => undefined }),
      accept: (token) => fake.allow(token),
      close: async () => undefined,
    };
    identity = await startDemoIdentity('tenant-a', (token) => connection.accept?.(token));
  });
  after(async () => {
    await identity.close();
    await fake.stop();
  });

  it('reads again after the interval as the reader; a reader who signed out pauses the tenant', async () => {
    const auth = new ClientCachingAuthentication(new ConfigurationBotFrameworkAuthentication({ OAuthUrl: identity.oAuthUrl! }));
    const bot = createBot(undefined, undefined, undefined, connection, identity, {
      readerToken: readerTokens(auth, '', DEMO_CONNECTION_NAME),
      partnerCenterRefreshMinutes: 60,
    });
    const refresh = bot.services.partnerCenterRefresh!;
    const dana = new TestChat(bot, { userId: 'dana-oid', userName: 'Dana Reyes' });
    // signed in once: the chat's token store (TestAdapter) and the token service the background asks
    dana.adapter.addUserToken(DEMO_CONNECTION_NAME, 'msteams', 'dana-oid', await identity.tokenService.ssoTokenFor('dana'));
    await identity.tokenService.signIn('dana-oid', DEMO_CONNECTION_NAME, 'msteams', 'dana');
    await dana.say('customers');
    expect(dana.text()).to.include('Read from Partner Center: 5 customers');
    expect(await refresh.entries()).to.deep.equal({ 'tenant-a': { reader: { userId: 'dana-oid', channelId: 'msteams' } } });

    // within the interval nothing is read
    bot.clock.now = new Date(bot.clock.now.getTime() + 59 * 60_000);
    expect(await refresh.tick()).to.deep.equal({ due: 0, read: 0, signedOut: 0, failed: 0 });

    // a new customer in Partner Center is picked up in the background, without anyone in the chat
    data.customers.push({
      id: '11111111-2222-4333-8444-555555555555',
      companyProfile: { tenantId: '11111111-2222-4333-8444-555555555555', domain: 'wingtiptoys.onmicrosoft.com', companyName: 'Wingtip Toys' },
      relationshipToPartner: 'reseller',
    });
    bot.clock.now = new Date(bot.clock.now.getTime() + 2 * 60_000);
    const requestsBefore = identity.entra.tokenRequests.length;
    expect(await refresh.tick()).to.deep.equal({ due: 1, read: 1, signedOut: 0, failed: 0 });
    const stored = await bot.customers.customers.get('tenant-a');
    expect(stored.customers.map((c) => c.domain)).to.include('wingtiptoys.onmicrosoft.com');
    expect(stored.partnerCenter?.readAt).to.equal(bot.clock.now.toISOString());
    expect(identity.entra.tokenRequests.length, 'a Partner Center token minted (or served from MSAL’s cache)').to.be.at.least(requestsBefore);

    // Dana signs out: the next due read pauses the tenant instead of failing every time
    const tokenClient = await auth.createUserTokenClient(new ClaimsIdentity([], true));
    await tokenClient.signOutUser('dana-oid', DEMO_CONNECTION_NAME, 'msteams');
    bot.clock.now = new Date(bot.clock.now.getTime() + 61 * 60_000);
    expect(await refresh.tick()).to.deep.equal({ due: 1, read: 0, signedOut: 1, failed: 0 });
    expect((await refresh.entries())['tenant-a']?.lastProblem).to.equal('signedOut');
    bot.clock.now = new Date(bot.clock.now.getTime() + 61 * 60_000);
    expect(await refresh.tick()).to.deep.equal({ due: 0, read: 0, signedOut: 0, failed: 0 });

    // reading in the chat again puts the tenant back on the schedule
    await identity.tokenService.signIn('dana-oid', DEMO_CONNECTION_NAME, 'msteams', 'dana');
    await dana.say('customers');
    expect((await refresh.entries())['tenant-a']).to.deep.equal({ reader: { userId: 'dana-oid', channelId: 'msteams' } });
  });
});
