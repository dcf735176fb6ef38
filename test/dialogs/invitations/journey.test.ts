import { expect } from 'chai';
import { findTokenInText } from '../../../src/domain/invitationToken.js';
import { TestChat, createBot, walkChecklistToNext, type BotUnderTest } from '../../support/chat.js';

/** The personalized link shown on the newest draft card of the last turn. */
function linkOnDraft(chat: TestChat): string {
  const match = /Personalized link:\*\* (\S+)/.exec(chat.text());
  if (!match) throw new Error(`no link in: ${chat.text()}`);
  return match[1]!;
}

/** A provider (tenant-p, sales agent) with its organization set, and a partnership request to Contoso's admin. */
async function providerWithRequest(under: BotUnderTest = createBot()) {
  const pat = new TestChat(under, { userId: 'pat', userName: 'Pat Provider', tenantId: 'tenant-p', conversationId: 'c-pat' });
  await pat.say('invitations');
  expect(pat.text()).to.match(/Which side of the two-tier model/);
  await pat.click('Save', { side: 'provider', name: 'Northwind Distribution', partnerId: '7654321' });
  expect(pat.text()).to.match(/Saved: \*\*Northwind Distribution\*\*, indirect provider/);
  await pat.click('Request a partnership');
  expect(pat.text()).to.match(/Which role do you hold/);
  await pat.click('Sales agent');
  expect(pat.text()).to.match(/Request a partnership with a reseller/);
  await pat.click('Write the email', { email: 'ada@contoso.com', company: 'Contoso Ltd.', name: 'Ada' });
  const link = linkOnDraft(pat);
  return { under, pat, link };
}

describe('invitations journey: provider -> reseller partnership', () => {
  it('the provider writes the request: form errors keep the values, the draft has the link, mailto and a copy page', async () => {
    const under = createBot();
    const pat = new TestChat(under, { userId: 'pat', userName: 'Pat Provider', tenantId: 'tenant-p' });
    await pat.say('invitations');
    await pat.click('Save', { side: 'provider', name: '', partnerId: '12' });
    expect(pat.text()).to.match(/Company name: required/);
    expect(pat.text()).to.match(/PartnerID \(optional\): a PartnerID is 4 to 10 digits/);
    await pat.click('Save', { side: 'provider', name: 'Northwind Distribution', partnerId: '7654321' });
    await pat.click('Request a partnership');
    await pat.click('Sales agent');
    await pat.click('Write the email', { email: 'not-an-email', company: 'Contoso Ltd.' });
    expect(pat.text()).to.match(/Reseller contact's work email|Work email: enter a valid email address/);
    expect(JSON.stringify(pat.cards())).to.contain('Contoso Ltd.');
    expect(await under.invitations.invitations.get('tenant-p')).to.have.property('revision', 0);
    await pat.click('Write the email', { email: 'ada@contoso.com', company: 'Contoso Ltd.', name: 'Ada' });
    const link = linkOnDraft(pat);
    expect(link).to.match(/^https:\/\/assistant\.test\/invitations\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const card = JSON.stringify(pat.cards());
    expect(card).to.contain('mailto:ada@contoso.com?subject=Northwind%20Distribution%20would%20like%20to%20be%20your%20indirect%20provider');
    expect(card).to.contain('https://assistant.test/invitations/draft/');
    expect(pat.text()).to.match(/Hello Ada,/);
    expect(pat.text()).to.match(/submit orders and add subscriptions for your customers/);
    // a double-clicked form creates nothing new
    await pat.click('Write the email', { email: 'ada@contoso.com', company: 'Contoso Ltd.', name: 'Ada' });
    expect(pat.text()).to.match(/already a pending invitation to \*\*ada@contoso.com\*\*/);
    expect((await under.invitations.invitations.get('tenant-p')).invitations).to.have.length(1);
  });

  it('the edited draft must keep the personalized link; Done confirms what happens next', async () => {
    const { pat, link } = await providerWithRequest();
    await pat.click('Save my edits', { body: 'Hi Ada, please accept our request.' });
    expect(pat.text()).to.match(/personalized link is missing/);
    expect(JSON.stringify(pat.cards())).to.contain('Hi Ada, please accept our request.');
    await pat.click('Save my edits', { body: `Hi Ada, please accept: ${link}` });
    expect(pat.text()).to.match(/Saved your edits/);
    expect(JSON.stringify(pat.cards())).to.contain(encodeURIComponent('Hi Ada, please accept: '));
    await pat.click('Done');
    expect(pat.text()).to.match(/Invitation on its way/);
    expect(pat.text()).to.match(/indirect resellers list/);
  });

  it("the reseller's global admin accepts in the chat: consent tick, role, both lists updated, a second click changes nothing", async () => {
    const { under, link } = await providerWithRequest();
    const ga = new TestChat(under, { userId: 'grace', userName: 'Grace Admin', tenantId: 'tenant-a', conversationId: 'c-ga' });
    await ga.say(`Hi, we got this: ${link} - can you check?`);
    expect(ga.text()).to.match(/Northwind Distribution asks to be your indirect provider/);
    expect(ga.text()).to.match(/PartnerID 7654321/);
    expect(ga.text()).to.match(/admin access to your tenant in Microsoft Entra ID/);
    expect(JSON.stringify(ga.cards())).to.match(/https:\/\/assistant\.test\/invitations\/[^"]+\?session=/);
    await ga.click('Authorize indirect provider');
    expect(ga.text()).to.match(/Tick the box/);
    await ga.click('Authorize indirect provider', { consent: 'true' });
    expect(ga.text()).to.match(/Only the global admin can accept/);
    await ga.click('Global admin');
    expect(ga.text()).to.match(/Northwind Distribution is now your indirect provider/);
    const reseller = await under.invitations.relationships.get('tenant-a');
    const provider = await under.invitations.relationships.get('tenant-p');
    expect(reseller.indirectProviders.map((p) => p.name)).to.deep.equal(['Northwind Distribution']);
    expect(provider.indirectResellers.map((p) => p.tenantId)).to.deep.equal(['tenant-a']);
    expect(provider.indirectResellers[0]!.name).to.equal('Contoso Ltd.');
    const journey = await under.transitions.get('tenant-a');
    expect(journey.nextItems.findProvider?.by.id).to.equal('grace');
    // double click / old card
    await ga.click('Authorize indirect provider', { consent: 'true' });
    expect(ga.text()).to.match(/already accepted this request/);
    expect((await under.invitations.relationships.get('tenant-a')).indirectProviders).to.have.length(1);
    // another tenant can't reuse the link
    const other = new TestChat(under, { userId: 'olga', tenantId: 'tenant-x', conversationId: 'c-x' });
    await other.say(link);
    expect(other.text()).to.match(/already been accepted, and each link works only once/);
    expect((await under.invitations.relationships.get('tenant-x')).indirectProviders).to.deep.equal([]);
  });

  it('role refusal: a helpdesk agent cannot accept, is told who can, and nothing changes', async () => {
    const { under, link } = await providerWithRequest();
    const ga = new TestChat(under, { userId: 'grace', userName: 'Grace Admin', tenantId: 'tenant-a', conversationId: 'c-ga' });
    await walkChecklistToNext(ga);
    const helpdesk = new TestChat(under, { userId: 'hal', userName: 'Hal Helpdesk', tenantId: 'tenant-a', conversationId: 'c-hal' });
    await helpdesk.say('I have an invitation');
    expect(helpdesk.text()).to.match(/Paste the link/);
    await helpdesk.say('here it is: nothing');
    expect(helpdesk.text()).to.match(/couldn't find an invitation link/);
    await helpdesk.click('Review', { link });
    await helpdesk.click('Authorize indirect provider', { consent: 'true' });
    await helpdesk.click('Helpdesk agent');
    expect(helpdesk.text()).to.match(/You told me you're \*\*Helpdesk agent\*\*, and only Global admin can accept/);
    expect(helpdesk.text()).to.match(/Your tenant's global admin: Grace Admin/);
    expect((await under.invitations.invitations.get('tenant-p')).invitations[0]!.status).to.equal('pending');
    expect((await under.invitations.relationships.get('tenant-a')).indirectProviders).to.deep.equal([]);
    // the global admin accepts; the checklist item is ticked because the journey reached step 8
    await ga.say(link);
    await ga.click('Authorize indirect provider', { consent: 'true' });
    expect(ga.text()).to.match(/is now your indirect provider/);
    expect((await under.transitions.get('tenant-a')).nextItems.acceptPartnership?.by.id).to.equal('grace');
  });

  it("the checklist's what's-next items open the invitations journey", async () => {
    const under = createBot();
    const ga = new TestChat(under, { userId: 'grace', userName: 'Grace Admin', tenantId: 'tenant-a' });
    await walkChecklistToNext(ga);
    await ga.click('Accept it with me');
    expect(ga.text()).to.match(/Paste the link from the invitation email/);
    await ga.say('continue');
    await ga.click('Move a customer with me');
    expect(ga.text()).to.match(/Your company/);
    await ga.click('Save', { side: 'reseller', name: 'Contoso Ltd.' });
    expect(ga.text()).to.match(/Move a direct bill customer to your provider/);
  });

  it('help, plan, status and cancel work inside the journey; a malformed submit changes nothing', async () => {
    const { under, pat } = await providerWithRequest();
    await pat.say('help');
    expect(pat.text()).to.match(/partnership request/);
    await pat.submit({ verb: 'invitations.resend', rev: 'x', invitationId: '!' });
    expect(pat.text()).to.match(/couldn't read that card's answer/);
    await pat.say('status');
    expect(pat.text()).to.match(/Invitations and relationships/);
    await pat.say('plan');
    expect(pat.text()).to.match(/The whole plan/);
    await pat.say('invitations');
    await pat.say('cancel');
    await pat.say('gibberish words');
    expect(pat.text()).to.match(/didn't catch that/);
    expect((await under.invitations.invitations.get('tenant-p')).revision).to.equal(1);
  });

  it('a tampered link is refused and a provider cannot accept its own request', async () => {
    const { pat, link } = await providerWithRequest();
    const tampered = link.replace(/\/invitations\/(.)/, (_m, c: string) => `/invitations/${c === 'A' ? 'B' : 'A'}`);
    await pat.say(tampered);
    expect(pat.text()).to.match(/isn't valid: it may have been changed/);
    await pat.say(link);
    expect(pat.text()).to.match(/your own company's request/);
  });

  it("the reseller's global admin declines: the provider sees it declined and the link stops working", async () => {
    const { under, pat, link } = await providerWithRequest();
    const ga = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a', conversationId: 'c-ga' });
    await ga.say(link);
    await ga.click('Decline');
    expect(ga.text()).to.match(/Which role do you hold/);
    await ga.click('Global admin');
    expect(ga.text()).to.match(/Declined\. Northwind Distribution will see/);
    await ga.say(link);
    expect(ga.text()).to.match(/was declined/);
    await pat.say('invitations');
    expect(pat.text()).to.match(/1 declined/);
  });
});

/** Partnership accepted, then Contoso (tenant-a, Grace global admin) set up as reseller. */
async function resellerWithProvider() {
  const { under, pat, link } = await providerWithRequest();
  const ga = new TestChat(under, { userId: 'grace', userName: 'Grace Admin', tenantId: 'tenant-a', conversationId: 'c-ga' });
  await ga.say(link);
  await ga.click('Authorize indirect provider', { consent: 'true' });
  await ga.click('Global admin');
  await ga.say('invitations');
  await ga.click('Save', { side: 'reseller', name: 'Contoso Ltd.', partnerId: '1234567' });
  return { under, pat, ga };
}

describe('invitations journey: reseller -> customer invitations', () => {
  it('invites a customer with the provider; the customer accepts; both lists show it', async () => {
    const { under, ga } = await resellerWithProvider();
    expect(ga.text()).to.match(/Indirect providers:\*\* Northwind Distribution/);
    await ga.click('Invite a customer');
    expect(ga.text()).to.match(/With you and your indirect provider at once/);
    await ga.click('With my provider');
    await ga.click('Write the email', { company: 'Fabrikam', domain: 'not a domain', email: 'it@fabrikam.com' });
    expect(ga.text()).to.match(/Customer's primary domain: enter a domain like/);
    await ga.click('Write the email', { company: 'Fabrikam', domain: 'Fabrikam.onmicrosoft.com', email: 'it@fabrikam.com', providerTenantId: 'tenant-p' });
    expect(ga.text()).to.match(/Contoso Ltd\. and our indirect provider Northwind Distribution would like to become/);
    const token = findTokenInText(linkOnDraft(ga))!;
    const accepted = await under.invitations.acceptCustomer(token, {
      company: 'Fabrikam',
      domain: 'fabrikam.onmicrosoft.com',
      name: 'Ines IT',
      email: 'ines@fabrikam.com',
      globalAdmin: 'on',
      consent: 'on',
    });
    expect(accepted.ok).to.equal(true);
    await ga.click('Relationships');
    expect(ga.text()).to.match(/Fabrikam \(fabrikam\.onmicrosoft\.com\): you and Northwind Distribution/);
    const provider = await under.invitations.relationships.get('tenant-p');
    expect(provider.customers.map((c) => [c.name, c.reseller?.name])).to.deep.equal([['Fabrikam', 'Contoso Ltd.']]);
    await ga.click('Invitations');
    expect(ga.text()).to.match(/Accepted by Fabrikam/);
  });

  it('customer invitations need an agent or global admin role (helpdesk refused)', async () => {
    const { under } = await resellerWithProvider();
    const hal = new TestChat(under, { userId: 'hal', tenantId: 'tenant-a', conversationId: 'c-hal' });
    await hal.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
    await hal.click('Helpdesk agent');
    expect(hal.text()).to.match(/only Global admin, Admin agent, or Sales agent can invite customers/);
    expect((await under.invitations.invitations.get('tenant-a')).invitations).to.deep.equal([]);
  });

  it('moves a direct bill customer: what changes, the caveats, and an indirect reseller invitation', async () => {
    const { under, ga } = await resellerWithProvider();
    await ga.click('Move a direct bill customer');
    expect(ga.text()).to.match(/can't order for a customer you serve as a direct bill partner/);
    expect(ga.text()).to.match(/Microsoft Store for Business has since been retired \(2023\)/);
    expect(ga.text()).to.match(/GDAP/);
    expect(ga.text()).to.match(/The invitation will include Northwind Distribution/);
    await ga.click('Write the invitation');
    await ga.click('Write the email', { company: 'Tailspin', domain: 'tailspin.com', email: 'admin@tailspin.com' });
    expect(ga.text()).to.match(/is moving your Microsoft cloud services to Northwind Distribution/);
    const token = findTokenInText(linkOnDraft(ga))!;
    await under.invitations.acceptCustomer(token, {
      company: 'Tailspin',
      domain: 'tailspin.com',
      name: 'Tom',
      email: 'tom@tailspin.com',
      globalAdmin: 'true',
      consent: 'true',
    });
    const reseller = await under.invitations.relationships.get('tenant-a');
    expect(reseller.customers[0]).to.include({ domain: 'tailspin.com', relationship: 'resellerAndProvider', movedFromDirectBill: true });
  });

  it('without a provider, moving is explained and the invitation with a provider is not offered', async () => {
    const under = createBot();
    const ga = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a' });
    await ga.say('invitations');
    await ga.click('Save', { side: 'reseller', name: 'Contoso Ltd.' });
    await ga.click('Move a direct bill customer');
    expect(ga.text()).to.match(/no indirect provider yet/);
    expect(ga.findAction('Write the invitation')).to.equal(undefined);
    await ga.click('Invite a customer');
    expect(ga.findAction('With my provider')).to.equal(undefined);
    expect(ga.findAction('With me alone')).to.not.equal(undefined);
  });
});

describe('invitations journey: the list, resend, revoke, reminders, tenants', () => {
  it('resend issues a new link (the old one is replaced), an old list card is stale, revoke asks first', async () => {
    const { under, pat, link } = await providerWithRequest();
    await pat.click('Invitations home');
    await pat.click('Invitations');
    expect(pat.text()).to.match(/1\. Contoso Ltd\. \(ada@contoso.com\)\*\*: Partnership request\. Pending 0 days/);
    const oldList = pat.findAction('Resend 1')!;
    await pat.click('Resend 1');
    expect(pat.text()).to.match(/New link issued for \*\*ada@contoso.com\*\*/);
    const newLink = linkOnDraft(pat);
    expect(newLink).to.not.equal(link);
    const old = await under.invitations.open(findTokenInText(link)!);
    expect(old.ok ? 'ok' : old.error.code === 'link' && old.error.problem).to.equal('replaced');
    await pat.submit(oldList.data);
    expect(pat.text()).to.match(/That card is out of date/);
    await pat.click('Revoke 1');
    expect(pat.text()).to.match(/Revoke this invitation\?/);
    await pat.click('Revoke');
    expect(pat.text()).to.match(/Revoked\. The link sent to \*\*ada@contoso.com\*\* no longer works/);
    const ga = new TestChat(under, { userId: 'grace', tenantId: 'tenant-a', conversationId: 'c-ga' });
    await ga.say(newLink);
    expect(ga.text()).to.match(/revoked this invitation/);
  });

  it('flags invitations pending for more than 7 days, in the hub and in the list', async () => {
    const { under, pat } = await providerWithRequest();
    under.clock.now = new Date(under.clock.now.getTime() + 8 * 86_400_000);
    await pat.say('menu');
    expect(pat.text()).to.match(/1 invitation your tenant sent has been pending for more than 7 days/);
    await pat.say('invitations');
    expect(pat.text()).to.match(/1 invitation has been pending for more than 7 days/);
    await pat.click('Invitations');
    expect(pat.text()).to.match(/Waiting 8 days: follow up or resend/);
    under.clock.now = new Date(under.clock.now.getTime() + 30 * 86_400_000);
    await pat.click('All');
    expect(pat.text()).to.match(/Expired on/);
  });

  it("one tenant can't see or change another tenant's invitations", async () => {
    const { under, pat } = await providerWithRequest();
    const before = JSON.stringify(await under.invitations.invitations.get('tenant-p'));
    const id = (await under.invitations.invitations.get('tenant-p')).invitations[0]!.id;
    const intruder = new TestChat(under, { userId: 'mallory', tenantId: 'tenant-x', conversationId: 'c-m' });
    await intruder.say('invitations');
    await intruder.click('Save', { side: 'provider', name: 'Mallory Ltd.' });
    await intruder.click('Invitations');
    expect(intruder.text()).to.match(/No invitations yet/);
    for (const value of [
      { verb: 'invitations.resend', rev: 1, invitationId: id },
      { verb: 'invitations.revoke', rev: 1, invitationId: id, confirm: true },
      { verb: 'invitations.draft.show', invitationId: id },
      { verb: 'invitations.draft.save', invitationId: id, body: 'x' },
    ]) {
      await intruder.submit(value);
      expect(intruder.text(), value.verb).to.match(/can't find that invitation|Which role/);
      if (/Which role/.test(intruder.text())) await intruder.click('Global admin');
      expect(intruder.text(), value.verb).to.match(/can't find that invitation/);
    }
    expect(JSON.stringify(await under.invitations.invitations.get('tenant-p'))).to.equal(before);
    void pat;
  });
});

describe('invitations journey: provider follow-ups', () => {
  it('adds a customer for a reseller (both lists), records PartnerID and support contact, validates each form', async () => {
    const { under, pat } = await resellerWithProvider();
    await pat.say('invitations');
    await pat.click('Add a customer for a reseller');
    expect(pat.text()).to.match(/shown only once, on the Confirmation page/);
    await pat.click('Done in Partner Center: record it', { resellerTenantId: 'tenant-a', customer: 'Wingtip' });
    expect(pat.text()).to.match(/Customer's primary domain: required/);
    await pat.click('Done in Partner Center: record it', { resellerTenantId: 'tenant-a', customer: 'Wingtip', domain: 'wingtip.com' });
    expect(pat.text()).to.match(/Recorded: Wingtip added for Contoso Ltd\./);
    expect((await under.invitations.relationships.get('tenant-a')).customers.map((c) => [c.domain, c.provider?.name])).to.deep.equal([
      ['wingtip.com', 'Northwind Distribution'],
    ]);
    await pat.click("Reseller's PartnerID on a subscription");
    expect(pat.text()).to.match(/partner location account/);
    await pat.click('Done in Partner Center: record it', { resellerTenantId: 'tenant-a', customer: 'Wingtip', subscription: 'Microsoft 365 E3' });
    expect(pat.text()).to.match(/PartnerID 1234567 of Contoso Ltd\. is on subscription Microsoft 365 E3 of Wingtip/);
    await pat.click('Reseller as support contact');
    await pat.click('Done in Partner Center: record it', { resellerTenantId: 'tenant-a', customer: 'Wingtip', subscription: 'Microsoft 365 E3' });
    expect(pat.text()).to.match(/designated support contact/);
    expect((await under.invitations.relationships.get('tenant-p')).followUps.map((f) => f.type)).to.deep.equal([
      'supportContact',
      'partnerIdOnSubscription',
      'newCustomer',
    ]);
  });
});
