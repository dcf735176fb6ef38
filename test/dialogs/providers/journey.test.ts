import { expect } from 'chai';
import { TestChat, createBot, walkChecklistToNext } from '../../support/chat.js';

/** Provider names in the order the result carousel shows them. */
function shownProviders(chat: TestChat): string[] {
  const carousel = chat.replies.find((r) => r.attachmentLayout === 'carousel');
  return (carousel?.attachments ?? []).map((a) => String(((a.content as { body: Array<{ text?: string }> }).body[0] ?? {}).text));
}

describe('provider discovery journey', () => {
  it('form path: country, then priorities, then a ranked shortlist with reasons', async () => {
    const chat = new TestChat(createBot());
    await chat.say('hi');
    await chat.click('Find a provider');
    expect(chat.text()).to.match(/same region/);
    expect(chat.text()).to.match(/Official Microsoft list/);
    await chat.click('Next', { country: 'DE' });
    expect(chat.text()).to.match(/What matters most to you/);
    await chat.click('Show matching providers', { priorities: 'financing' });
    expect(chat.text()).to.match(/3 providers in this directory serve Germany/);
    expect(shownProviders(chat)).to.deep.equal(['Alpha Distribution (test)', 'Gamma Nordic (test)', 'Beta Cloud (test)']);
    expect(chat.text()).to.match(/✓ Offers financing and credit terms/);
    expect(chat.text()).to.match(/\? Financing and credit terms: not stated on their public pages/);
    expect(chat.text()).to.match(/✓ Headquartered in Germany/);
  });

  it('typed question finds the same results as the form', async () => {
    const chat = new TestChat(createBot());
    await chat.say('providers in Germany with financing');
    expect(shownProviders(chat)).to.deep.equal(['Alpha Distribution (test)', 'Gamma Nordic (test)', 'Beta Cloud (test)']);
    const typedDe = new TestChat(createBot(), { conversationId: 'c-de' });
    await typedDe.say('distributors in Deutschland with credit terms');
    expect(shownProviders(typedDe)).to.deep.equal(['Alpha Distribution (test)', 'Gamma Nordic (test)', 'Beta Cloud (test)']);
  });

  it('never shows a provider that does not serve the country (CSP region rule)', async () => {
    const chat = new TestChat(createBot());
    await chat.say('providers in Australia with training');
    expect(shownProviders(chat)).to.deep.equal(['Delta Oceania (test)']);
    await chat.say('providers in Norway');
    expect(shownProviders(chat)).to.deep.equal(['Gamma Nordic (test)']);
  });

  it('no provider in the country: says so, points to the official list, offers another search', async () => {
    const chat = new TestChat(createBot());
    await chat.say('providers in Brazil');
    expect(chat.text()).to.match(/No provider in this directory serves Brazil/);
    expect(JSON.stringify(chat.cards())).to.contain('https://partnercenter.microsoft.com/partner/find-a-provider');
    expect(shownProviders(chat)).to.deep.equal([]);
    await chat.click('Try another country/region');
    expect(chat.text()).to.match(/Which country\/region is your business in/);
    await chat.say('Atlantis');
    expect(chat.text()).to.match(/couldn't find a country\/region called “Atlantis”/);
    await chat.say('Austria');
    expect(chat.text()).to.match(/What matters most/);
  });

  it('compares two or three providers side by side', async () => {
    const chat = new TestChat(createBot());
    await chat.say('providers in Germany');
    await chat.click('Compare selected', { selected: 'alpha-distribution,beta-cloud' });
    const table = JSON.stringify(chat.cards()[0]);
    expect(table).to.contain('"type":"Table"');
    expect(table).to.contain('Alpha Distribution (test)');
    expect(table).to.contain('Beta Cloud (test)');
    expect(chat.text()).to.match(/Serves Germany/);
    await chat.click('Compare selected', { selected: 'alpha-distribution' });
    expect(chat.text()).to.match(/Pick two or three providers/);
    await chat.click('Compare selected', { selected: 'alpha-distribution,beta-cloud,gamma-nordic,delta-oceania' });
    expect(chat.text()).to.match(/at most three/);
  });

  it('shortlists, marks contacted and chooses; choosing ticks the checklist item', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await chat.say('providers in Germany with training');
    await chat.click('Add to shortlist');
    expect(chat.text()).to.match(/is on your tenant's shortlist \(1 of 10\)/);
    await chat.click('Mark as contacted');
    expect(chat.text()).to.match(/reseller programme/);
    expect(chat.text()).to.match(/partnership invitation/);
    expect(chat.text()).to.match(/global admin/);
    await chat.click('Choose this provider');
    expect(chat.text()).to.match(/You chose \*\*Beta Cloud \(test\)\*\*|You chose \*\*Alpha Distribution \(test\)\*\*/);
    const choice = await under.providerChoices.get('tenant-a');
    expect(choice.chosen?.by.name).to.equal('Ada Admin');
    expect(choice.contacted).to.have.length(1);
    expect((await under.transitions.get('tenant-a')).nextItems.findProvider?.by.name).to.equal('Ada Admin');
    await chat.say('status');
    expect(chat.text()).to.match(/Your tenant's shortlist/);
    expect(chat.text()).to.match(/chosen by Ada Admin/);
  });

  it('an old result card changes nothing and says so', async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await chat.say('providers in Germany');
    const old = chat.findAction('Add to shortlist')!;
    await chat.submit(old.data);
    const rev = (await under.providerChoices.get('tenant-a')).revision;
    await chat.submit(old.data);
    expect(chat.text()).to.match(/out of date/);
    expect((await under.providerChoices.get('tenant-a')).revision).to.equal(rev);
  });

  it('the shortlist is shared by the tenant: a colleague sees it', async () => {
    const under = createBot();
    const ada = new TestChat(under);
    await ada.say('providers in Germany');
    await ada.click('Add to shortlist');
    const colleague = new TestChat(under, { userId: 'bob', userName: 'Bob', conversationId: 'c-bob' });
    await colleague.say('providers in Austria');
    await colleague.say('status');
    expect(colleague.text()).to.match(/added by Ada Admin/);
  });

  it('provider side: staff see how their company appears and how to change the official listing', async () => {
    const chat = new TestChat(createBot());
    await chat.say("I'm a provider");
    expect(chat.text()).to.match(/Which provider do you work for/);
    await chat.click('Show our listing', { providerId: 'gamma-nordic' });
    expect(chat.text()).to.match(/How Gamma Nordic \(test\) appears to partners/);
    expect(chat.text()).to.match(/Microsoft representative/);
    expect(chat.text()).to.match(/Not stated/);
  });

  it("the checklist's what's-next item links to the provider journey", async () => {
    const under = createBot();
    const chat = new TestChat(under);
    await walkChecklistToNext(chat);
    await chat.click('Compare providers with me');
    expect(chat.text()).to.match(/Which country\/region is your business in/);
    expect(JSON.stringify(chat.cards()[0])).to.contain('"value":"DE"'); // prefilled from the details
  });
});
