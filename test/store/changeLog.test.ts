/**
 * The change log: bot turn windows (per tenant) and units of work (changes no turn watched are
 * handed to the listener once), its memory bound, and its use by real repositories.
 */
import { MemoryStorage } from 'botbuilder';
import { expect } from 'chai';
import { ChangeLog, type RecordChange } from '../../src/store/changeLog.js';
import { TransitionRepository } from '../../src/store/transitionRepository.js';
import { applyCommand } from '../../src/domain/transition.js';

const change = (tenantId: string, kind: string, n: number) => ({ tenantId, kind, record: { n } });

/** A change log whose listener records each call (and may be held until released). */
function recording() {
  const log = new ChangeLog();
  const calls: RecordChange[][] = [];
  let hold: Promise<void> | undefined;
  log.onUnwatchedChanges(async (changes) => {
    calls.push(changes);
    await hold;
  });
  return { log, calls, holdNext: (p: Promise<void>) => (hold = p) };
}

describe('change log', () => {
  describe('bot turn windows (which records a turn changed)', () => {
    it('returns the changes of its tenant noted while the window was open, in order', () => {
      const log = new ChangeLog();
      log.note(change('t1', 'transition', 0)); // no window: dropped
      const mark = log.begin('t1');
      log.note(change('t1', 'transition', 1));
      log.note(change('t2', 'transition', 9)); // another tenant
      log.note(change('t1', 'invitations', 2));
      expect(log.end('t1', mark)).to.deep.equal([change('t1', 'transition', 1), change('t1', 'invitations', 2)]);
      // closed: nothing is kept any more
      log.note(change('t1', 'transition', 3));
      const again = log.begin('t1');
      expect(log.end('t1', again)).to.deep.equal([]);
      expect(log.held).to.equal(0);
    });

    it('overlapping windows of one tenant each see what happened since they opened', () => {
      const log = new ChangeLog();
      const first = log.begin('t3');
      log.note(change('t3', 'transition', 1));
      const second = log.begin('t3');
      log.note(change('t3', 'transition', 2));
      expect(log.end('t3', first)).to.deep.equal([change('t3', 'transition', 1), change('t3', 'transition', 2)]);
      log.note(change('t3', 'transition', 3));
      expect(log.end('t3', second)).to.deep.equal([change('t3', 'transition', 2), change('t3', 'transition', 3)]);
      expect(log.held).to.equal(0);
    });

    it('an unknown window returns nothing and does not throw', () => {
      expect(new ChangeLog().end('never-opened', 0)).to.deep.equal([]);
    });

    it('two logs are independent (no module-global state)', () => {
      const [a, b] = [new ChangeLog(), new ChangeLog()];
      const mark = a.begin('t1');
      b.note(change('t1', 'transition', 1));
      expect(a.end('t1', mark)).to.deep.equal([]);
    });
  });

  describe('units of work (writes no turn watched)', () => {
    it('hands the unwatched changes to the listener when the unit ends, and leaves watched tenants to their turn', async () => {
      const { log, calls } = recording();
      const turn = log.begin('watched');
      const result = await log.work(async () => {
        log.note(change('page', 'invitations', 1));
        log.note(change('watched', 'transition', 2));
        log.note(change('page', 'transition', 3));
        return 'done';
      });
      expect(result).to.equal('done');
      expect(calls).to.deep.equal([[change('page', 'invitations', 1), change('page', 'transition', 3)]]);
      expect(log.end('watched', turn)).to.deep.equal([change('watched', 'transition', 2)]);
      expect(log.held).to.equal(0);
    });

    it('nested units hand each change over once: the inner one what was noted since it opened, the outer one the rest', async () => {
      const { log, calls } = recording();
      await log.work(async () => {
        log.note(change('a', 'transition', 1));
        await log.work(async () => log.note(change('b', 'transition', 2)));
        log.note(change('c', 'transition', 3));
      });
      expect(calls).to.deep.equal([[change('b', 'transition', 2)], [change('a', 'transition', 1), change('c', 'transition', 3)]]);
    });

    it('a unit ends only after its changes are handled, also when another unit handed them over', async () => {
      const { log, calls, holdNext } = recording();
      let release!: () => void;
      holdNext(new Promise<void>((r) => (release = r)));
      let longEnded = false;
      let finishLong!: () => void;
      const longRunning = log.work(async () => {
        log.note(change('a', 'transition', 1));
        await new Promise<void>((r) => (finishLong = r));
      });
      longRunning.then(() => (longEnded = true));
      // a short unit opened later ends first: it hands over nothing of its own, and waits for nothing
      await log.work(async () => undefined);
      expect(calls).to.deep.equal([]);
      finishLong();
      await new Promise((r) => setImmediate(r));
      expect(calls).to.have.length(1);
      expect(longEnded, 'waits for the listener').to.equal(false);
      release();
      await longRunning;
      expect(log.held).to.equal(0);
    });

    it('an overlapping unit that ends first hands over the other unit’s changes; the other waits for that handover', async () => {
      const { log, calls } = recording();
      let finishFirst!: () => void;
      const first = log.work(async () => {
        await new Promise<void>((r) => (finishFirst = r));
        log.note(change('late', 'transition', 2));
      });
      let finishSecond!: () => void;
      const second = log.work(async () => {
        log.note(change('x', 'transition', 1));
        await new Promise<void>((r) => (finishSecond = r));
      });
      finishFirst();
      await first;
      // first opened before x was noted: it handed x over too (each change once)
      expect(calls).to.deep.equal([[change('x', 'transition', 1), change('late', 'transition', 2)]]);
      finishSecond();
      await second;
      expect(calls).to.have.length(1);
      expect(log.held).to.equal(0);
    });

    it('hands over the changes made before fn threw, and rethrows', async () => {
      const { log, calls } = recording();
      let caught: unknown;
      try {
        await log.work(async () => {
          log.note(change('a', 'transition', 1));
          throw new Error('refused later');
        });
      } catch (err) {
        caught = err;
      }
      expect((caught as Error).message).to.equal('refused later');
      expect(calls).to.deep.equal([[change('a', 'transition', 1)]]);
    });

    it('keeps nothing without a listener, or outside any unit', async () => {
      const log = new ChangeLog();
      await log.work(async () => log.note(change('a', 'transition', 1)));
      expect(log.held).to.equal(0);
      const { log: withListener, calls } = recording();
      withListener.note(change('a', 'transition', 1));
      expect(withListener.held).to.equal(0);
      expect(calls).to.deep.equal([]);
    });

    it('a listener that rejects does not fail the unit', async () => {
      const log = new ChangeLog();
      log.onUnwatchedChanges(async () => Promise.reject(new Error('planner down')));
      expect(await log.work(async () => (log.note(change('a', 'transition', 1)), 42))).to.equal(42);
    });
  });

  it('a real repository notes its successful writes (and not refused ones) in the injected log', async () => {
    const log = new ChangeLog();
    const repo = new TransitionRepository(new MemoryStorage(), () => new Date('2026-11-20T09:00:00Z'), log);
    const mark = log.begin('t1');
    await repo.update('t1', (r) => applyCommand(r, { type: 'confirmPrepared' }, { id: 'a' }, new Date()));
    await repo.update('t1', (r) => applyCommand(r, { type: 'confirmAgreement' }, { id: 'a' }, new Date())); // refused: not reached
    const changes = log.end('t1', mark);
    expect(changes.map((c) => [c.kind, c.tenantId, (c.record as { revision: number }).revision])).to.deep.equal([['transition', 't1', 1]]);
  });
});
