import { expect } from 'chai';
import { TestChat, createBot } from '../support/chat.js';

const GOOD_DETAILS = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };

/** Walks a global admin from "hi" to the what's-next list. */
async function walkToNext(chat: TestChat) {
  await chat.say('hi');
  await chat.click('Start the checklist');
  await chat.click('Both are current');
  await chat.click('Global admin');
  await chat.click("Yes, it's Restricted");
  await chat.click('Check my details', GOOD_DETAILS);
  await chat.click("I've selected Enroll now", { understood: 'true' });
  await chat.click("It's approved");
  await chat.click("I've accepted the agreement");
}

describe('transition checklist (dialogs through TestAdapter)', () => {
  it('greets with the welcome card listing the transition journey', async () => {
    const chat = new TestChat(createBot());
    await chat.say('hi');
    expect(chat.text()).to.match(/CSP partner assistant/);
    expect(chat.actionTitles()).to.deep.equal(['Start the checklist']);
  });

  it('walks the whole checklist for a global admin, recording who did what', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkToNext(chat);
    expect(chat.text()).to.match(/What's next/);
    expect(chat.text()).to.match(/Step 8 of 8/);
    const record = await under.journeys.get('tenant-a');
    expect(record.done.enroll?.by.name).to.equal('Ada Admin');
    expect(record.enrollment?.expectedApprovalBy).to.equal('2026-11-27');
    expect(record.details?.partnerId).to.equal('1234567');
  });
});
