/**
 * ChecklistService over real storage (a lowdb store in a temp dir, and MemoryStorage), wired by the
 * app's own `composeAssistant` (through `createBot`): the same results as the domain rules applied
 * to the repository, the Mark done guard, "approved" by words, ticks from facts, the service's
 * clock, and reminders re-planned after a write no bot turn made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { expect } from 'chai';
import { applyCommand, type Actor, type TransitionCommand } from '../../src/domain/transition.js';
import { LowdbStorage } from '../../src/store/lowdbStorage.js';
import { TransitionRepository } from '../../src/store/transitionRepository.js';
import { GOOD_DETAILS, TestChat, createBot, walkChecklistToNext, type BotUnderTest } from '../support/chat.js';

const ada: Actor = { id: 'ada', name: 'Ada Admin' };
const T = 'tenant-a';
const UP_TO_APPROVAL: TransitionCommand[] = [
  { type: 'confirmPrepared' },
  { type: 'setRole', role: 'globalAdmin' },
  { type: 'answerEligibility', answer: 'restricted' },
  { type: 'submitDetails', details: GOOD_DETAILS },
  { type: 'confirmEnrollment', understood: true },
];

async function applyAll(under: BotUnderTest, commands: TransitionCommand[], tenantId = T): Promise<void> {
  for (const command of commands) {
    const result = await under.services.checklist.apply(tenantId, ada, command);
    if (!result.ok) throw new Error(`${command.type} refused: ${JSON.stringify(result.error)}`);
  }
}

describe('ChecklistService (real storage, composed as in the app)', () => {
  let dir: string;
  let under: BotUnderTest;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'checklist-service-'));
    under = createBot(new LowdbStorage({ dir }));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  describe('apply', () => {
    it('returns what the repository update with applyCommand returns, stamped with the service clock', async () => {
      const reference = new TransitionRepository(new MemoryStorage(), () => under.clock.now);
      for (const command of UP_TO_APPROVAL) {
        const mine = await under.services.checklist.apply(T, ada, command);
        const theirs = await reference.update(T, (r) => applyCommand(r, command, ada, under.clock.now));
        expect(mine, command.type).to.deep.equal(theirs);
      }
      const stored = await under.transitions.get(T);
      expect(stored.enrollment).to.include({ at: under.clock.now.toISOString() });
      expect(stored.history.at(-1)).to.deep.equal({ by: ada, at: under.clock.now.toISOString(), action: 'enroll.confirmed' });
    });

    it('refuses a stale revision and a rule violation, writing nothing', async () => {
      await applyAll(under, [{ type: 'confirmPrepared' }]);
      const before = await under.transitions.get(T);
      const stale = await under.services.checklist.apply(T, ada, { type: 'setRole', role: 'globalAdmin' }, before.revision - 1);
      expect(stale).to.deep.equal({ ok: false, error: { code: 'stale', expected: before.revision - 1, actual: before.revision }, retried: 0 });
      const early = await under.services.checklist.apply(T, ada, { type: 'confirmAgreement' }, before.revision);
      expect(early.ok === false && early.error.code).to.equal('stepNotReached');
      expect(await under.transitions.get(T)).to.deep.equal(before);
    });

    it('setRole records the declared role (the role step done from the first answer)', async () => {
      const result = await under.services.checklist.setRole(T, ada, 'adminAgent');
      expect(result.ok).to.equal(true);
      const stored = await under.services.checklist.read(T);
      expect(stored.people.ada).to.deep.equal({ name: 'Ada Admin', role: 'adminAgent', at: under.clock.now.toISOString() });
      expect(stored.done.role).to.deep.equal({ by: ada, at: under.clock.now.toISOString() });
    });
  });

  describe('setNextItem', () => {
    it('ticks and reopens; the same state again is `unchanged` with the mark (no write)', async () => {
      await applyAll(under, [...UP_TO_APPROVAL, { type: 'confirmApproved' }, { type: 'confirmAgreement' }]);
      const ticked = await under.services.checklist.setNextItem(T, ada, 'serveDirect', true);
      expect(ticked.ok && ticked.record.nextItems.serveDirect).to.deep.equal({ by: ada, at: under.clock.now.toISOString() });
      const rev = (await under.transitions.get(T)).revision;

      const again = await under.services.checklist.setNextItem(T, { id: 'bob' }, 'serveDirect', true);
      expect(again).to.deep.equal({ ok: false, error: { code: 'unchanged', mark: { by: ada, at: under.clock.now.toISOString() } }, retried: 0 });
      const reopenOpen = await under.services.checklist.setNextItem(T, ada, 'incentives', false);
      expect(reopenOpen.ok === false && reopenOpen.error).to.deep.equal({ code: 'unchanged', mark: undefined });
      expect(reopenOpen.ok === false && 'mark' in reopenOpen.error, 'the dialog tells the guard by its `mark` key').to.equal(true);
      expect((await under.transitions.get(T)).revision).to.equal(rev);

      const reopened = await under.services.checklist.setNextItem(T, ada, 'serveDirect', false);
      expect(reopened.ok && reopened.record.nextItems.serveDirect).to.equal(undefined);
    });

    it('before step 8 only "Find an indirect provider" may be ticked', async () => {
      const early = await under.services.checklist.setNextItem(T, ada, 'serveDirect', true);
      expect(early.ok === false && early.error.code).to.equal('stepNotReached');
      const anyTime = await under.services.checklist.setNextItem(T, ada, 'findProvider', true);
      expect(anyTime.ok).to.equal(true);
    });
  });

  describe('confirmApprovedIfWaiting ("approved" typed anywhere)', () => {
    it('before enrollment: not waiting, not enrolled, nothing written', async () => {
      await applyAll(under, [{ type: 'confirmPrepared' }]);
      const rev = (await under.transitions.get(T)).revision;
      expect(await under.services.checklist.confirmApprovedIfWaiting(T, ada)).to.deep.equal({ waiting: false, enrolled: false });
      expect((await under.transitions.get(T)).revision).to.equal(rev);
    });

    it('waiting for approval: records it for the actor now; asked again: enrolled, no longer waiting', async () => {
      await applyAll(under, UP_TO_APPROVAL);
      under.clock.now = new Date('2026-11-23T08:00:00Z');
      expect(await under.services.checklist.confirmApprovedIfWaiting(T, ada)).to.deep.equal({ waiting: true, enrolled: true });
      expect((await under.transitions.get(T)).done.approval).to.deep.equal({ by: ada, at: '2026-11-23T08:00:00.000Z' });
      expect(await under.services.checklist.confirmApprovedIfWaiting(T, ada)).to.deep.equal({ waiting: false, enrolled: true });
    });
  });

  describe('get (ticks from recorded facts)', () => {
    it('an indirect provider recorded without ticks gets both partnership items, credited to the acceptor; read() shows what is stored', async () => {
      await under.invitations.setOrganization('P', { id: 'pat' }, { name: 'Northwind', side: 'provider' });
      await under.services.checklist.setRole('P', { id: 'pat' }, 'globalAdmin');
      await under.services.checklist.setRole(T, ada, 'globalAdmin');
      const created = await under.invitations.create('P', { id: 'pat' }, { kind: 'partnership', purpose: 'new', to: { email: 'ada@contoso.com' } });
      if (!created.ok) throw new Error('create refused');
      const accepted = await under.invitations.acceptPartnership(new URL(created.link).pathname.split('/').pop()!, { tenantId: T, actor: ada });
      expect(accepted.ok).to.equal(true);
      // data from before the rule: the ticks are missing
      await under.transitions.update(T, (r) => ({ ok: true, record: { ...r, nextItems: {} } }));
      expect((await under.services.checklist.read(T)).nextItems).to.deep.equal({});
      const at = under.clock.now.toISOString();
      under.clock.now = new Date(under.clock.now.getTime() + 86_400_000);
      const reconciled = await under.services.checklist.get(T);
      expect(reconciled.nextItems).to.deep.equal({ findProvider: { by: ada, at }, acceptPartnership: { by: ada, at } });
      expect(await under.services.checklist.read(T)).to.deep.equal(reconciled);
    });
  });

  describe('reminders after a write no bot turn made', () => {
    it('ticking the incentives item through the service cancels its reminder; reopening plans it again for the last known conversation', async () => {
      const memory = createBot(new MemoryStorage());
      const chat = new TestChat(memory, { userId: 'ada', userName: 'Ada Admin', tenantId: T, conversationId: 'c-ada' });
      await walkChecklistToNext(chat);
      const reminders = async () => Object.fromEntries(Object.values((await memory.reminders.list(T)).reminders).map((x) => [x.kind, x]));
      expect((await reminders()).incentivesInvitation?.status).to.equal('scheduled');
      const target = (await reminders()).incentivesInvitation!.target;
      expect(target.conversation).to.deep.include({ conversation: { id: 'c-ada', isGroup: false, conversationType: 'personal', name: '' } });

      expect((await memory.services.checklist.setNextItem(T, ada, 'incentives', true)).ok).to.equal(true);
      expect((await reminders()).incentivesInvitation?.status, 'cancelled by the unit of work').to.equal('obsolete');

      expect((await memory.services.checklist.setNextItem(T, ada, 'incentives', false)).ok).to.equal(true);
      const again = (await reminders()).incentivesInvitation!;
      expect(again.status).to.equal('scheduled');
      expect(again.target, 'the tenant’s last known conversation').to.deep.equal(target);
      expect(await memory.reminders.lastTarget(T)).to.deep.equal(target);
    });

    it('a tenant that never planned in a chat gets no new reminder (no known target), and nothing fails', async () => {
      await applyAll(under, UP_TO_APPROVAL, 'quiet-tenant');
      expect(await under.reminders.lastTarget('quiet-tenant')).to.equal(undefined);
      expect((await under.reminders.list('quiet-tenant')).reminders).to.deep.equal({});
    });
  });
});
