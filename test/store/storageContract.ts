/**
 * Reusable behavioural contract for any botbuilder `Storage` implementation.
 *
 * Usage (inside a mocha test file):
 *   storageContract('MyStorage', async () => ({ storage: new MyStorage(), cleanup: async () => {} }));
 *
 * @module
 */
import type { Storage, StoreItems } from 'botbuilder';
import { expect } from 'chai';

/** What the factory passed to {@link storageContract} returns for each test. */
export interface StorageUnderTest {
  /** A fresh, empty storage instance. */
  storage: Storage;
  /** Optional teardown (e.g. remove temp dirs); awaited after each test. */
  cleanup?: () => Promise<void>;
}

/** Same message test as src/store/lowdbStorage.ts#isETagConflict, kept local so the contract is standalone. */
function looksLikeETagConflict(err: unknown): boolean {
  return err instanceof Error && /eTag conflict/i.test(err.message);
}

/** Awaits `p` and returns the rejection reason; fails the test if `p` resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  expect.fail('expected the promise to reject');
}

/**
 * Declares `describe("Storage contract: <name>")` with tests every botbuilder `Storage` must pass
 * (MemoryStorage semantics: eTags, isolation from caller objects, delete, multi-key writes,
 * concurrent read-modify-write with eTag retry, unusual keys).
 *
 * @param name Label used in the describe title.
 * @param makeStorage Called once per test; must return a fresh empty storage (and optional cleanup).
 */
export function storageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const made = await makeStorage();
      storage = made.storage;
      cleanup = made.cleanup;
    });

    afterEach(async () => {
      if (cleanup) await cleanup();
      cleanup = undefined;
    });

    async function readOne(key: string): Promise<StoreItems[string] | undefined> {
      const items = await storage.read([key]);
      return items[key];
    }

    it('returns {} when reading keys that do not exist', async () => {
      const items = await storage.read(['missing-1', 'missing/2']);
      expect(items).to.deep.equal({});
    });

    it('round-trips nested objects and assigns a string eTag', async () => {
      const value = {
        name: 'Contoso',
        count: 3,
        flag: true,
        nothing: null,
        nested: { list: [1, 'two', { three: 3 }], deeper: { a: { b: { c: 'd' } } } },
      };
      await storage.write({ k: value });
      const got = await readOne('k');
      expect(got).to.be.an('object');
      expect(got.eTag).to.be.a('string').and.not.equal('').and.not.equal('*');
      const { eTag: _eTag, ...rest } = got;
      expect(rest).to.deep.equal(value);
    });

    it('does not share stored objects by reference with caller inputs or outputs', async () => {
      const input = { nested: { n: 1 }, list: [1, 2] };
      await storage.write({ iso: input });
      input.nested.n = 999;
      input.list.push(3);

      const first = await readOne('iso');
      expect(first.nested.n).to.equal(1);
      expect(first.list).to.deep.equal([1, 2]);

      first.nested.n = 42;
      first.list.push(99);
      first.added = 'x';

      const second = await readOne('iso');
      expect(second).to.not.equal(first);
      expect(second.nested.n).to.equal(1);
      expect(second.list).to.deep.equal([1, 2]);
      expect(second).to.not.have.property('added');
      expect(second.eTag).to.equal(first.eTag);
    });

    it('rejects a write carrying a stale eTag with an eTag conflict and keeps the stored value', async () => {
      await storage.write({ c: { v: 1 } });
      const v1 = await readOne('c');
      await storage.write({ c: { ...v1, v: 2 } });
      const err = await rejectionOf(storage.write({ c: { ...v1, v: 3 } }));
      expect(looksLikeETagConflict(err), String(err)).to.equal(true);
      expect((err as Error).message).to.equal('Storage: error writing "c" due to eTag conflict.');
      const now = await readOne('c');
      expect(now.v).to.equal(2);
    });

    it("overwrites unconditionally with eTag '*' and with no eTag", async () => {
      await storage.write({ o: { v: 1 } });
      await storage.write({ o: { v: 2 } }); // makes any earlier eTag stale
      await storage.write({ o: { v: 3, eTag: '*' } });
      const a = await readOne('o');
      expect(a.v).to.equal(3);
      expect(a.eTag).to.not.equal('*');
      await storage.write({ o: { v: 4 } });
      const b = await readOne('o');
      expect(b.v).to.equal(4);
      expect(b.eTag).to.not.equal(a.eTag);
    });

    it('writes unconditionally when the key does not exist yet, even with an eTag', async () => {
      await storage.write({ fresh: { v: 1, eTag: 'some-etag-from-elsewhere' } });
      const got = await readOne('fresh');
      expect(got.v).to.equal(1);
      expect(got.eTag).to.not.equal('some-etag-from-elsewhere');
    });

    it("two concurrent creators of a missing key with an eTag: exactly one wins, the other gets an eTag conflict, the stored value is the winner's", async () => {
      // TenantRecords creates records with this sentinel eTag and relies on create being atomic.
      const eTag = 'expected-new-record';
      for (let round = 0; round < 10; round++) {
        const key = `race/${round}`;
        const writers = ['a', 'b'];
        const outcomes = await Promise.allSettled(writers.map((writer) => storage.write({ [key]: { writer, round, eTag } })));
        const winners = writers.filter((_, i) => outcomes[i]!.status === 'fulfilled');
        expect(winners, `round ${round}: ${outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok')).join(' / ')}`).to.have.length(1);
        const loser = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
        expect(looksLikeETagConflict(loser.reason), String(loser.reason)).to.equal(true);
        expect((loser.reason as Error).message).to.equal(`Storage: error writing "${key}" due to eTag conflict.`);
        const stored = await readOne(key);
        expect(stored.writer, `round ${round}`).to.equal(winners[0]);
        expect(stored.round).to.equal(round);
        expect(stored.eTag).to.be.a('string').and.not.equal(eTag);
      }
    });

    it('accepts a write with the current eTag and changes the eTag', async () => {
      await storage.write({ e: { v: 1 } });
      const before = await readOne('e');
      await storage.write({ e: { ...before, v: 2 } });
      const after = await readOne('e');
      expect(after.v).to.equal(2);
      expect(after.eTag).to.be.a('string');
      expect(after.eTag).to.not.equal(before.eTag);
      // and the new eTag is itself usable
      await storage.write({ e: { ...after, v: 3 } });
      expect((await readOne('e')).v).to.equal(3);
    });

    it('deletes keys, and deleting a missing key is fine', async () => {
      await storage.write({ d1: { v: 1 }, d2: { v: 2 } });
      await storage.delete(['d1', 'never-existed']);
      const items = await storage.read(['d1', 'd2', 'never-existed']);
      expect(Object.keys(items)).to.deep.equal(['d2']);
      expect(items.d2.v).to.equal(2);
      await storage.delete(['d1']);
      expect(await storage.read(['d1'])).to.deep.equal({});
    });

    it('treats a key written after delete as new (old eTag is not required)', async () => {
      await storage.write({ r: { v: 1 } });
      const old = await readOne('r');
      await storage.delete(['r']);
      await storage.write({ r: { v: 2, eTag: old.eTag } });
      expect((await readOne('r')).v).to.equal(2);
    });

    it('writes several keys in one call', async () => {
      await storage.write({ m1: { v: 1 }, m2: { v: 2 }, m3: { v: 3 } });
      const items = await storage.read(['m1', 'm2', 'm3', 'm4']);
      expect(Object.keys(items).sort()).to.deep.equal(['m1', 'm2', 'm3']);
      expect([items.m1.v, items.m2.v, items.m3.v]).to.deep.equal([1, 2, 3]);
      const eTags = new Set([items.m1.eTag, items.m2.eTag, items.m3.eTag]);
      expect(eTags.size).to.equal(3);
    });

    it('loses no update with 50 concurrent read-modify-write writers using eTag retry', async () => {
      const key = 'counter';
      await storage.write({ [key]: { n: 0 } });
      let conflicts = 0;
      const writer = async (id: number): Promise<void> => {
        for (let attempt = 0; attempt < 10_000; attempt++) {
          const cur = await readOne(key);
          try {
            await storage.write({ [key]: { ...cur, n: cur.n + 1, lastWriter: id } });
            return;
          } catch (err) {
            if (!looksLikeETagConflict(err)) throw err;
            conflicts++;
            await new Promise((r) => setTimeout(r, Math.random() * 3));
          }
        }
        throw new Error(`writer ${id} gave up`);
      };
      await Promise.all(Array.from({ length: 50 }, (_, i) => writer(i)));
      const final = await readOne(key);
      expect(final.n).to.equal(50);
      // Sanity: writers really interleaved (otherwise this test would not exercise the eTag check).
      expect(conflicts).to.be.greaterThan(0);
    });

    it("handles keys with '/', '|', ':', unicode and 500-char keys without collisions", async () => {
      const long = 'x'.repeat(500);
      const keys = [
        'webchat/conversations/abc|def/',
        'webchat/conversations/abc_def/',
        'webchat_conversations_abc_def_',
        'tenants/72f988bf-86f1-41af-91ab-2d7cd011db47/transition',
        'a:b:c',
        'a/b/c',
        'a|b|c',
        'Ünïcödé/日本語/emoji-🚀',
        '..',
        '../escape',
        'CaseKey',
        'casekey',
        long,
        long.slice(0, 499) + 'y',
        `${long}/suffix`,
        ' spaced key ',
      ];
      const changes: StoreItems = {};
      keys.forEach((k, i) => (changes[k] = { i, k }));
      await storage.write(changes);
      const items = await storage.read(keys);
      expect(Object.keys(items).sort()).to.deep.equal([...keys].sort());
      keys.forEach((k, i) => {
        expect(items[k].i, k).to.equal(i);
        expect(items[k].k, k).to.equal(k);
      });
      // updating one key does not touch its look-alikes
      await storage.write({ [keys[0]]: { i: -1, k: keys[0] } });
      const again = await storage.read([keys[0], keys[1], keys[2]]);
      expect(again[keys[0]].i).to.equal(-1);
      expect(again[keys[1]].i).to.equal(1);
      expect(again[keys[2]].i).to.equal(2);
    });
  });
}
