import { expect } from 'chai';
import { GOOD_DETAILS, TestChat, createBot, walkChecklistToNext } from '../../support/chat.js';

/** Walks a global admin from "hi" to the what's-next list. */
async function walkToNext(chat: TestChat) {
  await chat.say('hi');
  await walkChecklistToNext(chat);
}

describe('transition checklist (dialogs through TestAdapter)', () => {
  it('greets with the welcome card listing the transition journey', async () => {
    const chat = new TestChat(createBot());
    await chat.say('hi');
    expect(chat.text()).to.match(/CSP partner assistant/);
    expect(chat.actionTitles()).to.deep.equal(['Start the checklist', 'Find a provider', 'Open invitations', 'Classify customers', 'See a listing']);
  });

  it('walks the whole checklist for a global admin, recording who did what', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkToNext(chat);
    expect(chat.text()).to.match(/What's next/);
    expect(chat.text()).to.match(/Step 8 of 8/);
    const record = await under.transitions.get('tenant-a');
    expect(record.done.enroll?.by.name).to.equal('Ada Admin');
    expect(record.enrollment?.expectedApprovalBy).to.equal('2026-11-27');
    expect(record.details?.partnerId).to.equal('1234567');
  });
});

/** Walks a global admin up to the card of `step`. */
async function walkTo(chat: TestChat, step: 'role' | 'eligibility' | 'details' | 'enroll' | 'approval') {
  await chat.say('hi');
  await chat.click('Start the checklist');
  await chat.click('Both are current');
  if (step === 'role') return;
  await chat.click('Global admin');
  if (step === 'eligibility') return;
  await chat.click("Yes, it's Restricted");
  if (step === 'details') return;
  await chat.click('Check my details', GOOD_DETAILS);
  if (step === 'enroll') return;
  await chat.click("I've selected Enroll now", { understood: 'true' });
}

describe('transition checklist branches', () => {
  it('ineligible: explains the new-tenant road and what to gather, then lets the partner re-check', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'eligibility');
    expect(chat.text()).to.match(/Restricted/);
    await chat.click('No');
    expect(chat.text()).to.match(/new indirect reseller on a new tenant/);
    expect(chat.text()).to.match(/global admin/);
    expect(chat.text()).to.match(/PartnerID/);
    expect(chat.text()).to.match(/Gmail/);
    expect(chat.text()).to.match(/legal business name/);
    expect((await under.transitions.get('tenant-a')).eligibility?.answer).to.equal('notRestricted');
    await chat.click('My status has changed: ask again');
    expect(chat.text()).to.match(/Is your direct-bill enrollment in Restricted status\?/);
  });

  it("not sure about eligibility: says where to look and doesn't record an answer", async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'eligibility');
    await chat.click("I'm not sure");
    expect(chat.text()).to.match(/Program info/);
    expect((await under.transitions.get('tenant-a')).eligibility).to.equal(undefined);
    await chat.say('yes');
    expect((await under.transitions.get('tenant-a')).eligibility?.answer).to.equal('restricted');
  });

  it('not the global admin: told who must enroll, can read the plan; the global admin then picks up in another conversation', async () => {
    const under = createBot();
    const agent = new TestChat(under, { userId: 'agent', userName: 'Alan Agent', conversationId: 'conv-agent' });
    await agent.say('continue');
    await agent.click('Both are current');
    await agent.click('Admin agent');
    expect(agent.text()).to.match(/global admin of your direct bill tenant/);
    await agent.click("Yes, it's Restricted");
    expect(agent.text()).to.match(/This step is for your global admin/);
    expect(agent.text()).to.match(/Review details/);
    await agent.click('Read the whole plan');
    expect(agent.text()).to.match(/The whole plan/);
    expect(agent.text()).to.match(/Who: your global admin/);
    // a forged details submit from the agent is refused
    await agent.submit({ verb: 'transition.details.submit', rev: (await under.transitions.get('tenant-a')).revision, ...GOOD_DETAILS });
    expect(agent.text()).to.match(/Only the global admin/);
    expect((await under.transitions.get('tenant-a')).details).to.equal(undefined);

    const ga = new TestChat(under, { userId: 'grace', userName: 'Grace Admin', conversationId: 'conv-ga' });
    await ga.say('menu');
    expect(ga.text()).to.match(/step 4 of 8/);
    await ga.click('Continue the checklist');
    expect(ga.text()).to.match(/Who you are/); // asked for her role first
    await ga.click('Global admin');
    expect(ga.text()).to.match(/Review details/);
    await ga.click('Check my details', GOOD_DETAILS);
    expect(ga.text()).to.match(/There is no rollback/);
    // the agent now sees who is the global admin
    await agent.say('continue');
    expect(agent.text()).to.match(/Grace Admin/);
  });

  it('refuses webmail and bad PartnerIDs with clear messages, keeping what was typed', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'details');
    await chat.click('Check my details', { ...GOOD_DETAILS, partnerId: 'ABC-12', primaryContactEmail: 'boss@gmail.com' });
    expect(chat.text(), 'the domain is escaped so no client turns it into a link').to.match(/gmail\\\.com is a webmail service/);
    expect(chat.text()).to.match(/PartnerID must be 4 to 10 digits/);
    const form = JSON.stringify(chat.cards()[0]);
    expect(form).to.contain('"value":"boss@gmail.com"');
    expect(form).to.contain('"value":"Contoso Ltd."');
    expect((await under.transitions.get('tenant-a')).details).to.equal(undefined);
    await chat.click('Check my details', { ...GOOD_DETAILS, legalName: '' });
    expect(chat.text()).to.match(/Legal business name is required/);
    await chat.click('Check my details', GOOD_DETAILS);
    expect(chat.text()).to.match(/Details checked and saved/);
    expect((await under.transitions.get('tenant-a')).details?.primaryContactEmail).to.equal('ops@contoso.com');
  });

  it('no rollback: needs the explicit tick, "Not now" changes nothing, typed yes is not enough', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'enroll');
    expect(chat.text()).to.match(/same tenant/);
    await chat.click("I've selected Enroll now", { understood: 'false' });
    expect(chat.text()).to.match(/Tick the box/);
    await chat.say('yes');
    expect(chat.text()).to.match(/Tick the box/);
    await chat.click('Not now');
    expect(chat.text()).to.match(/nothing has changed/);
    const r = await under.transitions.get('tenant-a');
    expect(r.enrollment).to.equal(undefined);
    expect(r.enrollmentDeclined?.by.name).to.equal('Ada Admin');
    await chat.say('continue');
    expect(chat.text()).to.match(/There is no rollback/);
  });

  it('approval later: shows the business-day date, then "approved" in a new conversation moves on', async () => {
    const under = createBot(); // enrolled on Friday 2026-11-20
    const chat = new TestChat(under);
    await walkTo(chat, 'approval');
    expect(chat.text()).to.match(/Friday, November 27, 2026/);
    expect(chat.text()).to.match(/Program info/);
    expect(chat.text()).to.match(/ops@contoso\.com/);
    await chat.click('Not yet');
    expect(chat.text()).to.match(/approved/);

    under.clock.now = new Date('2026-11-24T08:00:00Z');
    const later = new TestChat(under, { conversationId: 'conv-monday' });
    await later.say('approved');
    expect(later.text()).to.match(/Accept and continue/);
    expect((await under.transitions.get('tenant-a')).done.approval?.at).to.equal('2026-11-24T08:00:00.000Z');
  });

  it('says when the expected approval date has passed', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'approval');
    under.clock.now = new Date('2026-12-01T08:00:00Z');
    await chat.say('status');
    await chat.say('continue');
    expect(chat.text()).to.match(/That date has passed/);
  });

  it('"approved" before enrollment is explained, not recorded', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await chat.say('approved');
    expect(chat.text()).to.match(/Enrollment isn't recorded yet/);
    expect((await under.transitions.get('tenant-a')).done.approval).to.equal(undefined);
  });

  it("what's next: items are marked done with who and when, and the journey completes", async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkToNext(chat);
    expect(chat.text()).to.match(/Find an indirect provider/);
    expect(chat.text()).to.match(/within 30 days of enrollment \(by \*\*Sunday, December 20, 2026\*\*\)/);
    expect(chat.text()).to.match(/Who: your global admin/);
    const n = chat.actionTitles().filter((t) => t === 'Mark done').length;
    expect(n).to.equal(7);
    for (let i = 0; i < 7; i++) await chat.click('Mark done');
    expect(chat.text()).to.match(/Your move to indirect reseller is complete/);
    const r = await under.transitions.get('tenant-a');
    expect(Object.keys(r.nextItems)).to.have.length(7);
    expect(r.nextItems.findProvider?.by.name).to.equal('Ada Admin');
  });
});

describe('transition checklist: bad input, stale cards and commands', () => {
  it('an old card or a double click changes nothing and says so', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await chat.say('continue');
    const confirm = chat.findAction('Both are current')!;
    await chat.submit(confirm.data);
    const rev = (await under.transitions.get('tenant-a')).revision;
    await chat.submit(confirm.data); // double click
    expect(chat.text()).to.match(/That card is out of date/);
    expect((await under.transitions.get('tenant-a')).revision).to.equal(rev);
    expect(chat.text()).to.match(/Who you are/); // and shows where things stand
  });

  it('garbage text, malformed and unknown submits are refused politely and change nothing', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'role');
    const before = await under.transitions.get('tenant-a');
    await chat.say('asdf qwerty');
    expect(chat.text()).to.match(/I didn't catch that/);
    await chat.submit({ verb: 'transition.role.set', rev: 'not-a-number', role: 'globalAdmin' });
    expect(chat.text()).to.match(/couldn't read that card's answer/);
    await chat.submit({ verb: 'transition.role.set', rev: before.revision, role: 'emperor' });
    expect(chat.text()).to.match(/couldn't read that card's answer/);
    await chat.submit({ verb: 'launch.missiles' });
    expect(chat.text()).to.match(/couldn't read that card's answer/);
    await chat.submit({ verb: 'transition.details.submit', rev: before.revision, legalName: 'x'.repeat(5000) });
    expect(chat.text()).to.match(/couldn't read that card's answer/);
    await chat.submit({ verb: 'transition.agreement.confirm', rev: before.revision });
    expect(chat.text()).to.match(/isn't open yet/);
    expect(await under.transitions.get('tenant-a')).to.deep.equal(before);
    // and the journey still works
    await chat.click('Global admin');
    expect(chat.text()).to.match(/Eligibility/);
  });

  it('help, status, back, cancel, start over and menu work at any prompt', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'details');
    await chat.say('help');
    expect(chat.text()).to.match(/step 4 of 8: \*\*Review details\*\*/);
    expect(chat.text()).to.match(/start over/);
    await chat.say('status');
    expect(chat.text()).to.match(/3 of 8 steps done/);
    expect(chat.text()).to.match(/Ada Admin/);
    await chat.say('back');
    expect(chat.text()).to.match(/Going back to \*\*Eligibility\*\*/);
    await chat.say('no'); // re-answer the reviewed step by typing
    expect(chat.text()).to.match(/can't be reused/);
    await chat.click('My status has changed: ask again');
    await chat.say('yes');
    expect(chat.text()).to.match(/Review details/);
    await chat.say('cancel');
    expect(chat.text()).to.match(/Paused/);
    await chat.say('continue');
    expect(chat.text()).to.match(/Review details/);
    await chat.say('start over');
    expect(chat.text()).to.match(/Start over\?/);
    await chat.click('Keep my progress');
    expect(chat.text()).to.match(/Nothing was cleared/);
    await chat.say('start over');
    await chat.click('Yes, start over');
    expect(chat.text()).to.match(/Before you start/);
    expect((await under.transitions.get('tenant-a')).done).to.deep.equal({});
    await chat.say('menu');
    expect(chat.actionTitles()).to.include('Continue the checklist');
  });

  it('after enrollment, back and start over are refused (no rollback)', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkTo(chat, 'approval');
    await chat.say('back');
    expect(chat.text()).to.match(/can't be rolled back/);
    await chat.say('start over');
    expect(chat.text()).to.match(/no rollback/);
    expect((await under.transitions.get('tenant-a')).enrollment).to.not.equal(undefined);
  });

  it('a Teams message without a tenant is told why, and nothing is stored', async () => {
    const under = createBot();
    const chat = new TestChat(under, { tenantId: '' });
    await chat.say('continue');
    expect(chat.text()).to.match(/can't tell which Partner Center tenant/);
    expect((await under.transitions.get('')).revision).to.equal(0);
  });

  it('Web Chat (no tenant in the activity) uses the configured tenant', async () => {
    const under = createBot();
    const chat = new TestChat(under, { channelId: 'webchat', tenantId: '' });
    await chat.say('continue');
    await chat.click('Both are current');
    expect((await under.transitions.get('webchat-tenant')).done.prepare?.by.id).to.equal('user-1');
  });

  it('greets on the Web Chat join event and when added to a Teams chat', async () => {
    const chat = new TestChat(createBot());
    await chat.send({ type: 'event', name: 'webchat/join', value: { locale: 'en-US' } });
    expect(chat.actionTitles()).to.deep.equal(['Start the checklist', 'Find a provider', 'Open invitations', 'Classify customers', 'See a listing']);
    await chat.send({ type: 'conversationUpdate', membersAdded: [{ id: 'user-1', name: 'Ada' }] });
    expect(chat.text()).to.match(/CSP partner assistant/);
    await chat.send({ type: 'conversationUpdate', membersAdded: [{ id: 'bot', name: 'assistant' }] });
    expect(chat.replies).to.have.length(0);
  });
});

describe('answered cards in Teams', () => {
  it('are replaced in place by a read-only summary', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await chat.say('continue');
    const card = chat.replies.find((r) => r.attachments?.length)!;
    const action = chat.findAction('Both are current')!;
    // the card on screen has an id; the click replies to it
    chat.adapter.activeQueue.push({ ...card, id: 'card-1' });
    await chat.adapter.processActivity({
      type: 'message',
      channelId: 'msteams',
      from: { id: 'user-1', name: 'Ada Admin', aadObjectId: 'user-1' },
      recipient: { id: 'bot', name: 'assistant' },
      conversation: { id: 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
      channelData: { tenant: { id: 'tenant-a' } },
      replyToId: 'card-1',
      value: action.data,
    } as never);
    const updated = chat.adapter.activeQueue.find((a) => a.id === 'card-1');
    expect(updated?.text).to.equal('✓ Before you start: answered by Ada Admin.');
    expect(updated?.attachments).to.equal(undefined);
  });
});
