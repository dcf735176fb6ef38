/**
 * ReminderService over a real botbuilder MemoryStorage shared by two service instances (two bot
 * instances on one store), with a fake clock, the real transition and invitation repositories as
 * the facts, and a recording `deliver` (the seam to the channel).
 */
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import { expect } from 'chai';
import { acceptInvitation, createInvitation, newInvitationRecord, type InvitationRecord, type NewInvitation } from '../../src/domain/invitations.js';
import {
  CLAIM_LEASE_MS,
  MAX_DELIVERY_ATTEMPTS,
  RETRY_STEP_MS,
  claimDueReminders,
  reminderId,
  type Reminder,
  type ReminderTarget,
} from '../../src/domain/reminders.js';
import { applyCommand, type Actor, type TransitionCommand } from '../../src/domain/transition.js';
import { ReminderService, SCHEDULE_KEY, type ReminderSchedule, type TickReport } from '../../src/reminders/reminderService.js';
import { ChangeLog, type RecordChange } from '../../src/store/changeLog.js';

/** Runs `work` inside a change window of `log` on `tenantId` (as the bot does for a turn) and returns the changes noted. */
async function captureChanges(log: ChangeLog, tenantId: string, work: () => Promise<unknown>): Promise<{ changes: RecordChange[] }> {
  const mark = log.begin(tenantId);
  try {
    await work();
  } catch (err) {
    log.end(tenantId, mark);
    throw err;
  }
  return { changes: log.end(tenantId, mark) };
}
import { createLogger } from '../../src/logger.js';
import { isETagConflict } from '../../src/store/lowdbStorage.js';
import { TenantRecords } from '../../src/store/tenantRecords.js';
import { TransitionRepository } from '../../src/store/transitionRepository.js';
import { prng } from '../../bench/stats.js';

const MIN = 60_000;
const DAY = 86_400_000;
const START = new Date('2026-11-20T09:00:00Z'); // a Friday
/** Enrolled at START: approval expected by Friday 2026-11-27, so the reminder is due the next morning. */
const APPROVAL_DUE = Date.parse('2026-11-28T09:00:00Z');
/** Incentives invitation expected 30 calendar days after enrollment. */
const INCENTIVES_DUE = Date.parse('2026-12-20T09:00:00Z');
const ga: Actor = { id: 'ga', name: 'Grace Admin' };
const details = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };
const ENROLL: TransitionCommand[] = [
  { type: 'confirmPrepared' },
  { type: 'setRole', role: 'globalAdmin' },
  { type: 'answerEligibility', answer: 'restricted' },
  { type: 'submitDetails', details },
  { type: 'confirmEnrollment', understood: true },
];
const ZERO: TickReport = { tenants: 0, claimed: 0, sent: 0, obsolete: 0, retried: 0, failed: 0 };

const approvalId = reminderId('approvalOverdue', `enrollment@${START.toISOString()}`);
const incentivesId = reminderId('incentivesInvitation', `enrollment@${START.toISOString()}`);

/** Pass-through storage that counts eTag conflicts per key and can hold the next read of one key. */
class ObservedStorage implements Storage {
  readonly conflicts = new Map<string, number>();
  private hold: { key: string; skip: number; reached: () => void; released: Promise<void> } | undefined;
  constructor(private readonly inner: Storage) {}

  /** Holds the next read of `key` (after `skip` reads of it) until `release` is called; `reached` resolves when that read starts. */
  holdNextRead(key: string, skip = 0): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    this.hold = { key, skip, reached, released };
    return { reached: reachedP, release };
  }

  async read(keys: string[]): Promise<StoreItems> {
    const hold = this.hold;
    if (hold && keys.includes(hold.key) && hold.skip-- === 0) {
      this.hold = undefined;
      hold.reached();
      await hold.released;
    }
    return this.inner.read(keys);
  }

  /** Every key written (successful or not), in order. */
  readonly writes: string[] = [];

  async write(changes: StoreItems): Promise<void> {
    this.writes.push(...Object.keys(changes));
    try {
      await this.inner.write(changes);
    } catch (err) {
      if (isETagConflict(err)) for (const key of Object.keys(changes)) this.conflicts.set(key, (this.conflicts.get(key) ?? 0) + 1);
      throw err;
    }
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

interface Delivery {
  by: string;
  tenantId: string;
  id: string;
  attempts: number;
  at: string;
  ok: boolean;
}

/** One deployment: a shared MemoryStorage, a fake clock, the fact repositories and a recording channel. */
function deployment(seed = 1) {
  const memory = new MemoryStorage();
  const storage = new ObservedStorage(memory);
  let t = START.getTime();
  const clock = () => new Date(t);
  const changeLog = new ChangeLog();
  const transitions = new TransitionRepository(memory, clock, changeLog);
  const invitations = new TenantRecords<InvitationRecord>(memory, 'invitations', newInvitationRecord, 1, clock, { changeLog });
  const deliveries: Delivery[] = [];
  /** Reminder ids whose next N deliveries fail. */
  const failing = new Map<string, number>();
  /** What a failing delivery of a reminder id throws (default: a plain Error, classified `unknown`). */
  const failWith = new Map<string, unknown>();
  const random = prng(seed);
  /** What the services logged (pino lines). */
  const logs: Array<{ level: number; msg: string }> = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) });

  const service = (instanceId: string, store: Storage = storage) =>
    new ReminderService({
      storage: store,
      transitions,
      invitations,
      instanceId,
      clock,
      logger,
      // jitter factor exactly 1: retries fall due RETRY_STEP_MS × attempts later (deliveryErrors.test.ts covers the jitter)
      random: () => 0.5,
      deliver: async (tenantId: string, reminder: Reminder) => {
        // a network call: yield a few times so the other instance gets ahead
        for (let i = Math.floor(random() * 4); i > 0; i--) await new Promise((r) => setImmediate(r));
        const fails = failing.get(reminder.id) ?? 0;
        const ok = fails === 0;
        if (!ok) failing.set(reminder.id, fails - 1);
        deliveries.push({ by: instanceId, tenantId, id: reminder.id, attempts: reminder.attempts, at: clock().toISOString(), ok });
        if (!ok) throw failWith.get(reminder.id) ?? new Error('channel unavailable');
      },
    });

  const target = (tenantId: string): ReminderTarget => ({
    conversation: { conversation: { id: `a:conv-${tenantId}` }, serviceUrl: 'https://smba.example' },
    locale: 'en-US',
    user: ga,
  });

  /** A bot turn: runs `work`, then re-plans with the captured changes (as the bot does). */
  async function turn(svc: ReminderService, tenantId: string, work: () => Promise<unknown>): Promise<void> {
    const { changes } = await captureChanges(changeLog, tenantId, work);
    await svc.afterTurn(changes, target(tenantId));
  }

  async function command(tenantId: string, cmd: TransitionCommand): Promise<void> {
    const res = await transitions.update(tenantId, (r) => applyCommand(r, cmd, ga, clock()));
    if (!res.ok) throw new Error(`${cmd.type} refused: ${JSON.stringify(res.error)}`);
  }

  const enroll = (svc: ReminderService, tenantId: string) =>
    turn(svc, tenantId, async () => {
      for (const cmd of ENROLL) await command(tenantId, cmd);
    });

  const invite = (svc: ReminderService, tenantId: string, id = 'inv1', nonce = 'n1') => {
    const input: NewInvitation = {
      kind: 'partnership',
      purpose: 'new',
      from: { tenantId, name: `Provider ${tenantId}` },
      to: { email: `rita@${tenantId}.example`, company: `Reseller of ${tenantId}` },
    };
    return turn(svc, tenantId, async () => {
      const res = await invitations.update(tenantId, (r) => createInvitation(r, input, ga, clock(), { id, nonce }));
      if (!res.ok) throw new Error(`invite refused: ${JSON.stringify(res.error)}`);
    });
  };

  async function schedule(): Promise<ReminderSchedule['due']> {
    const item = (await memory.read([SCHEDULE_KEY]))[SCHEDULE_KEY] as { record?: ReminderSchedule } | undefined;
    return item?.record?.due ?? {};
  }

  return {
    memory,
    storage,
    changeLog,
    transitions,
    invitations,
    deliveries,
    failing,
    failWith,
    /** Error lines logged (planning or tenant checks that failed). */
    errors: () => logs.filter((l) => l.level >= 50).map((l) => l.msg),
    warnings: () => logs.filter((l) => l.level === 40).map((l) => l.msg),
    service,
    turn,
    command,
    enroll,
    invite,
    schedule,
    target,
    now: clock,
    set: (ms: number) => (t = ms),
    /** Successful deliveries. */
    sent: () => deliveries.filter((d) => d.ok),
  };
}

const sum = (a: TickReport, b: TickReport): TickReport => ({
  tenants: a.tenants + b.tenants,
  claimed: a.claimed + b.claimed,
  sent: a.sent + b.sent,
  obsolete: a.obsolete + b.obsolete,
  retried: a.retried + b.retried,
  failed: a.failed + b.failed,
});

async function reminder(svc: ReminderService, tenantId: string, id: string): Promise<Reminder> {
  const r = (await svc.list(tenantId)).reminders[id];
  if (!r) throw new Error(`no reminder ${id} for ${tenantId}`);
  return r;
}

describe('ReminderService (two instances, one MemoryStorage)', () => {
  describe('planning', () => {
    it('plans from the changes a real turn captured, once per record, delivering to the turn target', async () => {
      const d = deployment();
      const a = d.service('A');
      const { changes } = await captureChanges(d.changeLog, 't1', async () => {
        for (const cmd of ENROLL) await d.command('t1', cmd);
      });
      expect(changes.map((c) => c.kind)).to.deep.equal(Array(ENROLL.length).fill('transition'));
      await a.afterTurn([{ kind: 'customers', tenantId: 't1', record: {} }, ...changes], d.target('t1'));

      const record = await a.list('t1');
      expect(record.revision, 'one write for the latest transition record').to.equal(1);
      expect(Object.keys(record.reminders)).to.have.members([approvalId, incentivesId]);
      expect(record.reminders[approvalId]).to.include({
        status: 'scheduled',
        dueAt: new Date(APPROVAL_DUE).toISOString(),
        expectedBy: '2026-11-27',
        attempts: 0,
      });
      expect(record.reminders[approvalId]!.target).to.deep.equal(d.target('t1'));
      expect(record.reminders[incentivesId]!.dueAt).to.equal(new Date(INCENTIVES_DUE).toISOString());
      expect(await d.schedule()).to.deep.equal({ t1: { at: new Date(APPROVAL_DUE).toISOString(), rev: 1 } });
    });

    it('plans from the latest record of a turn: enrolled and approved in one turn gives only the incentives reminder', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.turn(a, 't1', async () => {
        for (const cmd of [...ENROLL, { type: 'confirmApproved' }] as TransitionCommand[]) await d.command('t1', cmd);
      });
      const record = await a.list('t1');
      expect(Object.keys(record.reminders)).to.deep.equal([incentivesId]);
      expect(record.revision).to.equal(1);
    });

    it('plans invitation reminders from an invitation turn', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.invite(a, 't1');
      const record = await a.list('t1');
      expect(record.reminders['invitationPending:inv1.n1']).to.include({
        status: 'scheduled',
        label: 'Reseller of t1',
        dueAt: new Date(START.getTime() + 8 * DAY).toISOString(),
      });
      expect((await d.schedule()).t1!.at).to.equal(new Date(START.getTime() + 8 * DAY).toISOString());
    });

    it('a turn that changes nothing reminder-related writes nothing', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.turn(a, 't1', () => d.command('t1', { type: 'confirmPrepared' }));
      const record = await a.list('t1');
      expect(record.revision).to.equal(0);
      expect(await d.memory.read([a.records.key('t1'), SCHEDULE_KEY])).to.deep.equal({});
    });

    it('afterTurn never throws: a planning failure leaves the turn’s own work standing', async () => {
      const d = deployment();
      const broken: Storage = { read: (k) => d.memory.read(k), write: async () => Promise.reject(new Error('store down')), delete: (k) => d.memory.delete(k) };
      const a = d.service('A', broken);
      await d.enroll(a, 't1');
      expect((await d.transitions.get('t1')).enrollment, 'the turn’s write stands').to.not.equal(undefined);
      expect((await a.list('t1')).revision).to.equal(0);
      expect(d.errors()).to.deep.equal(['reminders: planning failed']);
    });
  });

  describe('planning after writes no turn watched (accept pages, other tenants)', () => {
    it('uses the target the tenant’s last planning turn stored; another instance reads it too', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      d.changeLog.onUnwatchedChanges((changes) => b.afterWrites(changes));
      await d.enroll(a, 't1');
      expect(await b.lastTarget('t1')).to.deep.equal(d.target('t1'));
      // approval confirmed outside any turn (a unit of work): the approval reminder is cancelled, no target needed
      await d.changeLog.work(() => d.command('t1', { type: 'confirmApproved' }));
      expect((await reminder(a, 't1', approvalId)).status).to.equal('obsolete');
      // an invitation created outside any turn: its reminder goes to the tenant's last known conversation
      const input: NewInvitation = { kind: 'partnership', purpose: 'new', from: { tenantId: 't1', name: 'P' }, to: { email: 'rita@r.example', company: 'R' } };
      await d.changeLog.work(() => d.invitations.update('t1', (r) => createInvitation(r, input, ga, d.now(), { id: 'inv9', nonce: 'n9' })));
      expect((await reminder(a, 't1', 'invitationPending:inv9.n9')).target).to.deep.equal(d.target('t1'));
    });

    it('a later turn in another conversation becomes the last known target (stored once, not rewritten per turn)', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.enroll(a, 't1');
      const elsewhere: ReminderTarget = { ...d.target('t1'), conversation: { conversation: { id: 'a:other' } } };
      const writes = () => [...d.storage.writes].filter((k) => k === 'tenants/t1/reminderTarget').length;
      const before = writes();
      await a.afterTurn([{ kind: 'transition', tenantId: 't1', record: await d.transitions.get('t1') }], d.target('t1'));
      expect(writes(), 'same target: no write').to.equal(before);
      await a.afterTurn([{ kind: 'transition', tenantId: 't1', record: await d.transitions.get('t1') }], elsewhere);
      expect(writes()).to.equal(before + 1);
      expect(await d.service('B').lastTarget('t1')).to.deep.equal(elsewhere);
    });

    it('a tenant that never planned in a turn: nothing new is planned, nothing fails, no target is stored', async () => {
      const d = deployment();
      const a = d.service('A');
      d.changeLog.onUnwatchedChanges((changes) => a.afterWrites(changes));
      await d.changeLog.work(async () => {
        for (const cmd of ENROLL) await d.command('t2', cmd);
      });
      expect((await a.list('t2')).reminders).to.deep.equal({});
      expect(await a.lastTarget('t2')).to.equal(undefined);
      expect(d.errors()).to.deep.equal([]);
    });
  });

  describe('ticks', () => {
    it('nothing is due before its time; at its time it is delivered once, by one instance', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      await d.enroll(a, 't1');
      d.set(APPROVAL_DUE - 1);
      expect(await a.tick()).to.deep.equal(ZERO);
      expect(d.deliveries).to.deep.equal([]);

      d.set(APPROVAL_DUE);
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      expect(sum(ra, rb)).to.deep.equal({ tenants: 2, claimed: 1, sent: 1, obsolete: 0, retried: 0, failed: 0 });
      expect(d.deliveries.map((x) => [x.tenantId, x.id, x.attempts])).to.deep.equal([['t1', approvalId, 1]]);
      expect(d.deliveries[0]!.by).to.equal(ra.sent === 1 ? 'A' : 'B');
      expect(await reminder(a, 't1', approvalId))
        .to.include({ status: 'sent', sentAt: new Date(APPROVAL_DUE).toISOString(), attempts: 1 })
        .and.not.have.property('claim');
      expect(await d.schedule(), 'next look: the incentives date').to.deep.equal({ t1: { at: new Date(INCENTIVES_DUE).toISOString(), rev: 3 } });

      d.set(APPROVAL_DUE + DAY);
      expect(sum(await a.tick(), await b.tick())).to.deep.equal(ZERO);
      expect(d.sent()).to.have.length(1);
    });

    for (const seed of [1, 2, 3]) {
      it(`30 tenants, three rounds, both instances ticking at once: every reminder delivered exactly once (seed ${seed})`, async () => {
        const d = deployment(seed);
        const [a, b] = [d.service('A'), d.service('B')];
        const tenants = Array.from({ length: 30 }, (_, i) => `tenant-${String(i).padStart(2, '0')}`);
        for (const [i, tenantId] of tenants.entries()) await d.enroll(i % 2 ? a : b, tenantId);
        d.set(START.getTime() + 60 * MIN); // invitations sent an hour later: due an hour after the approval reminders
        for (const [i, tenantId] of tenants.entries()) await d.invite(i % 2 ? b : a, tenantId);

        const rounds: Array<[string, number, string]> = [
          ['approval overdue', APPROVAL_DUE, approvalId],
          ['invitation pending', START.getTime() + 60 * MIN + 8 * DAY, 'invitationPending:inv1.n1'],
          ['incentives', INCENTIVES_DUE, incentivesId],
        ];
        let conflictsBefore = 0;
        for (const [label, dueAt, id] of rounds) {
          d.set(dueAt - 1);
          expect(sum(await a.tick(), await b.tick()), `${label}: nothing before its time`).to.deep.equal(ZERO);

          d.set(dueAt);
          const before = d.deliveries.length;
          const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
          const round = d.deliveries.slice(before);
          const perReminder = new Map<string, number>();
          for (const x of round) perReminder.set(`${x.tenantId}|${x.id}`, (perReminder.get(`${x.tenantId}|${x.id}`) ?? 0) + 1);
          expect([...perReminder.keys()].sort(), `${label}: each tenant's reminder`).to.deep.equal(tenants.map((t) => `${t}|${id}`));
          expect(
            [...perReminder.values()].every((n) => n === 1),
            `${label}: exactly once`,
          ).to.equal(true);
          expect(sum(ra, rb), label).to.deep.equal({ tenants: 60, claimed: 30, sent: 30, obsolete: 0, retried: 0, failed: 0 });
          expect(ra.sent, `${label}: A's report matches what A delivered`).to.equal(round.filter((x) => x.by === 'A').length);
          expect(rb.sent, `${label}: B's report matches what B delivered`).to.equal(round.filter((x) => x.by === 'B').length);
          expect(ra.tenants, `${label}: A looked at every tenant`).to.equal(30);
          expect(rb.tenants, `${label}: B looked at every tenant`).to.equal(30);
          // the claims really raced: claim writes of one instance conflicted with the other's
          const conflicts = tenants.reduce((n, t) => n + (d.storage.conflicts.get(a.records.key(t)) ?? 0), 0);
          expect(conflicts, `${label}: claim races`).to.be.greaterThan(conflictsBefore);
          conflictsBefore = conflicts;
          for (const t of tenants) expect((await reminder(a, t, id)).status, `${t} ${label}`).to.equal('sent');

          // a second pair of ticks a moment later sends nothing more
          d.set(dueAt + 1);
          await Promise.all([a.tick(), b.tick()]);
          expect(d.deliveries.length - before, `${label}: nothing sent twice`).to.equal(30);
        }
        expect(new Set(d.deliveries.map((x) => x.by)), 'both instances delivered some').to.deep.equal(new Set(['A', 'B']));
        expect(d.deliveries).to.have.length(90);
        expect(d.deliveries.every((x) => x.ok && x.attempts === 1)).to.equal(true);
        expect(d.errors(), 'conflicts are retried, not failures').to.deep.equal([]);
        // every reminder is finished: stale entries (an instance that read a claimed record late) clear on the next checks
        d.set(INCENTIVES_DUE + CLAIM_LEASE_MS);
        await Promise.all([a.tick(), b.tick()]);
        expect(await d.schedule(), 'no entry once nothing is open').to.deep.equal({});
        expect(d.deliveries).to.have.length(90);
      });
    }

    it('a reminder whose fact changed before its time is marked obsolete, not delivered', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      await d.enroll(a, 'planned');
      await d.enroll(a, 'unplanned');
      // approval confirmed in a turn: re-planned at once
      await d.turn(b, 'planned', () => d.command('planned', { type: 'confirmApproved' }));
      expect((await reminder(a, 'planned', approvalId)).status).to.equal('obsolete');
      expect((await d.schedule()).planned!.at).to.equal(new Date(INCENTIVES_DUE).toISOString());
      // approval confirmed without a re-plan (planning failed on that instance): checked again before sending
      await d.command('unplanned', { type: 'confirmApproved' });
      expect((await reminder(a, 'unplanned', approvalId)).status).to.equal('scheduled');

      d.set(APPROVAL_DUE);
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      expect(sum(ra, rb)).to.deep.equal({ tenants: 2, claimed: 1, sent: 0, obsolete: 1, retried: 0, failed: 0 });
      expect(d.deliveries).to.deep.equal([]);
      expect(await reminder(a, 'unplanned', approvalId))
        .to.include({ status: 'obsolete' })
        .and.not.have.property('claim');
      expect((await d.schedule()).unplanned!.at).to.equal(new Date(INCENTIVES_DUE).toISOString());
    });

    it('an invitation accepted on the web page (no turn) is not reminded; its reminder turns obsolete', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.invite(a, 't1');
      d.set(START.getTime() + 2 * DAY);
      const res = await d.invitations.update('t1', (r) =>
        acceptInvitation(r, { id: 'inv1', nonce: 'n1', kind: 'partnership' }, { by: { id: 'rita' }, company: 'Contoso' }, d.now()),
      );
      expect(res.ok).to.equal(true);
      d.set(START.getTime() + 8 * DAY);
      expect(await a.tick()).to.deep.equal({ tenants: 1, claimed: 1, sent: 0, obsolete: 1, retried: 0, failed: 0 });
      expect(d.deliveries).to.deep.equal([]);
      expect(await d.schedule()).to.deep.equal({});
    });

    it('a failed delivery is retried after RETRY_STEP_MS and then sent once', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      await d.enroll(a, 't1');
      d.failing.set(approvalId, 1);
      d.set(APPROVAL_DUE);
      expect(sum(...(await Promise.all([a.tick(), b.tick()])))).to.deep.include({ claimed: 1, sent: 0, retried: 1 });
      expect(await reminder(a, 't1', approvalId)).to.include({ status: 'scheduled', attempts: 1, dueAt: new Date(APPROVAL_DUE + RETRY_STEP_MS).toISOString() });
      expect(d.warnings()).to.deep.equal(['reminder delivery failed; will retry']);
      expect((await d.schedule()).t1!.at).to.equal(new Date(APPROVAL_DUE + RETRY_STEP_MS).toISOString());

      d.set(APPROVAL_DUE + RETRY_STEP_MS - 1);
      expect(sum(...(await Promise.all([a.tick(), b.tick()])))).to.deep.equal(ZERO);
      d.set(APPROVAL_DUE + RETRY_STEP_MS);
      expect(sum(...(await Promise.all([a.tick(), b.tick()])))).to.deep.include({ claimed: 1, sent: 1, retried: 0 });
      d.set(APPROVAL_DUE + 2 * RETRY_STEP_MS);
      await Promise.all([a.tick(), b.tick()]);

      expect(d.deliveries.map((x) => [x.id, x.attempts, x.ok])).to.deep.equal([
        [approvalId, 1, false],
        [approvalId, 2, true],
      ]);
      expect(await reminder(a, 't1', approvalId)).to.include({ status: 'sent', attempts: 2, sentAt: new Date(APPROVAL_DUE + RETRY_STEP_MS).toISOString() });
    });

    it(`a delivery failing every time is given up after ${MAX_DELIVERY_ATTEMPTS} attempts`, async () => {
      const d = deployment();
      const a = d.service('A');
      await d.enroll(a, 't1');
      d.failing.set(approvalId, Infinity);
      d.set(APPROVAL_DUE);
      for (let i = 0; i < 10; i++) {
        const next = (await d.schedule()).t1!.at;
        if (Date.parse(next) >= INCENTIVES_DUE) break;
        d.set(Date.parse(next));
        await a.tick();
      }
      expect(d.deliveries.map((x) => x.attempts)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(d.sent()).to.deep.equal([]);
      expect(await reminder(a, 't1', approvalId)).to.include({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
      expect((await d.schedule()).t1!.at).to.equal(new Date(INCENTIVES_DUE).toISOString());
    });

    it('a claim left by an instance that stopped is taken over after CLAIM_LEASE_MS and sent once', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      await d.enroll(a, 't1');
      d.set(APPROVAL_DUE);
      // instance "dead" claims and never records an outcome
      const dead = await a.records.update('t1', (r) => claimDueReminders(r, d.now(), 'dead'));
      expect(dead.claimed.map((r) => r.id)).to.deep.equal([approvalId]);

      expect(await b.tick()).to.deep.include({ tenants: 1, claimed: 0, sent: 0 });
      expect(d.deliveries).to.deep.equal([]);
      expect((await d.schedule()).t1!.at, 'next look: when the claim lapses').to.equal(new Date(APPROVAL_DUE + CLAIM_LEASE_MS).toISOString());

      d.set(APPROVAL_DUE + CLAIM_LEASE_MS - 1);
      expect(sum(...(await Promise.all([a.tick(), b.tick()])))).to.deep.equal(ZERO);
      expect((await reminder(a, 't1', approvalId)).claim!.by).to.equal('dead');

      d.set(APPROVAL_DUE + CLAIM_LEASE_MS);
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      expect(sum(ra, rb)).to.deep.include({ claimed: 1, sent: 1 });
      expect(d.deliveries.map((x) => [x.id, x.attempts, x.ok])).to.deep.equal([[approvalId, 2, true]]);
      expect(await reminder(a, 't1', approvalId))
        .to.include({ status: 'sent', attempts: 2 })
        .and.not.have.property('claim');
    });

    it('a cancelled reminder is never sent; restored, it is sent at the next check', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      await d.enroll(a, 't1');
      const rev = (await a.list('t1')).revision;
      const cancelled = await b.cancel('t1', approvalId, rev, ga);
      expect(cancelled.ok).to.equal(true);
      expect(await a.cancel('t1', incentivesId, rev, ga), 'an old list card').to.deep.include({ ok: false, error: { code: 'stale' } });
      expect((await d.schedule()).t1!.at).to.equal(new Date(INCENTIVES_DUE).toISOString());

      d.set(APPROVAL_DUE + DAY);
      expect(sum(...(await Promise.all([a.tick(), b.tick()])))).to.deep.equal(ZERO);
      expect(d.deliveries).to.deep.equal([]);
      const c = await reminder(a, 't1', approvalId);
      expect(c).to.include({ status: 'cancelled' });
      expect(c.cancelled).to.deep.equal({ by: ga, at: new Date(START).toISOString() });

      const restored = await a.restore('t1', approvalId, rev + 1);
      expect(restored.ok).to.equal(true);
      expect((await d.schedule()).t1!.at, 'due date passed: at once').to.equal(new Date(APPROVAL_DUE).toISOString());
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      expect(sum(ra, rb)).to.deep.include({ claimed: 1, sent: 1 });
      await Promise.all([a.tick(), b.tick()]);
      expect(d.deliveries.map((x) => [x.id, x.ok])).to.deep.equal([[approvalId, true]]);
    });
  });

  describe('classified delivery failures', () => {
    /** A Bot Connector error answer as botbuilder throws it (RestError: statusCode, body code, response headers). */
    const answer = (status: number, code: string, headers: Record<string, string> = {}) =>
      Object.assign(new Error(code), {
        name: 'RestError',
        statusCode: status,
        code,
        response: { status, bodyAsText: JSON.stringify({ error: { code, message: code } }), headers: { get: (n: string) => headers[n] } },
      });

    it('a permanent refusal (403 BotNotInConversationRoster) ends the reminder at once: failed with its reason, never tried again', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.enroll(a, 't1');
      d.failing.set(approvalId, Infinity);
      d.failWith.set(approvalId, answer(403, 'BotNotInConversationRoster'));
      d.set(APPROVAL_DUE);
      expect(await a.tick()).to.deep.equal({ tenants: 1, claimed: 1, sent: 0, obsolete: 0, retried: 0, failed: 1 });
      const r = await reminder(a, 't1', approvalId);
      expect(r).to.include({ status: 'failed', attempts: 1 }).and.not.have.property('claim');
      expect(r.lastFailure).to.deep.equal({
        kind: 'permanent',
        reason: 'removed',
        status: 403,
        code: 'BotNotInConversationRoster',
        at: new Date(APPROVAL_DUE).toISOString(),
      });
      expect(d.warnings()).to.deep.equal(['reminder not deliverable; not retried']);
      expect((await d.schedule()).t1!.at, 'next look: the incentives reminder, not a retry').to.equal(new Date(INCENTIVES_DUE).toISOString());
      d.set(APPROVAL_DUE + DAY);
      await a.tick();
      expect(d.deliveries.map((x) => x.attempts)).to.deep.equal([1]);
    });

    it('429 with a Retry-After longer than the back-off: due no sooner than it (fake clock), then sent; the failure is cleared', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.enroll(a, 't1');
      d.failing.set(approvalId, 1);
      d.failWith.set(approvalId, answer(429, 'Throttled', { 'retry-after': '7200' }));
      d.set(APPROVAL_DUE);
      expect(await a.tick()).to.deep.include({ retried: 1, failed: 0 });
      // random 0.5: Retry-After plus 5 %
      const retryAt = APPROVAL_DUE + 7_200_000 * 1.05;
      const r = await reminder(a, 't1', approvalId);
      expect(r).to.include({ status: 'scheduled', attempts: 1, dueAt: new Date(retryAt).toISOString() });
      expect(r.lastFailure).to.deep.include({ kind: 'transient', reason: 'throttled', status: 429 });
      expect((await d.schedule()).t1!.at).to.equal(new Date(retryAt).toISOString());
      d.set(retryAt - 1);
      expect(await a.tick()).to.deep.equal(ZERO);
      d.set(retryAt);
      expect(await a.tick()).to.deep.include({ sent: 1 });
      expect(await reminder(a, 't1', approvalId))
        .to.include({ status: 'sent', attempts: 2 })
        .and.not.have.property('lastFailure');
    });

    it('the bot’s own credentials refused (401): retried like any transient failure, logged as an error for the operator, given up with that reason', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.enroll(a, 't1');
      d.failing.set(approvalId, Infinity);
      d.failWith.set(approvalId, answer(401, 'BotNotRegistered'));
      d.set(APPROVAL_DUE);
      for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) {
        d.set(Date.parse((await d.schedule()).t1!.at));
        await a.tick();
      }
      expect(d.deliveries.map((x) => x.attempts)).to.deep.equal([1, 2, 3, 4, 5]);
      expect((await reminder(a, 't1', approvalId)).lastFailure).to.deep.include({ kind: 'transient', reason: 'credentials', status: 401 });
      expect(await reminder(a, 't1', approvalId)).to.include({ status: 'failed' });
      expect(d.errors()).to.have.length(MAX_DELIVERY_ATTEMPTS);
      expect(d.errors()[0]).to.match(/^reminder delivery failed; will retry \(the bot's credentials were refused/);
      expect(d.errors()[4]).to.match(/^reminder delivery failed; given up/);
    });

    it('"send here instead": a failed reminder is planned again for another chat, due at once, attempts reset; that chat becomes the last known target', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      await d.enroll(a, 't1');
      d.failing.set(approvalId, 1);
      d.failWith.set(approvalId, answer(404, 'ConversationNotFound'));
      d.set(APPROVAL_DUE + MIN);
      await a.tick();
      const rev = (await a.list('t1')).revision;
      const here = { ...d.target('t1'), conversation: { conversation: { id: 'a:other-chat' }, serviceUrl: 'https://smba.example' } };
      expect(await b.sendHere('t1', incentivesId, rev, here), 'not failed').to.deep.include({
        ok: false,
        error: { code: 'notRestorable', status: 'scheduled' },
      });
      expect(await b.sendHere('t1', approvalId, rev - 1, here), 'an old list card').to.deep.include({ ok: false, error: { code: 'stale' } });
      const res = await b.sendHere('t1', approvalId, rev, here);
      expect(res.ok).to.equal(true);
      const again = await reminder(a, 't1', approvalId);
      expect(again)
        .to.include({ status: 'scheduled', attempts: 0, dueAt: new Date(APPROVAL_DUE + MIN).toISOString() })
        .and.not.have.property('lastFailure');
      expect(again.target).to.deep.equal(here);
      expect(await a.lastTarget('t1')).to.deep.equal(here);
      expect(await a.tick()).to.deep.include({ sent: 1 });
      expect(d.sent().map((x) => [x.id, x.attempts])).to.deep.equal([[approvalId, 1]]);
    });
  });

  describe('schedule', () => {
    it('drops the tenant’s entry when nothing is open', async () => {
      const d = deployment();
      const a = d.service('A');
      await d.enroll(a, 't1');
      await d.enroll(a, 't2');
      expect(Object.keys(await d.schedule())).to.have.members(['t1', 't2']);
      await d.turn(a, 't1', async () => {
        for (const cmd of [
          { type: 'confirmApproved' },
          { type: 'confirmAgreement' },
          { type: 'setNextItem', item: 'incentives', done: true },
        ] as TransitionCommand[])
          await d.command('t1', cmd);
      });
      expect(Object.values((await a.list('t1')).reminders).map((r) => r.status)).to.deep.equal(['obsolete', 'obsolete']);
      expect(Object.keys(await d.schedule())).to.deep.equal(['t2']);
      d.set(INCENTIVES_DUE);
      await a.tick();
      expect(await d.schedule()).to.deep.equal({});
      expect(d.deliveries.map((x) => [x.tenantId, x.id])).to.have.deep.members([
        ['t2', approvalId],
        ['t2', incentivesId],
      ]);
    });

    it('an entry computed from an older revision never overwrites one from a newer revision', async () => {
      const d = deployment();
      // instance A reads the schedule through a storage whose reads can be held (a slow instance)
      const slow = new ObservedStorage(d.memory);
      const [a, b] = [d.service('A', slow), d.service('B')];
      await d.enroll(b, 't1');
      const rev = (await b.list('t1')).revision;
      expect(await d.schedule()).to.deep.equal({ t1: { at: new Date(APPROVAL_DUE).toISOString(), rev } });

      // A cancels the approval reminder (revision rev+1: next look is the incentives date) but is slow to update the schedule...
      const held = slow.holdNextRead(SCHEDULE_KEY);
      const cancelling = a.cancel('t1', approvalId, rev, ga);
      await held.reached;
      // ...meanwhile B restores it (revision rev+2: next look is the approval date again)
      expect((await b.restore('t1', approvalId, rev + 1)).ok).to.equal(true);
      expect(await d.schedule()).to.deep.equal({ t1: { at: new Date(APPROVAL_DUE).toISOString(), rev: rev + 2 } });
      held.release();
      expect((await cancelling).ok).to.equal(true);
      expect(await d.schedule(), 'the newer entry stands').to.deep.equal({ t1: { at: new Date(APPROVAL_DUE).toISOString(), rev: rev + 2 } });

      // and so the restored reminder goes out at its time
      d.set(APPROVAL_DUE);
      await b.tick();
      expect(d.sent().map((x) => x.id)).to.deep.equal([approvalId]);
    });

    it('an instance that read a claimed record late costs at most one extra check, never a second delivery', async () => {
      const d = deployment();
      const slow = new ObservedStorage(d.memory);
      let unblock!: () => void;
      const blocked = new Promise<void>((r) => (unblock = r));
      let delivering!: () => void;
      const inDeliver = new Promise<void>((r) => (delivering = r));
      const a = d.service('A');
      let a2Sent = 0;
      const a2 = new ReminderService({
        storage: d.memory,
        transitions: d.transitions,
        invitations: d.invitations,
        instanceId: 'A2',
        clock: d.now,
        deliver: async () => {
          delivering();
          await blocked;
          a2Sent++;
        },
      });
      const b = d.service('B', slow);
      await d.invite(a, 't1');
      d.set(START.getTime() + 8 * DAY);
      // A2 claims and is delivering; B finds the claim, reads the record and is slow to update the schedule
      const ta = a2.tick();
      await inDeliver;
      const held = slow.holdNextRead(SCHEDULE_KEY, 1);
      const tb = b.tick();
      await held.reached;
      unblock();
      expect(await ta).to.deep.include({ claimed: 1, sent: 1 });
      held.release();
      expect(await tb).to.deep.include({ claimed: 0, sent: 0 });
      // whatever B wrote, the next checks find nothing to send and leave no entry
      for (const at of [d.now().getTime() + CLAIM_LEASE_MS, d.now().getTime() + 2 * CLAIM_LEASE_MS]) {
        d.set(at);
        expect((await Promise.all([a.tick(), b.tick()])).every((r) => r.claimed === 0 && r.sent === 0)).to.equal(true);
      }
      expect(await d.schedule()).to.deep.equal({});
      expect((await a.list('t1')).reminders['invitationPending:inv1.n1']).to.include({ status: 'sent', attempts: 1 });
      expect(a2Sent, 'sent once, by A2').to.equal(1);
      expect(d.deliveries, 'and never by A or B').to.deep.equal([]);
    });

    it('a newer revision replaces an older entry whichever instance writes it', async () => {
      const d = deployment();
      const [a, b] = [d.service('A'), d.service('B')];
      await d.enroll(a, 't1');
      const rev = (await a.list('t1')).revision;
      await b.cancel('t1', approvalId, rev, ga);
      expect(await d.schedule()).to.deep.equal({ t1: { at: new Date(INCENTIVES_DUE).toISOString(), rev: rev + 1 } });
      await a.cancel('t1', incentivesId, rev + 1, ga);
      expect(await d.schedule()).to.deep.equal({});
    });
  });
});
