/**
 * CustomerService.syncFromPartnerCenter (src/customers/partnerCenterImport.ts): a connected tenant
 * with 3 direct bill and 2 indirect reseller customers in Partner Center sees them classified
 * without typing anything; a refused read saves nothing. Real parts: the fake Partner Center over
 * HTTP (documented shapes), the typed client, the composed services, lowdb in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PartnerCenterClient } from '../../src/partnerCenter/client.js';
import { PartnerCenterError } from '../../src/partnerCenter/errors.js';
import { FakePartnerCenter } from '../../src/partnerCenter/fakeServer.js';
import { LowdbStorage } from '../../src/store/lowdbStorage.js';
import { createBot } from '../support/chat.js';
import { documentedData, FIXTURES, generatedCustomer } from '../support/partnerCenterData.js';

describe('customers from Partner Center (connected mode)', function () {
  this.timeout(20_000);
  let dir: string;
  const fake = new FakePartnerCenter(documentedData(), { 'fake-token': [], 'no-role': ['/v1/relationships'] });
  const client = (token = 'fake-token') => new PartnerCenterClient({ baseUrl: fake.url, token: async () => token, sleep: async () => undefined });

  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pc-sync-'));
    fake.reset();
    // 5 customers: 3 direct bill, 2 served by the documented provider "First Up Consultants"
    const customers = Array.from({ length: 5 }, (_, i) => generatedCustomer(i));
    const provider = FIXTURES.relationships.items[0]!;
    fake.data = {
      ...documentedData(),
      customers,
      indirectProviders: [provider],
      providerOfCustomer: { [customers[3]!.id]: provider.id, [customers[4]!.id]: provider.id },
    };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('classifies 3 direct bill and 2 indirect reseller customers, names the provider, and saves it', async () => {
    const bot = createBot(new LowdbStorage({ dir }));
    const report = await bot.customers.syncFromPartnerCenter('tenant-a', client());
    expect(report).to.deep.include({ customers: 5, directBill: 3, indirectReseller: 2, added: 5, reclassified: 0, skipped: 0 });
    expect(report.providers).to.deep.equal([{ tenantId: '484e548c-f5f3-4528-93a9-c16c6373cb59', name: 'First Up Consultants' }]);
    const stored = await createBot(new LowdbStorage({ dir })).customers.customers.get('tenant-a');
    expect(stored.customers.map((c) => `${c.domain} ${c.class} ${c.provider?.name ?? '-'} ${c.basis}`)).to.deep.equal([
      'customer0.onmicrosoft.com directBill - partnerCenter',
      'customer1.onmicrosoft.com directBill - partnerCenter',
      'customer2.onmicrosoft.com directBill - partnerCenter',
      'customer3.onmicrosoft.com indirectReseller First Up Consultants partnerCenter',
      'customer4.onmicrosoft.com indirectReseller First Up Consultants partnerCenter',
    ]);
    expect(stored.partnerCenter?.customers).to.equal(5);
    // page reads only: the providers, the customer list, the provider's filtered list
    expect(fake.seen.map((r) => r.path.split('?')[0])).to.have.members(['/v1/relationships', '/v1/customers', '/v1/customers']);
  });

  it("ticks the checklist's partnership items for Partner Center at the read's time when an active indirect provider is reported", async () => {
    const bot = createBot(new LowdbStorage({ dir }));
    const report = await bot.customers.syncFromPartnerCenter('tenant-a', client());
    const record = await bot.transitions.get('tenant-a');
    for (const item of ['findProvider', 'acceptPartnership'] as const) {
      expect(record.nextItems[item]).to.deep.equal({ by: { id: 'partner-center', name: 'Partner Center' }, at: report.readAt });
    }
    expect(record.history.at(-1)?.action).to.equal('next.partnership.verifiedInPartnerCenter');
    expect(record.nextItems.serveDirect).to.equal(undefined);
  });

  it('leaves the checklist alone when Partner Center reports no active indirect provider', async () => {
    fake.data.indirectProviders = fake.data.indirectProviders.map((p) => ({ ...p, state: 'Terminated' }));
    const bot = createBot(new LowdbStorage({ dir }));
    await bot.customers.syncFromPartnerCenter('tenant-a', client());
    expect((await bot.transitions.get('tenant-a')).nextItems).to.deep.equal({});
  });

  it('a refused read (no admin agent role: 403) saves nothing and says why', async () => {
    const bot = createBot(new LowdbStorage({ dir }));
    const err = await bot.customers.syncFromPartnerCenter('tenant-a', client('no-role')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PartnerCenterError);
    expect((err as PartnerCenterError).code).to.equal('forbidden');
    expect((await bot.customers.customers.get('tenant-a')).customers).to.deep.equal([]);
  });
});
