import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { expect } from 'chai';
import { isETagConflict, keyToFileName, LowdbStorage } from '../../src/store/lowdbStorage.js';
import { storageContract } from './storageContract.js';

async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'lowdb-storage-test-'));
}

storageContract('MemoryStorage', async () => ({ storage: new MemoryStorage() }));

storageContract('LowdbStorage', async () => {
  const dir = await makeTempDir();
  return { storage: new LowdbStorage({ dir }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

storageContract('LowdbStorage (cacheSize 0, always disk)', async () => {
  const dir = await makeTempDir();
  return {
    storage: new LowdbStorage({ dir, cacheSize: 0 }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('LowdbStorage specifics', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('remembers that a key is missing (no file access on the next read) until it is written', async () => {
    const storage = new LowdbStorage({ dir });
    expect(await storage.read(['missing'])).to.deep.equal({});
    // a file appearing behind the instance's back is not seen: this instance is authoritative for its dir
    const other = new LowdbStorage({ dir });
    await other.write({ missing: { v: 'written elsewhere' } });
    expect(await storage.read(['missing'])).to.deep.equal({});
    // its own writes and deletes update what it remembers
    await storage.write({ missing: { v: 1 } });
    expect((await storage.read(['missing'])).missing.v).to.equal(1);
    await storage.delete(['missing']);
    expect(await storage.read(['missing'])).to.deep.equal({});
    // with the cache off, every read goes to disk
    const uncached = new LowdbStorage({ dir, cacheSize: 0 });
    expect(await uncached.read(['missing'])).to.deep.equal({});
    await new LowdbStorage({ dir }).write({ missing: { v: 2 } }); // a later instance (one writer at a time)
    expect((await uncached.read(['missing'])).missing.v).to.equal(2);
  });

  it('isETagConflict recognizes the conflict error and nothing else', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ k: { v: 1 } });
    const { k } = await storage.read(['k']);
    await storage.write({ k: { ...k, v: 2 } });
    let caught: unknown;
    try {
      await storage.write({ k: { ...k, v: 3 } });
    } catch (err) {
      caught = err;
    }
    expect(isETagConflict(caught)).to.equal(true);
    expect(isETagConflict(new Error('Storage: error writing "x/y|z" due to eTag conflict.'))).to.equal(true);
    expect(isETagConflict(new Error('ENOENT: no such file'))).to.equal(false);
    expect(isETagConflict('Storage: error writing "k" due to eTag conflict.')).to.equal(false);
    expect(isETagConflict(undefined)).to.equal(false);
  });

  it('creates the directory recursively', async () => {
    const nested = path.join(dir, 'a', 'b', 'c');
    const storage = new LowdbStorage({ dir: nested });
    await storage.write({ k: { v: 1 } });
    expect((await stat(nested)).isDirectory()).to.equal(true);
    expect(await readdir(nested)).to.have.length(1);
  });

  it('stores one file per key, each containing only its own key and data', async () => {
    const storage = new LowdbStorage({ dir });
    const keys = ['webchat/conversations/abc|def/', 'tenants/72f988bf-86f1-41af-91ab-2d7cd011db47/transition', 'k3'];
    await storage.write({
      [keys[0]]: { secret: 'alpha-secret' },
      [keys[1]]: { secret: 'beta-secret' },
      [keys[2]]: { secret: 'gamma-secret' },
    });
    const files = (await readdir(dir)).sort();
    expect(files).to.have.length(3);
    expect(files).to.deep.equal(keys.map(keyToFileName).sort());
    const secrets = ['alpha-secret', 'beta-secret', 'gamma-secret'];
    for (const [i, key] of keys.entries()) {
      const text = await readFile(path.join(dir, keyToFileName(key)), 'utf8');
      const record = JSON.parse(text);
      expect(record.key).to.equal(key);
      expect(record.item.secret).to.equal(secrets[i]);
      expect(record.item.eTag).to.be.a('string');
      for (const [j, other] of secrets.entries()) {
        if (j !== i) expect(text).to.not.include(other);
      }
      for (const [j, otherKey] of keys.entries()) {
        if (j !== i) expect(record.key).to.not.equal(otherKey);
      }
    }
  });

  it('derives safe, bounded, collision-free file names', () => {
    const keys = ['a/b', 'a|b', 'a:b', 'a_b', '../../etc/passwd', '.hidden', 'x'.repeat(5000), 'Ünï/🚀', ''];
    const names = keys.map(keyToFileName);
    expect(new Set(names).size).to.equal(keys.length);
    for (const name of names) {
      expect(name.length).to.be.lessThan(200);
      expect(name).to.match(/^[A-Za-z0-9_-]*-[0-9a-f]{64}\.json$/);
      expect(name.startsWith('.')).to.equal(false);
    }
    expect(keyToFileName('a/b')).to.equal(keyToFileName('a/b'));
    expect(keyToFileName('tenants/abc/transition').startsWith('tenants_abc_transition-')).to.equal(true);
  });

  it('a second instance over the same dir reads what the first wrote (restart)', async () => {
    const first = new LowdbStorage({ dir });
    await first.write({ 'conv/1': { step: 'verify', data: { mpn: '1234567' } }, 'conv/2': { step: 'done' } });
    const written = await first.read(['conv/1']);

    const second = new LowdbStorage({ dir });
    const items = await second.read(['conv/1', 'conv/2', 'conv/3']);
    expect(Object.keys(items).sort()).to.deep.equal(['conv/1', 'conv/2']);
    expect(items['conv/1']).to.deep.equal(written['conv/1']);
    expect(items['conv/2'].step).to.equal('done');

    // eTag from before the restart still governs writes
    await second.write({ 'conv/1': { ...items['conv/1'], step: 'next' } });
    let conflict: unknown;
    try {
      await second.write({ 'conv/1': { ...items['conv/1'], step: 'stale' } });
    } catch (err) {
      conflict = err;
    }
    expect(isETagConflict(conflict)).to.equal(true);
    expect((await new LowdbStorage({ dir }).read(['conv/1']))['conv/1'].step).to.equal('next');
  });

  it('generates eTags that do not repeat across instances (restart)', async () => {
    const a = new LowdbStorage({ dir });
    await a.write({ k: { v: 1 } });
    const eTagA = (await a.read(['k'])).k.eTag;
    const b = new LowdbStorage({ dir });
    await b.write({ k: { v: 2 } });
    const eTagB = (await b.read(['k'])).k.eTag;
    expect(eTagB).to.not.equal(eTagA);
  });

  it('removes a leftover truncated temp file of the older rename-based writes', async () => {
    const key = 'webchat/conversations/crash|me/';
    const storage = new LowdbStorage({ dir });
    await storage.write({ [key]: { v: 'previous', nested: { ok: true } } });
    const before = (await storage.read([key]))[key];

    const name = keyToFileName(key);
    const tmp = path.join(dir, `.${name}.tmp`); // a temp file beside its target, as a crashed write leaves it
    await writeFile(tmp, '{\n  "key": "webchat/conversations/crash|me/",\n  "item": {\n    "v": "new', 'utf8');

    const restarted = new LowdbStorage({ dir });
    const after = (await restarted.read([key]))[key];
    expect(after).to.deep.equal(before);

    // the next write of that key succeeds, in the key's second slot; the garbage temp file is gone
    await restarted.write({ [key]: { ...after, v: 'next' } });
    expect((await new LowdbStorage({ dir }).read([key]))[key].v).to.equal('next');
    expect((await readdir(dir)).sort()).to.deep.equal([name.replace(/\.json$/, '.b.json'), name].sort());
  });

  it('throws an Error naming the file when a stored file is corrupt', async () => {
    const key = 'corrupt/key';
    const file = path.join(dir, keyToFileName(key));
    await writeFile(file, '{"key": "corrupt/key", "item": {', 'utf8');
    const storage = new LowdbStorage({ dir });
    let caught: unknown;
    try {
      await storage.read([key]);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(Error);
    expect((caught as Error).message).to.include(file);
  });

  it('serves hot keys from the cache and returns copies', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ hot: { v: 1, nested: { n: 1 } } });
    // remove the file behind the storage's back: a cached read must not need the disk
    await rm(path.join(dir, keyToFileName('hot')));
    const a = (await storage.read(['hot'])).hot;
    expect(a.v).to.equal(1);
    a.nested.n = 2;
    expect((await storage.read(['hot'])).hot.nested.n).to.equal(1);
  });

  it('evicts least-recently-used keys beyond cacheSize (then reads from disk)', async () => {
    const storage = new LowdbStorage({ dir, cacheSize: 2 });
    await storage.write({ a: { v: 'a' } });
    await storage.write({ b: { v: 'b' } });
    await storage.read(['a']); // a is now most recent
    await storage.write({ c: { v: 'c' } }); // evicts b
    // rewrite b's file behind the storage's back (in the format from before slots, which has no hash): an evicted key must be re-read from disk
    const bFile = path.join(dir, keyToFileName('b'));
    const record = JSON.parse(await readFile(bFile, 'utf8'));
    await writeFile(bFile, JSON.stringify({ key: record.key, item: { ...record.item, v: 'b-from-disk' } }), 'utf8');
    await rm(path.join(dir, keyToFileName('a'))); // a is cached, still readable
    const items = await storage.read(['a', 'b', 'c']);
    expect(items.a.v).to.equal('a');
    expect(items.b.v).to.equal('b-from-disk');
    expect(items.c.v).to.equal('c');
  });

  it('keeps going for other keys when one key in a multi-key write conflicts', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ x: { v: 1 } });
    const x = (await storage.read(['x'])).x;
    await storage.write({ x: { ...x, v: 2 } });
    let caught: unknown;
    try {
      await storage.write({ x: { ...x, v: 3 }, y: { v: 'y' } });
    } catch (err) {
      caught = err;
    }
    expect(isETagConflict(caught)).to.equal(true);
    const items = await storage.read(['x', 'y']);
    expect(items.x.v).to.equal(2);
    expect(items.y.v).to.equal('y');
  });

  it('file size of one key does not depend on how many other keys exist (2,000 keys)', async function () {
    this.timeout(60_000);
    const storage = new LowdbStorage({ dir });
    const probe = 'tenants/probe/transition';
    const value = { step: 'start', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' };
    await storage.write({ [probe]: value });
    const sizeAlone = (await stat(path.join(dir, keyToFileName(probe)))).size;

    const batch = 200;
    for (let start = 0; start < 2000; start += batch) {
      const changes: Record<string, unknown> = {};
      for (let i = start; i < start + batch; i++) {
        changes[`tenants/${i}/transition`] = { step: 'start', tenantId: `tenant-${i}`, padding: 'p'.repeat(50) };
      }
      await storage.write(changes);
    }
    await storage.write({ [probe]: value }); // rewrite the probe with 2,000 neighbours present (into its second slot)

    const files = await readdir(dir);
    expect(files).to.have.length(2002);
    const sizeCrowded = (await stat(path.join(dir, keyToFileName(probe).replace(/\.json$/, '.b.json')))).size;
    // eTag length may differ by a few chars (base36 counter), never by the neighbours' data
    expect(Math.abs(sizeCrowded - sizeAlone)).to.be.lessThan(8);
    expect(sizeCrowded).to.be.lessThan(1024);
    let largest = 0;
    for (const f of files) largest = Math.max(largest, (await stat(path.join(dir, f))).size);
    expect(largest).to.be.lessThan(1024);

    const sample = await new LowdbStorage({ dir }).read(['tenants/0/transition', 'tenants/1999/transition']);
    expect(sample['tenants/0/transition'].tenantId).to.equal('tenant-0');
    expect(sample['tenants/1999/transition'].tenantId).to.equal('tenant-1999');
  });
});
