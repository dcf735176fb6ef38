import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { InPlaceFileWriter } from '../../src/store/fileWriter.js';

const run = promisify(execFile);

describe('InPlaceFileWriter (in-place overwrite on a worker thread)', () => {
  let dir: string;
  let writer: InPlaceFileWriter;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'file-writer-test-'));
    writer = new InPlaceFileWriter();
  });

  afterEach(async () => {
    await writer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a missing file with the text (UTF-8) and writes nothing else into the directory', async () => {
    const file = path.join(dir, 'a.json');
    await writer.overwrite(file, '{"name":"Müller GmbH · 台灣 · Россия"}');
    expect(await readFile(file, 'utf8')).to.equal('{"name":"Müller GmbH · 台灣 · Россия"}');
    expect(await readdir(dir)).to.deep.equal(['a.json']);
  });

  it('creates a missing file in place when asked (no temp file), and overwrites an existing one as usual', async () => {
    const file = path.join(dir, 'b.json');
    await writer.overwrite(file, '{"slot":"b"}', { createInPlace: true });
    expect(await readFile(file, 'utf8')).to.equal('{"slot":"b"}');
    expect(await readdir(dir)).to.deep.equal(['b.json']);
    const { ino } = await stat(file);
    await writer.overwrite(file, '{"x":1}', { createInPlace: true });
    expect(await readFile(file, 'utf8')).to.equal('{"x":1}     ');
    expect((await stat(file)).ino).to.equal(ino);
  });

  it("answers the overwrites of a batch before its creations, and keeps each file's writes in order", async () => {
    const [existing, fresh] = [path.join(dir, 'existing.json'), path.join(dir, 'fresh.json')];
    await writer.overwrite(existing, '0');
    const settled: string[] = [];
    const inFlight = writer.overwrite(existing, '1'); // the next writes queue behind this batch, and go as one
    const writes = [
      writer.overwrite(fresh, 'created').then(() => settled.push('fresh: created')),
      writer.overwrite(existing, '2').then(() => settled.push('existing: 2')),
      writer.overwrite(fresh, 'second').then(() => settled.push('fresh: second')),
    ];
    await Promise.all([inFlight, ...writes]);
    expect(settled).to.deep.equal(['existing: 2', 'fresh: created', 'fresh: second']);
    expect(await readFile(fresh, 'utf8')).to.equal('second ');
    expect(await readFile(existing, 'utf8')).to.equal('2');
  });

  it('overwrites in place: same inode, a shorter text is padded with spaces, a longer one grows the file', async () => {
    const file = path.join(dir, 'slot.json');
    await writeFile(file, '{"v":"a long old value"}');
    const inode = (await stat(file)).ino;
    await writer.overwrite(file, '{"v":1}');
    const padded = await readFile(file, 'utf8');
    expect(padded).to.equal('{"v":1}' + ' '.repeat('{"v":"a long old value"}'.length - '{"v":1}'.length));
    expect(JSON.parse(padded)).to.deep.equal({ v: 1 });
    await writer.overwrite(file, '{"v":"longer than anything written before"}');
    expect(await readFile(file, 'utf8')).to.equal('{"v":"longer than anything written before"}');
    expect((await stat(file)).ino, 'no new inode per write').to.equal(inode);
  });

  it('cuts a file down when it is more than twice the text and 64 KiB over it', async () => {
    const file = path.join(dir, 'big.json');
    await writer.overwrite(file, JSON.stringify({ v: 'x'.repeat(200_000) }));
    await writer.overwrite(file, '{"v":"small"}');
    expect(await readFile(file, 'utf8')).to.equal('{"v":"small"}');
  });

  it('applies writes in the order asked, also when many are queued at once', async () => {
    const file = path.join(dir, 'order.json');
    const writes = Array.from({ length: 200 }, (_, i) => writer.overwrite(file, String(199 - i).padStart(3, '0')));
    await Promise.all(writes);
    expect(await readFile(file, 'utf8')).to.equal('000');
    expect(await readdir(dir)).to.deep.equal(['order.json']);
  });

  it('rejects with the fs code when the path is a directory, and keeps writing other files', async () => {
    const blocked = path.join(dir, 'blocked');
    await mkdir(blocked);
    const failed = await writer.overwrite(blocked, 'x').then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    expect(failed, 'the write should fail').to.be.instanceOf(Error);
    expect(failed!.code).to.be.oneOf(['EISDIR', 'EEXIST']);
    await writer.overwrite(path.join(dir, 'ok.json'), 'fine');
    expect(await readFile(path.join(dir, 'ok.json'), 'utf8')).to.equal('fine');
  });

  it('rejects with ENOENT when the directory does not exist', async () => {
    const missing = path.join(dir, 'nope', 'f.json');
    const err = await writer.overwrite(missing, 'x').then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err?.code).to.equal('ENOENT');
  });

  it('starts a new worker after close(): later writes still work', async () => {
    const file = path.join(dir, 'again.json');
    await writer.overwrite(file, 'first');
    await writer.close();
    await writer.overwrite(file, 'secnd');
    expect(await readFile(file, 'utf8')).to.equal('secnd');
  });

  it('close() rejects the writes still pending (never leaves a promise hanging)', async () => {
    const file = path.join(dir, 'closing.json');
    const outcomes = Array.from({ length: 50 }, (_, i) =>
      writer.overwrite(file, String(i)).then(
        () => 'written',
        (err: Error) => err.message,
      ),
    );
    await writer.close();
    const settled = await Promise.all(outcomes);
    expect(settled.filter((s) => s !== 'written')).to.have.length.above(0);
    for (const s of settled) expect(s).to.be.oneOf(['written', 'InPlaceFileWriter: closed before the write finished.']);
  });

  it('keeps the process alive while a write is pending and lets it exit when idle', async () => {
    const file = path.join(dir, 'child.json');
    // a script whose only pending work is the write: it must finish it, then exit by itself
    const script = `
      import { InPlaceFileWriter } from ${JSON.stringify(path.resolve('src/store/fileWriter.ts'))};
      const w = new InPlaceFileWriter();
      await w.overwrite(${JSON.stringify(file)}, 'written by the child');
      console.log('done');
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout.trim()).to.equal('done');
    expect(await readFile(file, 'utf8')).to.equal('written by the child');
  });
});
