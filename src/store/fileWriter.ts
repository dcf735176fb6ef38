/**
 * Writes files in place on one worker thread: the text goes over the file's old bytes from offset 0,
 * padded with spaces to the old length, so the file keeps its inode and its disk blocks.
 *
 * Why in place: replacing a file (new temp file + `rename`) creates an inode and frees the old one
 * with its blocks on every write. On the ext4 disk of the bench machine that cost 150-700 µs of
 * kernel time per write and, under load, held the 50-conversation bench's event loop idle 5-25% of
 * the time waiting for writes; an in-place write costs 6-20 µs. Overwriting in place is not atomic
 * by itself: a crash can leave the file torn. Callers therefore keep two copies (slots) of each
 * record and overwrite the older one, see `LowdbStorage`; the newer copy is never touched. A file
 * that does not exist yet is created whole (temp file + rename, once per file), so a crash never
 * leaves a new file empty or half written.
 *
 * A caller that does not need a new file to appear whole (its reader ignores a torn one, because
 * another file holds the same data: `LowdbStorage`'s second slot) asks for it to be created in place
 * instead (`wx`): one directory operation instead of a temp file and a rename. Under the
 * 50-conversation bench, where every walk is a new tenant, creations were 80% of the writer
 * thread's time (1,842 creations took 1,046 ms of it: 568 µs each, against 36 µs per overwrite),
 * and the turns waiting for them held the event loop idle 5-11% of each round.
 *
 * Why a worker: through Node's asynchronous `fs` a write is several thread-pool round trips (open,
 * stat, write, close), each with a callback on the event loop. The worker makes the system calls
 * synchronously and answers once per batch; writes that arrive while it is busy go over together in
 * the next batch.
 *
 * A write's promise resolves once the text is in the file (the page cache; there is no `fsync`).
 *
 * @module
 */
import { Worker } from 'node:worker_threads';

/**
 * The worker's code (CommonJS, evaluated: no file path to resolve, so it runs the same from
 * TypeScript sources under tsx and from the compiled build). Message in: a batch of
 * `[id, path, text, createInPlace]`; messages out: `{ outcomes: [id, null | { message, code }][], done }`,
 * the overwrites of existing files first, then (done: true) the rest.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, fstatSync, writeSync, ftruncateSync, closeSync, writeFileSync, renameSync, unlinkSync } = require('node:fs');
const path = require('node:path');
let temps = 0;
/** A file that does not exist yet appears whole: written beside it under a temp name, then renamed. */
function create(file, bytes) {
  const temp = path.join(path.dirname(file), '.' + path.basename(file) + '.' + process.pid + '.' + ++temps + '.tmp');
  writeFileSync(temp, bytes);
  try {
    renameSync(temp, file);
  } catch (err) {
    try { unlinkSync(temp); } catch {}
    throw err;
  }
}
/** A new file created under its own name: a crash can leave it torn (for callers whose reader ignores that). */
function createInPlace(file, bytes) {
  writeFileSync(file, bytes, { flag: 'wx' });
}
/** Shrinks a file only when its text is under half its size and more than 64 KiB would be saved. */
const SHRINK_SLACK = 65536;
/** Overwrites an existing file in place; false (nothing written) when it does not exist. */
function overwrite(file, text) {
  let fd;
  try {
    fd = openSync(file, 'r+');
  } catch (err) {
    if (err && err.code === 'ENOENT') return false;
    throw err;
  }
  try {
    const bytes = Buffer.from(text, 'utf8');
    const size = fstatSync(fd).size;
    const shrink = size > 2 * bytes.length && size - bytes.length > SHRINK_SLACK;
    const out = size > bytes.length && !shrink ? Buffer.concat([bytes, Buffer.alloc(size - bytes.length, 0x20)]) : bytes;
    let done = 0;
    while (done < out.length) done += writeSync(fd, out, done, out.length - done, done);
    if (shrink) ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
  return true;
}
const failure = (err) => ({ message: String(err && err.message), code: err && err.code });
/**
 * A batch in two passes: overwrites of existing files, answered at once; then the files to create
 * (a directory operation each, far slower), in the order asked, answered last (done: true). So a
 * write that only overwrites never waits for another's creation; a file's writes keep their order
 * (once one of them waits for the creation, the later ones wait too).
 */
parentPort.on('message', (batch) => {
  const results = [];
  const creations = [];
  const creating = new Set();
  for (const job of batch) {
    const [id, file, text] = job;
    try {
      if (!creating.has(file) && overwrite(file, text)) results.push([id, null]);
      else {
        creating.add(file);
        creations.push(job);
      }
    } catch (err) {
      results.push([id, failure(err)]);
    }
  }
  if (creations.length === 0) return parentPort.postMessage({ outcomes: results, done: true });
  if (results.length > 0) parentPort.postMessage({ outcomes: results, done: false });
  const created = [];
  for (const [id, file, text, inPlace] of creations) {
    try {
      if (!overwrite(file, text)) (inPlace ? createInPlace : create)(file, Buffer.from(text, 'utf8'));
      created.push([id, null]);
    } catch (err) {
      created.push([id, failure(err)]);
    }
  }
  parentPort.postMessage({ outcomes: created, done: true });
});
`;

type Job = [id: number, file: string, text: string, createInPlace: boolean];
type Outcome = [id: number, error: { message: string; code?: string } | null];
/** One answer of the worker: outcomes of part of a batch; `done` on the batch's last answer. */
type Answer = { outcomes: Outcome[]; done: boolean };

/**
 * Overwrites files in place on a worker thread, in the order asked (see the module notes). One
 * instance serves the whole process ({@link sharedFileWriter}); the worker starts on the first
 * write, keeps the process alive only while writes are pending, and is started again if it ever exits.
 */
export class InPlaceFileWriter {
  #worker?: Worker;
  #nextId = 0;
  /** Writes sent to the worker or queued, by id. */
  readonly #pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  /** Writes waiting for the batch in flight to finish. */
  #queue: Job[] = [];
  #batchInFlight = false;

  /**
   * Writes `text` (UTF-8) over `file` from offset 0; a file that does not exist is created whole
   * (a temp file beside it, `.<name>.<pid>.<n>.tmp`, renamed into place), or with
   * `options.createInPlace` under its own name (`wx`: cheaper, but a crash can leave it torn). When
   * the file was longer, the rest is overwritten with spaces (JSON ignores them), so the length
   * never shrinks, except that a file more than twice the text and 64 KiB over it is cut to the text.
   * @returns resolves once the text is in the file.
   * @throws (rejects) Error with the fs `code` (ENOENT when the directory is missing, EISDIR,
   *   EACCES, ...); Error when the worker thread dies before answering.
   */
  overwrite(file: string, text: string, options: { createInPlace?: boolean } = {}): Promise<void> {
    const worker = this.#worker ?? this.#start();
    if (this.#pending.size === 0) worker.ref();
    const id = ++this.#nextId;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#queue.push([id, file, text, options.createInPlace === true]);
      this.#flush();
    });
  }

  /** Stops the worker thread; pending writes are rejected. Safe to call more than once. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#forget(worker, new Error('InPlaceFileWriter: closed before the write finished.'));
    await worker.terminate();
  }

  #start(): Worker {
    // no inherited flags (--import tsx, --input-type=module): the evaluated source is plain CommonJS
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    worker.on('message', ({ outcomes, done }: Answer) => {
      if (done) this.#batchInFlight = false;
      for (const [id, error] of outcomes) {
        const waiter = this.#pending.get(id);
        if (!waiter) continue;
        this.#pending.delete(id);
        if (error) waiter.reject(Object.assign(new Error(error.message), error.code ? { code: error.code } : {}));
        else waiter.resolve();
      }
      this.#flush();
      if (this.#pending.size === 0) worker.unref();
    });
    const fail = (err: Error) => this.#forget(worker, err);
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`InPlaceFileWriter: the writer thread exited (code ${code}).`)));
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /** Drops `worker` (the next write starts a new one) and rejects everything pending with `err`. */
  #forget(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#batchInFlight = false;
    this.#queue = [];
    const waiters = [...this.#pending.values()];
    this.#pending.clear();
    for (const w of waiters) w.reject(err);
  }

  /** Sends the queued writes as one batch unless a batch is in flight. */
  #flush(): void {
    if (this.#batchInFlight || this.#queue.length === 0 || !this.#worker) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#batchInFlight = true;
    this.#worker.postMessage(batch);
  }
}

let shared: InPlaceFileWriter | undefined;

/** The process-wide {@link InPlaceFileWriter} (created on first use). */
export function sharedFileWriter(): InPlaceFileWriter {
  shared ??= new InPlaceFileWriter();
  return shared;
}
