import { expect } from 'chai';
import { ActivityTypes } from 'botbuilder';
import { findTokenInText } from '../../../src/domain/invitationToken.js';
import { TestChat, createBot, type BotUnderTest } from '../../support/chat.js';

const CSV = [
  'Customer Name,Primary Domain Name,Microsoft ID',
  'Fabrikam,fabrikam.com,0f0e0d0c-0b0a-0908-0706-050403020100',
  '"Tailspin, Inc.",tailspin.com,',
  'Broken Row,not a domain,',
  'Fabrikam again,FABRIKAM.com,',
  'Wingtip,wingtip.onmicrosoft.com,',
].join('\n');

/** Contoso (tenant-a) with Northwind as accepted indirect provider; Grace is its global admin. */
async function resellerWithProvider(under: BotUnderTest = createBot()) {
  const pat = new TestChat(under, { userId: 'pat', userName: 'Pat Provider', tenantId: 'tenant-p', conversationId: 'c-pat' });
  await pat.say('invitations');
  await pat.click('Save', { side: 'provider', name: 'Northwind Distribution' });
  await pat.click('Request a partnership');
  await pat.click('Sales agent');
  await pat.click('Write the email', { email: 'grace@contoso.com' });
  const link = /Personalized link:\*\* (\S+)/.exec(pat.text())![1]!;
  const ga = new TestChat(under, { userId: 'grace', userName: 'Grace Admin', tenantId: 'tenant-a', conversationId: 'c-ga' });
  await ga.say(link);
  await ga.click('Authorize indirect provider', { consent: 'true' });
  await ga.click('Global admin');
  await ga.say('invitations');
  await ga.click('Save', { side: 'reseller', name: 'Contoso Ltd.' });
  return { under, pat, ga };
}

/** Fabrikam's global admin accepts the indirect reseller invitation on the accept page (the form's fields). */
const FABRIKAM_ACCEPTS = { company: 'Fabrikam', domain: 'fabrikam.com', name: 'Ines', email: 'ines@fabrikam.com', globalAdmin: 'on', consent: 'on' };

describe('customer classification journey', () => {
  it('adds a customer (bad input keeps the values), asks the identifying question, and counts it', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a' });
    await chat.say('hi');
    await chat.click('Classify customers');
    expect(chat.text()).to.match(/No customers yet/);
    await chat.click('Add a customer');
    await chat.click('Add', { name: 'Fabrikam', domain: 'fabrikam', tenantId: 'nope' });
    expect(chat.text()).to.match(/Primary domain: enter a domain like/);
    expect(chat.text()).to.match(/Tenant ID: a tenant ID looks like/);
    expect(JSON.stringify(chat.cards())).to.contain('Fabrikam');
    expect((await under.customers.customers.get('tenant-a')).customers).to.deep.equal([]);
    await chat.click('Add', { name: 'Fabrikam', domain: 'Fabrikam.com', tenantId: '' });
    expect(chat.text(), 'the domain is escaped so no client turns it into a link').to.match(/Added \*\*Fabrikam\*\* \(fabrikam\\\.com\)/);
    expect(chat.text()).to.match(/Can you add or view products there and see their subscriptions\?/);
    await chat.click('Yes: products and subscriptions show');
    expect(chat.text()).to.match(/\*\*Fabrikam\*\* is a direct bill customer/);
    expect(chat.text()).to.match(/Every customer is classified/);
    expect(chat.text()).to.match(/Direct bill[\s\S]*1 \(100%\)/);
    const stored = (await under.customers.customers.get('tenant-a')).customers[0]!;
    expect(stored).to.include({ domain: 'fabrikam.com', class: 'directBill', basis: 'question' });
    expect(stored.classified?.by.id).to.equal('grace');
  });

  it('imports pasted CSV: good rows saved, bad and duplicate rows reported by line, re-import adds nothing', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a' });
    await chat.say('import customers');
    expect(chat.text()).to.match(/Paste CSV text below/);
    await chat.click('Import', { csv: CSV });
    expect(chat.text()).to.match(/3 added, 0 updated, 0 already up to date/);
    expect(chat.text()).to.match(/2 rows need fixing/);
    expect(chat.text()).to.match(/Line 4, Primary domain: enter a domain like/);
    expect(chat.text()).to.match(/Line 5, Primary domain: same domain as line 2/);
    expect((await under.customers.customers.get('tenant-a')).customers.map((c) => c.domain).sort()).to.deep.equal([
      'fabrikam.com',
      'tailspin.com',
      'wingtip.onmicrosoft.com',
    ]);
    await chat.say(CSV);
    expect(chat.text()).to.match(/0 added, 0 updated, 3 already up to date/);
    expect((await under.customers.customers.get('tenant-a')).customers).to.have.length(3);
    await chat.click('Import', { csv: 'just some words' });
    expect(chat.text()).to.match(/couldn't find the column names|The CSV/);
  });

  it('classifies the unknown ones by question: yes, no with a provider, not sure (skipped, stays unknown)', async () => {
    const { under, ga } = await resellerWithProvider();
    await ga.say('customers');
    await ga.click('Import CSV');
    await ga.click('Import', { csv: CSV });
    await ga.click('Classify 3 unknown');
    expect(ga.text()).to.match(/How did you acquire Fabrikam\?/);
    expect(ga.text()).to.match(/2 more unknown customers after this one/);
    await ga.click('Yes: products and subscriptions show');
    expect(ga.text()).to.match(/How did you acquire Tailspin, Inc\.\?/);
    await ga.click('No: those options are missing', { provider: 'tenant:tenant-p' });
    expect(ga.text()).to.match(/\*\*Tailspin, Inc\.\*\* is an indirect reseller customer/);
    await ga.click('Not sure, ask me later');
    expect(ga.text()).to.match(/stays unknown for now/);
    expect(ga.text()).to.match(/only unknown customers left are the ones you'll check later/);
    const record = await under.customers.customers.get('tenant-a');
    const byDomain = Object.fromEntries(record.customers.map((c) => [c.domain, c]));
    expect(byDomain['fabrikam.com']!.class).to.equal('directBill');
    expect(byDomain['tailspin.com']).to.deep.include({ class: 'indirectReseller', provider: { tenantId: 'tenant-p', name: 'Northwind Distribution' } });
    expect(byDomain['wingtip.onmicrosoft.com']!.class).to.equal('unknown');
  });

  it('an old question card is refused as stale and changes nothing', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a' });
    await chat.say(CSV);
    await chat.click('Classify 3 unknown');
    const old = chat.findAction('Yes: products and subscriptions show')!;
    await chat.click('No: those options are missing');
    await chat.submit(old.data);
    expect(chat.text()).to.match(/That question is out of date/);
    expect((await under.customers.customers.get('tenant-a')).customers.find((c) => c.domain === 'fabrikam.com')!.class).to.equal('indirectReseller');
  });

  it('a customer who accepted an indirect reseller invitation is classified without asking', async () => {
    const { under, ga } = await resellerWithProvider();
    await ga.say('invitations');
    await ga.click('Invite a customer');
    await ga.click('With my provider');
    await ga.click('Write the email', { company: 'Fabrikam', domain: 'fabrikam.com', email: 'it@fabrikam.com' });
    const token = findTokenInText(/Personalized link:\*\* (\S+)/.exec(ga.text())![1]!)!;
    await under.invitations.acceptCustomer(token, FABRIKAM_ACCEPTS);
    await ga.say(CSV);
    expect(ga.text()).to.match(/1 customer was classified from what I already know/);
    const fabrikam = (await under.customers.customers.get('tenant-a')).customers.find((c) => c.domain === 'fabrikam.com')!;
    expect(fabrikam).to.deep.include({ class: 'indirectReseller', basis: 'invitation' });
    expect(fabrikam.provider?.name).to.equal('Northwind Distribution');
  });

  it('a direct bill customer is moved with an indirect reseller invitation, tracked until it is indirect', async () => {
    const { under, ga } = await resellerWithProvider();
    await ga.say('add a customer');
    await ga.click('Add', { name: 'Fabrikam', domain: 'fabrikam.com' });
    await ga.click('Yes: products and subscriptions show');
    await ga.click('Direct bill (1)');
    expect(ga.text()).to.match(/Fabrikam\*\* \(fabrikam\\\.com\): Direct bill · not moved yet/);
    await ga.click('Move 1');
    expect(ga.text()).to.match(/Move a direct bill customer to your provider/);
    expect(JSON.stringify(ga.cards())).to.contain('"value":"fabrikam.com"');
    await ga.click('Write the email', { company: 'Fabrikam', domain: 'fabrikam.com', email: 'it@fabrikam.com', providerTenantId: 'tenant-p' });
    const token = findTokenInText(/Personalized link:\*\* (\S+)/.exec(ga.text())![1]!)!;
    await ga.say('customers');
    await ga.click('Direct bill (1)');
    expect(ga.text()).to.match(/invitation sent .*, waiting for the customer/);
    expect(ga.findAction('Move 1')).to.equal(undefined);
    await under.invitations.acceptCustomer(token, FABRIKAM_ACCEPTS);
    await ga.click('Customer summary');
    expect(ga.text()).to.match(/Every customer is an indirect reseller customer/);
    await ga.click('Indirect reseller (1)');
    expect(ga.text()).to.match(/with Northwind Distribution · moved to your provider · moved from direct bill/);
  });

  it('explains what each class allows', async () => {
    const chat = new TestChat(createBot(), { userId: 'grace', tenantId: 'tenant-a' });
    await chat.say('customers');
    await chat.click('What each class allows');
    expect(chat.text()).to.match(/Manage Azure reservations|You manage Azure reservations/);
    expect(chat.text()).to.match(/Your indirect provider orders products for them/);
    expect(chat.text()).to.match(/can't create tenants for new customers/);
    expect(chat.text()).to.match(/If you can add or view products and see their subscriptions/);
  });

  it('exports the classified list through a signed one-hour link bound to the tenant', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a' });
    await chat.say(CSV);
    await chat.say('export customers');
    const url = /(https:\/\/assistant\.test\/exports\/customers\/\S+)/.exec(chat.text())?.[1];
    expect(url, chat.text()).to.be.a('string');
    const token = url!.split('/').at(-1)!;
    const csv = await under.customers.exportCsv(token, (k) => k);
    expect(csv.ok && csv.tenantId).to.equal('tenant-a');
    expect(csv.ok && csv.csv).to.contain('Tailspin, Inc.');
    under.clock.now = new Date(under.clock.now.getTime() + 3_600_001);
    const late = await under.customers.exportCsv(token, (k) => k);
    expect(late.ok ? 'ok' : late.problem).to.equal('expired');
  });

  it('imports a .csv file attached to a message, even in the middle of another journey', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a' });
    await chat.say('continue');
    const contentUrl = `data:text/csv;base64,${Buffer.from(CSV).toString('base64')}`;
    await chat.send({ type: ActivityTypes.Message, attachments: [{ contentType: 'text/csv', name: 'customers.csv', contentUrl }] });
    expect(chat.text()).to.match(/3 added, 0 updated/);
    const teams = [
      { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'customers.csv', content: { downloadUrl: contentUrl, fileType: 'csv' } },
    ];
    await chat.send({ type: ActivityTypes.Message, attachments: teams });
    expect(chat.text()).to.match(/0 added, 0 updated, 3 already up to date/);
  });
});
