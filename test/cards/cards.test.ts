import { createRequire } from 'node:module';
import { expect } from 'chai';
import { submitSchema } from '../../dialogs/submits.js';
import { TestChat, createBot } from '../support/chat.js';

const require = createRequire(import.meta.url);
// adaptivecards' lib/ cannot be imported by plain Node ESM; its UMD build can (TOOLCHAIN.md).
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void; validateProperties(): { validationEvents: Array<{ message: string }> } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

/** Drives the bot through every branch and returns every card it sent. */
async function collectCards(): Promise<Array<Record<string, unknown>>> {
  const details = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };
  const under = createBot();
  const ga = new TestChat(under);
  await ga.say('hi');
  await ga.click('Start the checklist');
  await ga.click('Both are current');
  await ga.say('status');
  await ga.say('plan');
  await ga.say('start over');
  await ga.click('Keep my progress');
  await ga.click('Global admin');
  await ga.click('No');
  await ga.click('My status has changed: ask again');
  await ga.click("Yes, it's Restricted");
  await ga.click('Check my details', { ...details, primaryContactEmail: 'x@gmail.com' });
  await ga.click('Check my details', details);
  await ga.click("I've selected Enroll now", { understood: 'false' });
  await ga.click("I've selected Enroll now", { understood: 'true' });
  await ga.click("It's approved");
  await ga.click("I've accepted the agreement");
  for (let i = 0; i < 7; i++) await ga.click('Mark done');
  await ga.click('Reopen'); // the list card, updated in place, offers Mark done again
  const agent = new TestChat(under, { userId: 'agent', userName: 'Alan', conversationId: 'c2', tenantId: 'tenant-b' });
  await agent.say('continue');
  await agent.click('Both are current');
  await agent.click('Sales agent');
  await agent.click("Yes, it's Restricted");
  const partner = new TestChat(under, { userId: 'p', userName: 'Pat', conversationId: 'c3' });
  await partner.say('hi');
  await partner.click('Find a provider');
  await partner.click('Next', { country: 'DE' });
  await partner.click('Show matching providers', { priorities: 'training,language' });
  await partner.click('Compare selected', { selected: 'alpha-distribution,beta-cloud,gamma-nordic' });
  await partner.click('Add to shortlist');
  await partner.click('Mark as contacted');
  await partner.click('Choose this provider');
  await partner.say('status');
  await partner.say('providers in Brazil');
  await partner.say("I'm a provider");
  await partner.click('Show our listing', { providerId: 'alpha-distribution' });
  // invitations and relationships
  const pat = new TestChat(under, { userId: 'pat', userName: 'Pat', conversationId: 'c4', tenantId: 'tenant-p' });
  await pat.say('invitations');
  await pat.click('Save', { side: 'provider', name: '' });
  await pat.click('Save', { side: 'provider', name: 'Northwind', partnerId: '7654321' });
  await pat.click('Add a customer for a reseller');
  await pat.click('Helpdesk agent');
  await pat.click('My role is different');
  await pat.click('Sales agent');
  await pat.click('Request a partnership');
  await pat.click('Write the email', { email: 'bad' });
  await pat.click('Write the email', { email: 'ada@contoso.com', company: 'Contoso' });
  const link = /Personalized link:\*\* (\S+)/.exec(pat.text())![1]!;
  await pat.click('Save my edits', { body: 'no link' });
  await pat.click('Done');
  await pat.click('Invitations');
  await pat.click('Revoke 1');
  await pat.click('Keep it');
  await ga.say(link);
  await ga.click('Authorize indirect provider', { consent: 'true' });
  await ga.say('invitations');
  await ga.click('Save', { side: 'reseller', name: 'Contoso' });
  await ga.click('Invite a customer');
  await ga.click('With my provider');
  await ga.click('Move a direct bill customer');
  await ga.click('Relationships');
  await pat.say('invitations');
  await pat.click('Reseller as support contact');
  await pat.click('Done in Partner Center: record it', { resellerTenantId: 'tenant-a', customer: 'Wingtip' });
  const lone = new TestChat(under, { userId: 'lone', conversationId: 'c5', tenantId: 'tenant-l' });
  await lone.say('I have an invitation');
  await lone.submit({ verb: 'invitations.org', side: 'provider', name: 'Lone Distribution' });
  await lone.submit({ verb: 'invitations.role', role: 'adminAgent' });
  await lone.submit({ verb: 'invitations.followUp', type: 'newCustomer' });
  await lone.submit({ verb: 'invitations.org', side: 'reseller', name: 'Lone Reseller' });
  await lone.say('invitations');
  await lone.click('Move a direct bill customer');
  // customer classification
  await ga.say('customers');
  await ga.click('Add a customer');
  await ga.click('Add', { name: 'Fabrikam', domain: 'bad' });
  await ga.click('Add', { name: 'Fabrikam', domain: 'fabrikam.com' });
  await ga.click('Yes: products and subscriptions show');
  await ga.click('Import CSV');
  await ga.click('Import', { csv: 'only words' });
  await ga.click('Import', { csv: 'Name,Domain\nTailspin,tailspin.com\nBad,bad\nWingtip,wingtip.com' });
  await ga.click('Classify 2 unknown');
  await ga.click('No: those options are missing', { provider: 'tenant:tenant-p' });
  await ga.click('Not sure, ask me later');
  await ga.click('Direct bill (1)');
  await ga.click('Move 1');
  await ga.say('customers');
  await ga.click('Indirect reseller (1)');
  await ga.click('Customer summary');
  await ga.click('What each class allows');
  await lone.say('customers');
  return [...ga.transcript, ...agent.transcript, ...partner.transcript, ...pat.transcript, ...lone.transcript].flatMap((a) =>
    (a.attachments ?? []).map((x) => x.content as Record<string, unknown>),
  );
}

describe('Adaptive Cards: every card the bot sends', () => {
  let cards: Array<Record<string, unknown>>;
  before(async () => {
    cards = await collectCards();
  });

  it('covers every template', () => {
    const titles = cards.map((c) => JSON.stringify(c));
    expect(cards.length).to.be.greaterThan(20);
    for (const marker of [
      'Find a provider',
      'Show matching providers',
      '"type":"Table"',
      'Choose this provider',
      'Contacting',
      "Your tenant's shortlist",
      'No provider in this directory',
      'appears to partners',
      'Start the checklist',
      'Both are current',
      'Global admin',
      'What to gather',
      'Check my details',
      'There is no rollback',
      "It's approved",
      'Accept and continue',
      'Mark done',
      'The whole plan',
      'Recent activity',
      'Start over?',
      'This step is for your global admin',
      'is complete',
      'Your company',
      'Your Partner Center role',
      'This needs another role',
      'Write the email',
      'Your invitation email',
      'Invitation on its way',
      'Revoke this invitation?',
      'asks to be your indirect provider',
      'is now your indirect provider',
      'Invite a customer',
      'Move a direct bill customer to your provider',
      'Relationships',
      'Make the reseller the designated support contact',
      'No indirect resellers yet',
      'Review an invitation',
      'no indirect provider yet',
      'Your customers',
      'Add a customer',
      'Import customers',
      'Import finished',
      'How did you acquire',
      'Customers: Direct bill',
      'What each class allows',
      'No customers yet',
      '"minHeight":"12px"',
    ]) {
      expect(
        titles.some((t) => t.includes(marker)),
        marker,
      ).to.equal(true);
    }
  });

  it('are version 1.5 or lower and parse with the adaptivecards parser without warnings or validation errors', () => {
    for (const card of cards) {
      expect(card.type).to.equal('AdaptiveCard');
      expect(Number(card.version)).to.be.at.most(1.5);
      const ac = new AC.AdaptiveCard();
      const ctx = new AC.SerializationContext();
      ac.parse(card, ctx);
      const parseEvents = Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
      expect(parseEvents, JSON.stringify(card).slice(0, 200)).to.deep.equal([]);
      expect(ac.validateProperties().validationEvents.map((e) => e.message)).to.deep.equal([]);
    }
  });

  it('have no unexpanded template expressions', () => {
    for (const card of cards) expect(JSON.stringify(card)).to.not.match(/\$\{|\$data|\$when/);
  });

  it('only carry submit data that the bot accepts (every button works)', () => {
    const walk = (node: unknown, out: unknown[]) => {
      if (Array.isArray(node)) node.forEach((n) => walk(n, out));
      else if (node && typeof node === 'object') {
        const n = node as Record<string, unknown>;
        if (n.type === 'Action.Submit') out.push(n.data);
        // Teams (the default channel of TestChat): Action.Execute runs `{ ...data, verb }`
        if (n.type === 'Action.Execute' && n.verb !== 'refresh') out.push({ ...(n.data as object), verb: n.verb });
        Object.values(n).forEach((v) => walk(v, out));
      }
      return out;
    };
    const data = walk(cards, []);
    expect(data.length).to.be.greaterThan(30);
    for (const d of data) {
      // details form inputs arrive with the submit; the rest of the payload must parse alone
      expect(submitSchema.safeParse(d).success, JSON.stringify(d)).to.equal(true);
    }
  });
});
