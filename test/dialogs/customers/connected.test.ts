/**
 * The customers journey in connected mode (PARTNER_CENTER_MODE=fake: the bundled fake Partner
 * Center with its demo data, over HTTP through the typed client): a tenant with 3 direct bill and
 * 2 indirect reseller customers in Partner Center sees them classified without typing anything,
 * the card says the data is demo data and when it was read, "Read again" reads again, and a
 * failed read is explained while the customers already known stay on screen.
 */
import { expect } from 'chai';
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
