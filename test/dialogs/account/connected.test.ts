/**
 * Connected identity in the chat: roles verified in Microsoft Entra ID through the demo's fakes (the
 * fake token service's tokens, the real MSAL on-behalf-of against the fake Entra endpoint, the real
 * Graph client against the fake Graph), OAuthPrompt run by botbuilder's TestAdapter token store.
 */
import { expect } from 'chai';
import { ActivityTypes, CardFactory, MemoryStorage } from 'botbuilder';
import { DEMO_CONNECTION_NAME, startDemoIdentity, type DemoIdentity } from '../../../src/identity/connection.js';
import { TestChat, createBot, type BotUnderTest } from '../../support/chat.js';

describe('connected identity: roles verified in Microsoft Entra ID', () => {
  let identity: DemoIdentity;
  let under: BotUnderTest;

  before(async () => {
    identity = await startDemoIdentity('tenant-a');
  });
  after(() => identity.close());
  beforeEach(() => {
    under = createBot(new MemoryStorage(), undefined, undefined, undefined, identity);
  });

  /** A chat of demo person `key` (tenant-a, Teams) whose token the token service already holds (SSO done). */
  const NAMES = { dana: 'Dana Reyes', sam: 'Sam Patel', hui: 'Hui Chen', ola: 'Ola Berg' } as const;

  async function person(key: keyof typeof NAMES, magicCode?: string): Promise<TestChat> {
    const chat = new TestChat(under, { userId: `${key}-oid`, userName: NAMES[key], conversationId: `c-${key}` });
    chat.adapter.addUserToken(DEMO_CONNECTION_NAME, 'msteams', `${key}-oid`, await identity.tokenService.ssoTokenFor(key), magicCode);
    return chat;
  }

  async function withOrganization(): Promise<TestChat> {
    const dana = await person('dana');
    await dana.say('invitations');
    await dana.click('Save', { side: 'reseller', name: 'Contoso Ltd.', partnerId: '1234567' });
    return dana;
  }

  async function withVerifiedGlobalAdmin(): Promise<TestChat> {
    const dana = await withOrganization();
    await dana.say('my roles');
    return dana;
  }

  it('a global admin is verified at the first action that needs a role, and the action goes on', async () => {
    const dana = await withOrganization();
    await dana.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
    expect(dana.text()).to.match(
      /Signed in as Dana Reyes \(dana@contoso-demo\.onmicrosoft\.com\)\. Microsoft Entra ID shows your Partner Center roles: \*\*Global admin and Admin agent\*\*/,
    );
    expect(dana.text()).to.match(/Write the email/);
    const record = await under.services.checklist.read('tenant-a');
    expect(record.people['dana-oid']?.verified?.roles).to.deep.equal(['globalAdmin', 'adminAgent']);
    expect(record.done.role?.by.id).to.equal('dana-oid');
    // the Graph call went through the fake with a token minted on Dana's behalf
    expect(identity.graph.seen.some((p) => p.startsWith('/v1.0/me/transitiveMemberOf'))).to.equal(true);
  });

  it('a user outside AdminAgents (helpdesk agent) cannot send invitations, and no button or typed role changes that', async () => {
    await withVerifiedGlobalAdmin();
    const hui = await person('hui');
    await hui.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
    expect(hui.text()).to.match(
      /Microsoft Entra ID shows you as \*\*Helpdesk agent\*\*, and only Global admin, Admin agent, or Sales agent can invite customers/,
    );
    expect(hui.text()).to.match(/Your tenant's global admin: Dana Reyes/);
    expect(hui.actionTitles()).to.include('Check my roles again').and.not.include('My role is different');
    // an old role card's button, and the send itself, are refused too
    await hui.submit({ verb: 'invitations.role', role: 'globalAdmin' });
    expect(hui.text()).to.match(/Roles come from Microsoft Entra ID here/);
    await hui.submit({
      verb: 'invitations.create',
      kind: 'reseller',
      purpose: 'new',
      company: 'Fabrikam',
      domain: 'fabrikam.onmicrosoft.com',
      email: 'it@fabrikam.com',
    });
    expect(hui.text()).to.match(/Microsoft Entra ID shows you as \*\*Helpdesk agent\*\*/);
    expect((await under.invitations.invitations.get('tenant-a')).invitations).to.deep.equal([]);
    const record = await under.services.checklist.read('tenant-a');
    expect(record.people['hui-oid']?.verified?.roles).to.deep.equal(['helpdeskAgent']);
  });

  it('someone in none of the groups is told so; a sales agent may invite customers', async () => {
    await withOrganization();
    const ola = await person('ola');
    await ola.say('sign in');
    expect(ola.text()).to.match(/Microsoft Entra ID shows none of the Partner Center roles for you/);
    const sam = await person('sam');
    await sam.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
    expect(sam.text()).to.match(/\*\*Sales agent\*\*/);
    expect(sam.text()).to.match(/Write the email/);
  });

  it('not signed in yet: an OAuth card, then the magic code signs in and the held answer is replayed', async () => {
    await withOrganization();
    const sam = await person('sam', '654321');
    await sam.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
    const oauth = sam.replies.flatMap((r) => r.attachments ?? []).find((a) => a.contentType === CardFactory.contentTypes.oauthCard);
    expect(oauth, 'an OAuth card').to.not.equal(undefined);
    expect(sam.text()).to.match(/Sign in with your work account/);
    await sam.say('111111');
    expect(sam.text()).to.match(/That code didn't work/);
    // saying "sign in" again while a sign-in card waits gives a fresh card, not "didn't catch that"
    await sam.say('sign in');
    expect(sam.replies.some((r) => (r.attachments ?? []).some((a) => a.contentType === CardFactory.contentTypes.oauthCard))).to.equal(true);
    expect(sam.text()).to.not.match(/didn.t catch/);
    await sam.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
    await sam.send({ type: ActivityTypes.Message, text: '654321' });
    expect(sam.text()).to.match(/Signed in as Sam Patel/);
    expect(sam.text()).to.match(/Write the email/);
  });

  it('Teams SSO through the bot: a signin/tokenExchange invoke completes the waiting sign-in (invoke 200) and the held answer is replayed', async () => {
    await withOrganization();
    const sam = new TestChat(under, { userId: 'sam-oid', userName: 'Sam Patel', conversationId: 'c-sam' });
    const ssoToken = await identity.tokenService.ssoTokenFor('sam');
    // the token Teams sends, exchangeable for the user's token (botbuilder's TestAdapter plays the token service)
    sam.adapter.addExchangeableToken(DEMO_CONNECTION_NAME, 'msteams', 'sam-oid', 'teams-sso-item', ssoToken);
    await sam.submit({ verb: 'invitations.start', kind: 'reseller', purpose: 'new' });
    const oauth = sam.replies.flatMap((r) => r.attachments ?? []).find((a) => a.contentType === CardFactory.contentTypes.oauthCard);
    expect(oauth, 'an OAuth card (with a token exchange resource, for SSO)').to.not.equal(undefined);
    await sam.send({
      type: ActivityTypes.Invoke,
      name: 'signin/tokenExchange',
      value: { id: 'x1', connectionName: DEMO_CONNECTION_NAME, token: 'teams-sso-item' },
    });
    const answer = sam.replies.find((r) => r.type === ActivityTypes.InvokeResponse);
    expect((answer?.value as { status?: number } | undefined)?.status).to.equal(200);
    expect(sam.text()).to.match(/Signed in as Sam Patel/);
    expect(sam.text()).to.match(/Write the email/);
  });

  it('a sign-in answer with no sign-in waiting changes nothing and says nothing', async () => {
    const ola = await person('ola');
    await ola.send({ type: ActivityTypes.Invoke, name: 'signin/verifyState', value: { state: '123456' } });
    expect(ola.replies.filter((r) => r.type === ActivityTypes.Message)).to.deep.equal([]);
    await ola.send({ type: ActivityTypes.Event, name: 'tokens/response', value: { connectionName: DEMO_CONNECTION_NAME, token: 'x' } });
    expect(ola.replies.filter((r) => r.type === ActivityTypes.Message)).to.deep.equal([]);
  });

  it("the checklist's global-admin steps: sign-in replaces the role question; a sales agent is sent to the global admin", async () => {
    const dana = await person('dana');
    await dana.say('continue');
    await dana.click('Both are current');
    expect(dana.text()).to.match(/Signed in as Dana Reyes/);
    expect(dana.actionTitles()).to.not.include('Global admin');
    await under.services.checklist.apply('tenant-a', { id: 'dana-oid', name: 'Dana Reyes' }, { type: 'answerEligibility', answer: 'restricted' });
    const sam = await person('sam');
    await sam.say('continue');
    expect(sam.text()).to.match(/Signed in as Sam Patel/);
    expect(sam.text()).to.match(/This step is for your global admin/);
    expect(sam.text()).to.match(/Microsoft Entra ID shows your Partner Center roles as: Sales agent \(checked Nov 20, 2026/);
    expect(sam.text()).to.match(/Global admins of your tenant who have used this assistant: Dana Reyes/);
    expect(sam.actionTitles()).to.include('Check my roles again').and.not.include("I'm the global admin");
    await sam.say('global admin');
    const record = await under.services.checklist.read('tenant-a');
    expect(record.people['sam-oid']?.verified?.roles).to.deep.equal(['salesAgent']);
    expect(record.people['sam-oid']?.role).to.equal('salesAgent');
  });

  it('at the approval step, says Partner Center gives no such fact and keeps asking (nothing invented)', async () => {
    const dana = await person('dana');
    await dana.say('my roles');
    const actor = { id: 'dana-oid', name: 'Dana Reyes' };
    for (const command of [
      { type: 'confirmPrepared' },
      { type: 'answerEligibility', answer: 'restricted' },
      { type: 'submitDetails', details: { legalName: 'Contoso Cloud GmbH', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.example' } },
      { type: 'confirmEnrollment', understood: true },
    ] as const) {
      const result = await under.services.checklist.apply('tenant-a', actor, command);
      expect(result.ok, command.type).to.equal(true);
    }
    await dana.say('continue');
    expect(dana.text()).to.match(/Partner Center's API doesn't report the approval of the indirect reseller enrollment, so I still need you to tell me/);
    expect(dana.actionTitles()).to.include("It's approved");
  });

  it('the account card shows the verified roles with their time; sign out forgets the token', async () => {
    const dana = await person('dana');
    await dana.say('my roles');
    expect(dana.text()).to.match(/Signed in as Dana Reyes/);
    expect(dana.text()).to.match(/Your Partner Center roles, verified in Microsoft Entra ID: \*\*Global admin and Admin agent\*\*/);
    expect(dana.text()).to.match(/Checked Nov 20, 2026, 09:00 AM UTC/);
    await dana.click('Sign out');
    expect(dana.text()).to.match(/You're signed out/);
  });
});
