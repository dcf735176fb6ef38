/**
 * LowdbStorage's two slots per key (src/store/lowdbStorage.ts, slotFile.ts): writes overwrite the
 * older slot in place, reads take the newest intact one, so a torn write never loses the key.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { keyToFileName, LowdbStorage } from '../../src/store/lowdbStorage.js';

describe('LowdbStorage slots (in-place writes that a crash cannot tear)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lowdb-slots-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const slotA = (key: string) => path.join(dir, keyToFileName(key));
  const slotB = (key: string) => slotA(key).replace(/\.json$/, '.b.json');

  it('a key written 20 times has two files and keeps their inodes (no file created or replaced after the second write)', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ k: { n: 0 } });
    await storage.write({ k: { n: 1 } });
    const inodes = [(await stat(slotA('k'))).ino, (await stat(slotB('k'))).ino];
    for (let n = 2; n < 20; n++) await storage.write({ k: { n } });
    expect((await readdir(dir)).sort()).to.deep.equal([path.basename(slotB('k')), path.basename(slotA('k'))].sort());
    expect([(await stat(slotA('k'))).ino, (await stat(slotB('k'))).ino]).to.deep.equal(inodes);
    expect((await new LowdbStorage({ dir }).read(['k'])).k.n).to.equal(19);
    const seqs = await Promise.all([slotA('k'), slotB('k')].map(async (f) => JSON.parse(await readFile(f, 'utf8')).seq as number));
    expect(seqs.sort((a, b) => a - b)).to.deep.equal([19, 20]);
  });

  it('a torn newest slot (a crash in the middle of a write) is ignored: the previous version is read, and the next write replaces the torn slot', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ k: { v: 'one', pad: 'x'.repeat(300) } }); // slot A, seq 1
    await storage.write({ k: { v: 'two', pad: 'y'.repeat(300) } }); // slot B, seq 2
    // the crash: the first half of a newer version over slot B, the old bytes after it
    const old = await readFile(slotB('k'), 'utf8');
    const newer = old.replace('"seq":2', '"seq":3').replace('"two"', '"three"').replace(/y/g, 'z');
    await writeFile(slotB('k'), newer.slice(0, 200) + old.slice(200));

    const restarted = new LowdbStorage({ dir });
    const read = (await restarted.read(['k'])).k;
    expect(read.v).to.equal('one');
    await restarted.write({ k: { ...read, v: 'four' } });
    expect(JSON.parse(await readFile(slotB('k'), 'utf8')).seq, 'the torn slot was the one overwritten').to.equal(2);
    expect((await new LowdbStorage({ dir }).read(['k'])).k.v).to.equal('four');
  });

  it('a second slot torn while it was being created (empty, or cut short) reads as no version: the first slot is read, and the next write fills it', async () => {
    for (const torn of ['', '{"key":"k","seq":2,"sha256":"']) {
      const storage = new LowdbStorage({ dir });
      await storage.write({ k: { v: 'one' } }); // slot A, created whole (temp file + rename)
      await storage.write({ k: { v: 'two' } }); // slot B, created in place
      expect(
        (await readdir(dir)).filter((n) => n.endsWith('.tmp')),
        'no temp file left behind',
      ).to.deep.equal([]);
      await writeFile(slotB('k'), torn); // the crash: slot B's creation cut short
      const restarted = new LowdbStorage({ dir });
      const read = (await restarted.read(['k'])).k;
      expect(read.v, `torn as ${JSON.stringify(torn)}`).to.equal('one');
      await restarted.write({ k: { ...read, v: 'three' } });
      expect(JSON.parse(await readFile(slotB('k'), 'utf8')).seq).to.equal(2);
      expect((await new LowdbStorage({ dir }).read(['k'])).k.v).to.equal('three');
      await restarted.delete(['k']);
    }
  });

  it('a slot whose item no longer matches its hash is ignored, whole and parseable as it is', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ k: { v: 'one' } });
    await storage.write({ k: { v: 'two' } });
    const record = JSON.parse(await readFile(slotB('k'), 'utf8'));
    record.item.v = 'tampered';
    await writeFile(slotB('k'), JSON.stringify(record));
    expect((await new LowdbStorage({ dir }).read(['k'])).k.v).to.equal('one');
  });

  it('reads a store written before slots (one {key, item} file), then updates it in the second slot', async () => {
    await writeFile(slotA('tenants/t1/transition'), JSON.stringify({ key: 'tenants/t1/transition', item: { step: 'details', eTag: 'legacy-1' } }) + '\n');
    const storage = new LowdbStorage({ dir });
    const item = (await storage.read(['tenants/t1/transition']))['tenants/t1/transition'];
    expect(item).to.deep.equal({ step: 'details', eTag: 'legacy-1' });
    await storage.write({ 'tenants/t1/transition': { ...item, step: 'enroll' } }); // eTag-checked against the legacy file
    expect(JSON.parse(await readFile(slotB('tenants/t1/transition'), 'utf8')).seq).to.equal(1);
    expect((await new LowdbStorage({ dir }).read(['tenants/t1/transition']))['tenants/t1/transition'].step).to.equal('enroll');
  });

  it('a record that shrinks leaves spaces after it, and still reads back exactly', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ k: { v: 'x'.repeat(2000) } });
    await storage.write({ k: { v: 'y'.repeat(2000) } });
    await storage.write({ k: { v: 'short' } }); // over slot A's 2,000-character version
    const text = await readFile(slotA('k'), 'utf8');
    expect(text.length).to.be.greaterThan(2000);
    expect(text.trimEnd().endsWith('}')).to.equal(true);
    expect((await new LowdbStorage({ dir }).read(['k'])).k.v).to.equal('short');
  });

  it('delete removes both slots; a key written again starts over in slot A', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ k: { n: 1 } });
    await storage.write({ k: { n: 2 } });
    await storage.delete(['k']);
    expect(await readdir(dir)).to.deep.equal([]);
    expect(await new LowdbStorage({ dir }).read(['k'])).to.deep.equal({});
    await storage.write({ k: { n: 3 } });
    expect(await readdir(dir)).to.deep.equal([path.basename(slotA('k'))]);
  });

  it('a second slot without a first reads as no key (the first slot is created first and deleted last)', async () => {
    const storage = new LowdbStorage({ dir });
    await storage.write({ k: { n: 1 } });
    await storage.write({ k: { n: 2 } });
    await rm(slotA('k'));
    expect(await new LowdbStorage({ dir }).read(['k'])).to.deep.equal({});
  });

  it('throws an Error naming a file when both slots are broken', async () => {
    await writeFile(slotA('k'), '{"key":"k","seq":1,"sha256":"00","item":{"eTag":"e"}}');
    await writeFile(slotB('k'), '{"key":"k","seq":2,');
    const caught = await new LowdbStorage({ dir }).read(['k']).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(caught?.message).to.match(/LowdbStorage: .*stored file ".*k-[0-9a-f]{64}(\.b)?\.json"/);
  });

  it('a process killed while writing leaves every key readable and intact', async function () {
    this.timeout(30_000);
    const script = `
      import { LowdbStorage } from ${JSON.stringify(path.resolve('src/store/lowdbStorage.ts'))};
      const storage = new LowdbStorage({ dir: ${JSON.stringify(dir)} });
      console.log('started');
      for (let n = 0; ; n++) {
        await Promise.all(Array.from({ length: 8 }, (_, k) => storage.write({ ['key-' + k]: { n, k, body: String(n).repeat(50 + (n % 200)) } })));
      }
    `;
    const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 400));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const items = await new LowdbStorage({ dir }).read(Array.from({ length: 8 }, (_, k) => `key-${k}`));
    expect(Object.keys(items)).to.have.length(8);
    for (let k = 0; k < 8; k++) {
      const item = items[`key-${k}`] as { n: number; k: number; body: string };
      expect(item.k).to.equal(k);
      expect(item.body).to.equal(String(item.n).repeat(50 + (item.n % 200)));
    }
    expect(Math.max(...Object.values(items).map((i) => (i as { n: number }).n)), 'the child wrote for a while').to.be.greaterThan(5);
  });
});
