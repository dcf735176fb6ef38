/**
 * The customers journey in connected mode (PARTNER_CENTER_MODE=fake: the bundled fake Partner
 * Center with its demo data, over HTTP through the typed client): a tenant with 3 direct bill and
 * 2 indirect reseller customers in Partner Center sees them classified without typing anything,
 * the card says the data is demo data and when it was read, "Read again" reads again, and a
 * failed read is explained while the customers already known stay on screen.
 */
import { expect } from 'chai';
import { CardFactory } from 'botbuilder';
import { DEMO_CONNECTION_NAME, startDemoIdentity } from '../../../src/identity/connection.js';
import { PartnerCenterClient } from '../../../src/partnerCenter/client.js';
import { startDemoConnection, type PartnerCenterConnection } from '../../../src/partnerCenter/connection.js';
import { demoPartnerCenterData } from '../../../src/partnerCenter/demoData.js';
import { FakePartnerCenter } from '../../../src/partnerCenter/fakeServer.js';
import { createBot, TestChat, walkChecklistToNext } from '../../support/chat.js';

describe('customers journey, connected to Partner Center (demo mode)', function () {
  this.timeout(20_000);

  it('classifies the 5 customers Partner Center lists without any typing, says it is demo data, and reads again on request', async () => {
    const connection = await startDemoConnection();
    try {
      const bot = createBot(undefined, undefined, undefined, connection);
      const chat = new TestChat(bot);
      await chat.say('customers');
      const text = chat.text();
      expect(text).to.include('Read from Partner Center: 5 customers, 3 direct bill and 2 indirect reseller.');
      expect(text).to.match(/Direct bill[\s\S]*3 \(60%\)/);
      expect(text).to.match(/Indirect reseller[\s\S]*2 \(40%\)/);
      expect(text).to.include('First Up Consultants');
      expect(text).to.match(/Classified from Partner Center, read Nov 20, 2026, 09:00 AM UTC\./);
      expect(text).to.include('Demo data: these customers come from the bundled fake Partner Center');
      const stored = await bot.customers.customers.get('tenant-a');
      expect(stored.customers.filter((c) => c.basis === 'partnerCenter')).to.have.length(5);

      // shown again within 15 minutes: no new read; the button reads again
      await chat.say('customers');
      expect(chat.text()).to.not.include('Read from Partner Center');
      await chat.click('Read again from Partner Center');
      expect(chat.text()).to.include('Read from Partner Center: 5 customers');
    } finally {
      await connection.close();
    }
  });

  it("the what's-next list shows the partnership items as verified in Partner Center, with the time", async () => {
    const connection = await startDemoConnection();
    try {
      const chat = new TestChat(createBot(undefined, undefined, undefined, connection));
      await walkChecklistToNext(chat);
      await chat.say('customers');
      await chat.say('continue');
      const text = chat.text();
      expect(text.match(/Verified in Partner Center on Nov 20, 2026, 09:00 AM UTC/g)).to.have.length(2);
      expect(chat.actionTitles().filter((a) => a === 'Mark done')).to.have.length(5);
    } finally {
      await connection.close();
    }
  });

  it('speaks the partner language: the German summary says where the classes come from', async () => {
    const connection = await startDemoConnection();
    try {
      const chat = new TestChat(createBot(undefined, undefined, undefined, connection), { locale: 'de-DE' });
      await chat.say('Kunden');
      expect(chat.text()).to.include('Aus Partner Center gelesen: 5 Kunden, davon 3 Direktabrechnungskunden und 2 Kunden als indirekter Reseller.');
      expect(chat.text()).to.include('Demodaten');
    } finally {
      await connection.close();
    }
  });

  it('a failed read (Partner Center down) is explained, and the customers known before stay on the card', async () => {
    const fake = new FakePartnerCenter(demoPartnerCenterData(), { t: [] });
    await fake.start();
    const client = new PartnerCenterClient({ baseUrl: fake.url, token: async () => 't', sleep: async () => undefined });
    const connection: PartnerCenterConnection = { mode: 'fake', clientFor: () => client, close: () => fake.stop() };
    try {
      const bot = createBot(undefined, undefined, undefined, connection);
      const chat = new TestChat(bot);
      await chat.say('customers');
      fake.fail({ path: '/v1/relationships', status: 503, times: 4 });
      await chat.click('Read again from Partner Center');
      const text = chat.text();
      expect(text).to.include('Partner Center is not answering right now. Nothing was changed; try again in a few minutes.');
      expect(text).to.include('This shows the customers as the assistant had them before.');
      expect(text).to.match(/Direct bill[\s\S]*3 \(60%\)/);
    } finally {
      await connection.close();
    }
  });
});

describe('customers journey, read from Partner Center as the signed-in user (demo fakes: token service, Entra through MSAL, Partner Center)', function () {
  this.timeout(20_000);

  it('asks to sign in, then reads the customers with a Partner Center token minted on the user’s behalf; a missing consent is explained', async () => {
    const connection = await startDemoConnection();
    const identity = await startDemoIdentity('tenant-a', (token) => connection.accept?.(token));
    try {
      const bot = createBot(undefined, undefined, undefined, connection, identity);
      const chat = new TestChat(bot, { userId: 'dana-oid', userName: 'Dana Reyes' });
      chat.adapter.addUserToken(DEMO_CONNECTION_NAME, 'msteams', 'dana-oid', await identity.tokenService.ssoTokenFor('dana'), '246810');
      await chat.say('customers');
      expect(chat.text()).to.include('I read your customers from Partner Center as you');
      expect(chat.replies.some((r) => (r.attachments ?? []).some((a) => a.contentType === CardFactory.contentTypes.oauthCard))).to.equal(true);
      expect((await bot.customers.customers.get('tenant-a')).customers).to.have.length(0);
      await chat.say('246810');
      expect(chat.text()).to.include('Signed in as Dana Reyes');
      expect(chat.text()).to.include('Read from Partner Center: 5 customers, 3 direct bill and 2 indirect reseller.');
      const minted = identity.entra.tokenRequests.map((r) => r.form['scope'] ?? '');
      expect(minted.some((s) => s.includes('https://api.partnercenter.microsoft.com/user_impersonation'))).to.equal(true);

      // a colleague whose organization has not consented to Partner Center access is told what to do
      identity.entra.unconsented.add('sam');
      const sam = new TestChat(bot, { userId: 'sam-oid', userName: 'Sam Patel', conversationId: 'c-sam' });
      sam.adapter.addUserToken(DEMO_CONNECTION_NAME, 'msteams', 'sam-oid', await identity.tokenService.ssoTokenFor('sam'));
      await sam.submit({ verb: 'customers.partnerCenter.refresh' });
      expect(sam.text()).to.match(/its access must be approved[\s\S]*This shows the customers as the assistant had them before/);
    } finally {
      await identity.close();
      await connection.close();
    }
  });
});

describe('customer invitations carry Partner Center’s own link when connected', function () {
  this.timeout(20_000);

  it('the draft sends Partner Center’s reseller relationship link (no expiry claimed); the invitation is accepted once the customer shows up in Partner Center', async () => {
    const data = demoPartnerCenterData();
    const fake = new FakePartnerCenter(data, { t: [] });
    await fake.start();
    const client = new PartnerCenterClient({ baseUrl: fake.url, token: async () => 't', sleep: async () => undefined });
    const connection: PartnerCenterConnection = { mode: 'fake', clientFor: () => client, close: () => fake.stop() };
    try {
      const bot = createBot(undefined, undefined, undefined, connection);
      const ada = new TestChat(bot);
      await ada.say('invitations');
      await ada.click('Save', { side: 'reseller', name: 'Contoso Ltd.', partnerId: '1234567' });
      await ada.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
      await ada.click('Global admin');
      await ada.click('Write the email', { company: 'Wingtip Toys', domain: 'wingtiptoys.onmicrosoft.com', email: 'it@wingtiptoys.com' });
      const text = ada.text();
      expect(text).to.include(`**Partner Center link:** ${data.relationshipRequestUrl}`);
      expect(text).to.match(/the customer's global admin accepts in the Microsoft 365 admin center/);
      expect(text).to.match(/It opens the Microsoft 365 admin center/);
      expect(text).to.not.match(/works until/);
      const [sent] = (await bot.invitations.invitations.get('tenant-a')).invitations;
      expect(sent?.partnerCenterLink?.url).to.equal(data.relationshipRequestUrl);

      // the list says what it waits for (no expiry of the assistant's applies)
      await ada.say('invitations');
      await ada.click('Invitations');
      expect(ada.text()).to.match(/Sent with Partner Center's own link 0 days ago: it counts as accepted once wingtiptoys\.onmicrosoft\.com shows up/);

      // the customer accepted in the admin center: Partner Center now lists them
      data.customers.push({
        id: '11111111-2222-4333-8444-555555555555',
        companyProfile: { tenantId: '11111111-2222-4333-8444-555555555555', domain: 'wingtiptoys.onmicrosoft.com', companyName: 'Wingtip Toys' },
        relationshipToPartner: 'reseller',
      });
      bot.clock.now = new Date(bot.clock.now.getTime() + 20 * 60_000);
      await ada.say('customers');
      expect(ada.text()).to.include('Read from Partner Center: 6 customers');
      const after = (await bot.invitations.invitations.get('tenant-a')).invitations[0]!;
      expect(after.status).to.equal('accepted');
      expect(after.accepted).to.deep.include({ company: 'Wingtip Toys', domain: 'wingtiptoys.onmicrosoft.com' });
      expect(after.accepted?.by.id).to.equal('partner-center');
    } finally {
      await connection.close();
    }
  });
});
