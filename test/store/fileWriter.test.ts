import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { AtomicFileWriter } from '../../src/store/fileWriter.js';

const run = promisify(execFile);

describe('AtomicFileWriter (temp file + rename on a worker thread)', () => {
  let dir: string;
  let writer: AtomicFileWriter;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'file-writer-test-'));
    writer = new AtomicFileWriter();
  });

  afterEach(async () => {
    await writer.close();
    await rm(dir, { recursive: true, force: true });
  });

  const temp = (name: string, n: number) => path.join(dir, `.${name}.${n}.tmp`);

  it('replaces the file with the text (UTF-8) and leaves no temp file', async () => {
    const file = path.join(dir, 'a.json');
    await writeFile(file, 'old');
    await writer.write(temp('a.json', 1), file, '{"name":"Müller GmbH · 台灣 · Россия"}');
    expect(await readFile(file, 'utf8')).to.equal('{"name":"Müller GmbH · 台灣 · Россия"}');
    expect(await readdir(dir)).to.deep.equal(['a.json']);
  });

  it('applies writes in the order asked, also when many are queued at once', async () => {
    const file = path.join(dir, 'order.json');
    const writes = Array.from({ length: 200 }, (_, i) => writer.write(temp('order.json', i), file, String(i)));
    await Promise.all(writes);
    expect(await readFile(file, 'utf8')).to.equal('199');
    expect(await readdir(dir)).to.deep.equal(['order.json']);
  });

  it('rejects with the fs code when the rename fails, removes the temp file, and keeps writing other files', async () => {
    const blocked = path.join(dir, 'blocked');
    await mkdir(path.join(blocked, 'child'), { recursive: true }); // a non-empty directory cannot be renamed over
    const failed = await writer.write(temp('blocked', 1), blocked, 'x').then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    expect(failed, 'the write should fail').to.be.instanceOf(Error);
    expect(failed!.code).to.be.oneOf(['EISDIR', 'ENOTEMPTY', 'EEXIST']);
    expect((await readdir(dir)).sort()).to.deep.equal(['blocked']);
    await writer.write(temp('ok', 2), path.join(dir, 'ok.json'), 'fine');
    expect(await readFile(path.join(dir, 'ok.json'), 'utf8')).to.equal('fine');
  });

  it('rejects with ENOENT when the directory does not exist', async () => {
    const missing = path.join(dir, 'nope', 'f.json');
    const err = await writer.write(path.join(dir, 'nope', '.f.tmp'), missing, 'x').then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err?.code).to.equal('ENOENT');
  });

  it('starts a new worker after close(): later writes still work', async () => {
    const file = path.join(dir, 'again.json');
    await writer.write(temp('again.json', 1), file, 'first');
    await writer.close();
    await writer.write(temp('again.json', 2), file, 'second');
    expect(await readFile(file, 'utf8')).to.equal('second');
  });

  it('close() rejects the writes still pending (never leaves a promise hanging)', async () => {
    const file = path.join(dir, 'closing.json');
    const outcomes = Array.from({ length: 50 }, (_, i) =>
      writer.write(temp('closing.json', i), file, String(i)).then(
        () => 'written',
        (err: Error) => err.message,
      ),
    );
    await writer.close();
    const settled = await Promise.all(outcomes);
    expect(settled.filter((s) => s !== 'written')).to.have.length.above(0);
    for (const s of settled) expect(s).to.be.oneOf(['written', 'AtomicFileWriter: closed before the write finished.']);
  });

  it('keeps the process alive while a write is pending and lets it exit when idle', async () => {
    const file = path.join(dir, 'child.json');
    // a script whose only pending work is the write: it must finish it, then exit by itself
    const script = `
      import { AtomicFileWriter } from ${JSON.stringify(path.resolve('src/store/fileWriter.ts'))};
      const w = new AtomicFileWriter();
      await w.write(${JSON.stringify(path.join(dir, '.child.tmp'))}, ${JSON.stringify(file)}, 'written by the child');
      console.log('done');
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout.trim()).to.equal('done');
    expect(await readFile(file, 'utf8')).to.equal('written by the child');
  });
});
