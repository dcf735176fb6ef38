/**
 * An accepted partnership request ticks the reseller's checklist items "Find an indirect provider"
 * and "Accept your provider's partnership invitation", credited to the acceptor at acceptance time,
 * whichever path accepted it: the service call the accept page makes, the chat, or a repeated
 * acceptance. `reconcileChecklist` ticks them later for a tenant that has an indirect provider but
 * no ticks (data from before the rule). A second partnership request to a reseller the provider
 * already has is refused as `alreadyPartner`. Real bot wiring over MemoryStorage (createBot).
 */
import { expect } from 'chai';
import { findTokenInText } from '../../src/domain/invitationToken.js';
import { addIndirectProvider } from '../../src/domain/relationships.js';
import { PARTNERSHIP_ITEMS, applyCommand, type Actor, type TransitionRecord } from '../../src/domain/transition.js';
import type { ServiceResult } from '../../src/invitations/invitationService.js';
import { TestChat, createBot, type BotUnderTest } from '../support/chat.js';

const P = 'P';
const R = 'R';
const pat: Actor = { id: 'pat', name: 'Pat Provider' };
const rita: Actor = { id: 'rita', name: 'Rita Reseller' };
const MINUTE = 60_000;

function value<T>(res: ServiceResult<T>): T {
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res.error)}`);
  return res;
}

function later(under: BotUnderTest, ms: number): void {
  under.clock.now = new Date(under.clock.now.getTime() + ms);
}

async function declareGlobalAdmin(under: BotUnderTest, tenantId: string, actor: Actor): Promise<void> {
  const res = await under.transitions.update(tenantId, (r) => applyCommand(r, { type: 'setRole', role: 'globalAdmin' }, actor, under.clock.now));
  if (!res.ok) throw new Error('setRole refused');
}

/** Provider P (Northwind, Pat global admin) sends a partnership request to Rita at Contoso; R's Rita is a global admin. */
async function requestToContoso(under = createBot()): Promise<{ under: BotUnderTest; token: string; link: string }> {
  await declareGlobalAdmin(under, P, pat);
  value(await under.invitations.setOrganization(P, pat, { name: 'Northwind Distribution', partnerId: '7654321', side: 'provider' }));
  await declareGlobalAdmin(under, R, rita);
  const created = value(
    await under.invitations.create(P, pat, { kind: 'partnership', purpose: 'new', to: { email: 'rita@contoso.com', company: 'Contoso Ltd.' } }),
  );
  return { under, link: created.link, token: findTokenInText(created.link)! };
}

/** Removes the partnership ticks from a tenant's stored checklist, as in data from before the rule. */
async function dropTicks(under: BotUnderTest, tenantId: string): Promise<TransitionRecord> {
  const res = await under.transitions.update(tenantId, (r) => {
    const copy = structuredClone(r);
    for (const item of PARTNERSHIP_ITEMS) delete copy.nextItems[item];
    return { ok: true as const, record: copy };
  });
  for (const item of PARTNERSHIP_ITEMS) expect(res.record.nextItems[item], item).to.equal(undefined);
  return res.record;
}

const acceptances = (r: TransitionRecord) => r.history.filter((h) => h.action === 'next.partnership.accepted');

describe('partnership acceptance ticks the reseller checklist (InvitationService over the real bot wiring)', () => {
  it("the accept page's call ticks both items for the acceptor at acceptance time, even at step 1", async () => {
    const { under, token } = await requestToContoso();
    const before = await under.transitions.get(R);
    expect(before.nextItems).to.deep.equal({});
    expect(before.done.prepare, 'the checklist has not even started').to.equal(undefined);
    later(under, 2 * 3_600_000);
    const acceptedAt = under.clock.now.toISOString();

    const res = value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
    expect(res.alreadyAccepted).to.equal(false);
    expect(res.invitation.accepted).to.deep.include({ by: rita, at: acceptedAt, tenantId: R });

    const after = await under.transitions.get(R);
    for (const item of PARTNERSHIP_ITEMS) expect(after.nextItems[item], item).to.deep.equal({ by: rita, at: acceptedAt });
    expect(Object.keys(after.nextItems).sort()).to.deep.equal(['acceptPartnership', 'findProvider']);
    expect(after.revision).to.equal(before.revision + 1);
    expect(acceptances(after)).to.deep.equal([{ by: rita, at: acceptedAt, action: 'next.partnership.accepted' }]);
    expect(after.done.next).to.equal(undefined);
    expect((await under.transitions.get(P)).nextItems, "the provider's checklist is untouched").to.deep.equal({});
  });

  it('accepting again (alreadyAccepted) keeps the first marks and does not bump the revision again', async () => {
    const { under, token } = await requestToContoso();
    value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
    const first = await under.transitions.get(R);
    later(under, 10 * MINUTE);
    const again = value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: { id: 'rita2', name: 'Rita Again' } }));
    expect(again.alreadyAccepted).to.equal(true);
    const second = await under.transitions.get(R);
    expect(second.revision).to.equal(first.revision);
    expect(second.nextItems).to.deep.equal(first.nextItems);
    expect(acceptances(second)).to.have.length(1);
    expect((await under.invitations.relationships.get(R)).indirectProviders).to.have.length(1);
  });

  it('accepting again after the ticks were lost ticks them again, credited to the original acceptance', async () => {
    const { under, token } = await requestToContoso();
    value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
    const acceptedAt = (await under.transitions.get(R)).nextItems.acceptPartnership!.at;
    const dropped = await dropTicks(under, R);
    later(under, 3_600_000);
    const again = value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
    expect(again.alreadyAccepted).to.equal(true);
    const after = await under.transitions.get(R);
    for (const item of PARTNERSHIP_ITEMS) expect(after.nextItems[item], item).to.deep.equal({ by: rita, at: acceptedAt });
    expect(after.revision).to.equal(dropped.revision + 1);
  });

  it('another tenant cannot reuse the link, and its checklist is not ticked', async () => {
    const { under, token } = await requestToContoso();
    value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
    const olga: Actor = { id: 'olga', name: 'Olga Other' };
    await declareGlobalAdmin(under, 'X', olga);
    const res = await under.invitations.acceptPartnership(token, { tenantId: 'X', actor: olga });
    expect(res.ok).to.equal(false);
    expect((await under.transitions.get('X')).nextItems).to.deep.equal({});
  });

  it('a refused acceptance (not a global admin) ticks nothing', async () => {
    const { under, token } = await requestToContoso();
    const hank: Actor = { id: 'hank', name: 'Hank Helpdesk' };
    const res = await under.transitions.update(R, (r) => applyCommand(r, { type: 'setRole', role: 'helpdeskAgent' }, hank, under.clock.now));
    expect(res.ok).to.equal(true);
    const before = await under.transitions.get(R);
    const refused = await under.invitations.acceptPartnership(token, { tenantId: R, actor: hank });
    expect(refused.ok).to.equal(false);
    if (!refused.ok) expect(refused.error.code).to.equal('roleRequired');
    const after = await under.transitions.get(R);
    expect(after.nextItems).to.deep.equal({});
    expect(after.revision).to.equal(before.revision);
  });

  describe('reconcileChecklist', () => {
    it('ticks a tenant that has an indirect provider but no ticks, crediting who accepted and when', async () => {
      const { under, token } = await requestToContoso();
      value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
      const acceptedAt = (await under.invitations.invitations.get(P)).invitations[0]!.accepted!.at;
      const dropped = await dropTicks(under, R);
      later(under, 5 * 86_400_000);

      const reconciled = await under.invitations.reconcileChecklist(R);
      for (const item of PARTNERSHIP_ITEMS) expect(reconciled.nextItems[item], item).to.deep.equal({ by: rita, at: acceptedAt });
      expect(reconciled.revision).to.equal(dropped.revision + 1);
      expect(await under.transitions.get(R), 'what it returns is what is stored').to.deep.equal(reconciled);

      const again = await under.invitations.reconcileChecklist(R);
      expect(again.revision, 'nothing missing: no write').to.equal(reconciled.revision);
      expect(again).to.deep.equal(reconciled);
    });

    it('ticks only the missing item when the provider journey already ticked "Find an indirect provider"', async () => {
      const { under, token } = await requestToContoso();
      value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
      await dropTicks(under, R);
      const ada: Actor = { id: 'ada', name: 'Ada Admin' };
      const chose = await under.transitions.update(R, (r) => applyCommand(r, { type: 'setNextItem', item: 'findProvider', done: true }, ada, under.clock.now));
      expect(chose.ok).to.equal(true);
      const reconciled = await under.invitations.reconcileChecklist(R);
      expect(reconciled.nextItems.findProvider?.by).to.deep.equal(ada);
      expect(reconciled.nextItems.acceptPartnership?.by).to.deep.equal(rita);
    });

    it("falls back to the tenant and the partnership's date when the invitation is not found", async () => {
      const under = createBot();
      const since = under.clock.now.toISOString();
      await under.invitations.relationships.update('OLD', (r) => ({
        ok: true,
        record: addIndirectProvider(r, { tenantId: 'P-OLD', name: 'Old Provider' }, 'gone', under.clock.now),
      }));
      later(under, 86_400_000);
      const reconciled = await under.invitations.reconcileChecklist('OLD');
      for (const item of PARTNERSHIP_ITEMS) expect(reconciled.nextItems[item], item).to.deep.equal({ by: { id: 'OLD' }, at: since });
    });

    it('changes nothing for a tenant without an indirect provider', async () => {
      const under = createBot();
      await declareGlobalAdmin(under, R, rita);
      const before = await under.transitions.get(R);
      const reconciled = await under.invitations.reconcileChecklist(R);
      expect(reconciled).to.deep.equal(before);
      expect((await under.transitions.get(R)).revision).to.equal(before.revision);
    });

    it('opening the checklist in the chat (status) reconciles the stored ticks', async () => {
      const { under, token } = await requestToContoso();
      value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
      await dropTicks(under, R);
      const chat = new TestChat(under, { userId: 'rita', userName: 'Rita Reseller', tenantId: R, conversationId: 'c-status' });
      await chat.say('status');
      const stored = await under.transitions.get(R);
      for (const item of PARTNERSHIP_ITEMS) expect(stored.nextItems[item]?.by, item).to.deep.equal(rita);
    });
  });

  describe('a second partnership request to the same reseller', () => {
    // [case, recipient, refused as alreadyPartner]
    const cases: Array<[string, Record<string, string>, boolean]> = [
      ['the same email', { email: 'rita@contoso.com', company: 'Contoso Ltd.' }, true],
      ['the same email, no company', { email: 'RITA@contoso.com' }, true],
      ['someone else at the same work domain', { email: 'bob@contoso.com', company: 'Other name' }, true],
      ['the same company from a webmail address', { email: 'contoso.owner@gmail.com', company: 'CONTOSO LTD.' }, true],
      ['a different company', { email: 'fay@fabrikam.com', company: 'Fabrikam' }, false],
      ['a webmail address and no company', { email: 'someone@gmail.com' }, false],
    ];
    for (const [label, to, refused] of cases) {
      it(`${refused ? 'is refused' : 'is allowed'}: ${label}`, async () => {
        const { under, token } = await requestToContoso();
        value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
        const link = (await under.invitations.relationships.get(P)).indirectResellers.find((l) => l.tenantId === R)!;
        expect(link).to.not.equal(undefined);
        const before = await under.invitations.invitations.get(P);
        const res = await under.invitations.create(P, pat, { kind: 'partnership', purpose: 'new', to });
        if (refused) {
          expect(res).to.deep.equal({ ok: false, error: { code: 'alreadyPartner', reseller: link } });
          expect(await under.invitations.invitations.get(P), 'nothing written').to.deep.equal(before);
        } else {
          expect(res.ok).to.equal(true);
          expect((await under.invitations.invitations.get(P)).invitations).to.have.length(before.invitations.length + 1);
        }
      });
    }

    it('is allowed again once the reseller is no longer in the provider list', async () => {
      const { under, token } = await requestToContoso();
      value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
      await under.invitations.relationships.update(P, (r) => ({ ok: true, record: { ...r, indirectResellers: [] } }));
      const res = await under.invitations.create(P, pat, { kind: 'partnership', purpose: 'new', to: { email: 'rita@contoso.com' } });
      expect(res.ok).to.equal(true);
    });
  });

  describe('the chat path gives the same ticks as the page path', () => {
    async function acceptInChat(): Promise<BotUnderTest> {
      const { under, link } = await requestToContoso();
      const chat = new TestChat(under, { userId: 'rita', userName: 'Rita Reseller', tenantId: R, conversationId: 'c-rita' });
      await chat.say(`We got this: ${link}`);
      expect(chat.text()).to.match(/Northwind Distribution asks to be your indirect provider/);
      await chat.click('Authorize indirect provider', { consent: 'true' });
      expect(chat.text()).to.match(/Northwind Distribution is now your indirect provider/);
      // a second click on the same card: already accepted, nothing more ticked
      await chat.click('Authorize indirect provider', { consent: 'true' });
      expect(chat.text()).to.match(/already accepted this request/);
      return under;
    }
    async function acceptOnPage(): Promise<BotUnderTest> {
      const { under, token } = await requestToContoso();
      value(await under.invitations.acceptPartnership(token, { tenantId: R, actor: rita }));
      return under;
    }

    it('both paths: the same marks, one history entry, the same relationships', async () => {
      const [chat, page] = [await acceptInChat(), await acceptOnPage()];
      const [fromChat, fromPage] = [await chat.transitions.get(R), await page.transitions.get(R)];
      expect(fromChat.nextItems.findProvider).to.deep.equal({ by: rita, at: chat.clock.now.toISOString() });
      expect(fromChat.nextItems).to.deep.equal(fromPage.nextItems);
      expect(acceptances(fromChat)).to.deep.equal(acceptances(fromPage));
      expect(acceptances(fromChat)).to.have.length(1);
      expect(fromChat.revision).to.equal(fromPage.revision);
      const names = async (u: BotUnderTest) => (await u.invitations.relationships.get(R)).indirectProviders.map((p) => p.name);
      expect(await names(chat)).to.deep.equal(await names(page));
      expect(await names(chat)).to.deep.equal(['Northwind Distribution']);
    });
  });
});
