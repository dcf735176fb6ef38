/**
 * botbuilder `Storage` implementation persisted as small JSON files, one key per file pair, via lowdb.
 *
 * Durability: each key has two slot files, `<name>.json` and `<name>.b.json` (name: see
 * {@link keyToFileName}). Every write overwrites the slot that does NOT hold the newest version, in
 * place ({@link SlotFile}, done on the process's writer thread), and stamps it with a sequence number
 * one higher and a SHA-256 of the item. A read takes the slot with the highest sequence number whose
 * hash matches. So a process crash in the middle of a write leaves a torn slot that is ignored and
 * the other slot with the previous complete version, never a corrupt key; the next write of that key
 * overwrites the torn slot. A write's promise resolves only after the text is in the file, so a turn
 * is acknowledged only once its state is stored. Caveat: there is no `fsync`, so after an OS crash or
 * power loss (as opposed to a process crash) the most recent writes may be lost depending on the
 * filesystem; an older complete version is then read.
 *
 * Why slots instead of a temp file renamed over the target: a rename creates an inode and frees
 * the replaced one on every write, which on the bench machine's ext4 cost 150-700 µs of kernel time
 * per write and held the 50-conversation bench's event loop idle waiting for writes; overwriting a
 * slot in place keeps inodes and blocks (6-20 µs). A key's first slot file is created whole (temp
 * file + rename, once per key), so a key that exists is never only torn; its second slot file, made
 * by the key's second write while the first holds the current version, is created in place (one
 * directory operation, see `fileWriter.ts`): torn by a crash, it is ignored like any torn slot. So a
 * slot is either absent, intact, or torn while the other slot is intact; temp files of a creation
 * cut short are removed when an instance opens the directory. Stores written before slots (one `<name>.json` holding
 * `{key, item}`) are read as sequence 0 and updated in place from then on.
 *
 * Scope: atomicity of compare-and-write is guaranteed only within ONE `LowdbStorage` instance
 * (per-key promise-chain mutex + an in-memory cache that this instance keeps authoritative).
 * Several processes, or several live instances in one process, writing to the same `dir` are
 * NOT supported: eTag checks could pass against stale cache entries, and two writers could
 * overwrite the same slot. Opening a new instance after the previous one is done with the dir (a restart) is fine.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';
import { Low } from 'lowdb';
import { LRUCache } from 'lru-cache';
import { SlotFile, parseSlot, sha256 } from './slotFile.js';

/** Options for {@link LowdbStorage}. */
export interface LowdbStorageOptions {
  /**
   * Directory holding one JSON file per key. Created (recursively) at construction if missing.
   * Relative paths are resolved against `process.cwd()` at construction time.
   */
  dir: string;
  /**
   * Maximum number of keys whose last-known stored item is kept in memory (LRU eviction).
   * Integer >= 0; 0 disables caching. Default {@link DEFAULT_CACHE_SIZE} (1000).
   */
  cacheSize?: number;
}

/**
 * What this instance knows about a key: its item serialized (null when the key does not exist)
 * and that item's eTag (kept beside it, so a conditional write need not parse the item), the
 * sequence number of the newest stored version (0: none, or a file from before slots), and the
 * slot holding it (the next write goes to the other one).
 */
interface KeyState {
  json: string | null;
  eTag: string | null;
  seq: number;
  slot: 0 | 1;
}

/** A key without any stored version: the first write goes to slot 0 (`<name>.json`). */
const NEVER_WRITTEN: KeyState = { json: null, eTag: null, seq: 0, slot: 1 };

/** Default number of keys kept in the in-memory LRU cache. */
export const DEFAULT_CACHE_SIZE = 1000;

const ETAG_CONFLICT_RE = /^Storage: error writing ".*" due to eTag conflict\.$/s;

/**
 * Returns true if `err` is an eTag conflict, i.e. an `Error` that either
 * - has exactly the message `Storage: error writing "<key>" due to eTag conflict.` (thrown by
 *   {@link LowdbStorage.write}, botbuilder's `MemoryStorage` and `BlobsStorage`, and the shared
 *   storages in `sharedStorage.ts`), or
 * - carries the HTTP status 412 Precondition Failed as a numeric `statusCode` (Azure Storage
 *   `RestError`) or numeric `code` (Cosmos `ErrorResponse`, which botbuilder's
 *   `CosmosDbPartitionedStorage` rethrows as `[Error upserting document] ...`).
 * Callers typically re-read the key, re-apply their change and retry. Never throws; returns false
 * for anything else (including non-Error values with those fields).
 */
export function isETagConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (ETAG_CONFLICT_RE.test(err.message)) return true;
  const { statusCode, code } = err as Error & { statusCode?: unknown; code?: unknown };
  return statusCode === 412 || code === 412;
}

/** Builds the exact eTag-conflict error (same message as botbuilder's MemoryStorage). */
function eTagConflictError(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}

/** Max length of the human-readable prefix in a filename (the hash adds 65 chars, ".json" 5). */
const PREFIX_MAX = 64;

/**
 * Maps an arbitrary storage key to a safe file name (not a path), deterministically:
 * `<prefix>-<sha256hex>.json` where `<prefix>` is the key with every character outside
 * `[A-Za-z0-9_-]` replaced by `_`, truncated to 64 chars (may be empty), and `<sha256hex>` is the
 * 64-char lowercase hex SHA-256 of the exact key's UTF-8 bytes. Different keys therefore never map
 * to the same name (barring a SHA-256 collision), also on case-insensitive filesystems since the
 * hash is case-sensitive on the key but printed lowercase. Names are at most 133 chars, never start
 * with `.` (so they cannot be mistaken for steno's `.<name>.tmp` temp files) and contain no path
 * separators. Never throws for string input.
 */
export function keyToFileName(key: string): string {
  let name = fileNames.get(key);
  if (name === undefined) {
    name = computeFileName(key);
    if (fileNames.size >= FILE_NAME_MEMO_SIZE) fileNames.delete(fileNames.keys().next().value as string);
    fileNames.set(key, name);
  }
  return name;
}

/** File names by key (a SHA-256 per write costs more than the rest of the name): the oldest are dropped beyond this. */
const FILE_NAME_MEMO_SIZE = 10_000;
const fileNames = new Map<string, string>();

function computeFileName(key: string): string {
  const prefix = key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, PREFIX_MAX);
  const hash = createHash('sha256').update(key, 'utf8').digest('hex');
  return `${prefix}-${hash}.json`;
}

/** Random per-process component of every eTag, so eTags never repeat across restarts. */
const ETAG_PROCESS_ID = randomBytes(6).toString('hex');
let eTagCounter = 0;

/**
 * Returns a fresh, unique eTag string: `<ms timestamp base36>-<per-process random hex>-<counter base36>`.
 * Unique within the process via the counter, and across restarts via the timestamp + random part.
 */
function newETag(): string {
  eTagCounter += 1;
  return `${Date.now().toString(36)}-${ETAG_PROCESS_ID}-${eTagCounter.toString(36)}`;
}

/** The in-memory cache of key states (lru-cache, or nothing when `cacheSize` is 0). */
interface ItemCache {
  get(key: string): KeyState | undefined;
  set(key: string, value: KeyState): unknown;
  delete(key: string): unknown;
}

/** `cacheSize: 0`: every access goes to disk. */
const NO_CACHE: ItemCache = { get: () => undefined, set: () => undefined, delete: () => undefined };

/**
 * botbuilder `Storage` backed by one lowdb `JSONFile` per key under `dir`.
 *
 * - Turn cost is independent of the number of stored keys: each operation touches only the
 *   files of the keys involved (file names: see {@link keyToFileName}; content: `StoredRecord` in `slotFile.ts`).
 * - eTag semantics match botbuilder's `MemoryStorage`: every write assigns a fresh `eTag`; a write
 *   whose item has no `eTag`, `eTag === '*'`, or whose key does not exist is unconditional;
 *   otherwise the item's `eTag` must equal the stored one or the write of that key fails with
 *   `Error('Storage: error writing "<key>" due to eTag conflict.')` (see {@link isETagConflict}).
 * - Per key, read-miss loading, compare-and-write and delete are serialized by a promise-chain
 *   mutex; different keys proceed in parallel. See the module docs for the single-instance scope.
 * - Items are JSON round-tripped on the way in and out (like `MemoryStorage`), so callers never
 *   share references with the cache and non-JSON values (functions, `undefined`, Dates) behave
 *   as with any JSON-based storage.
 */
export class LowdbStorage implements Storage {
  /** Absolute directory holding the per-key files. */
  readonly dir: string;
  /** Per key: the last known stored item (incl. eTag) and which slot holds it. */
  readonly #cache: ItemCache;
  /** Per key: tail of the promise chain of operations on that key. */
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Resolves once `dir` exists; rejects with the mkdir error. */
  readonly #ready: Promise<void>;

  /**
   * @param options `dir` (created recursively, asynchronously; creation errors surface from the
   *   first read/write/delete) and optional `cacheSize` (keys, default 1000).
   * @throws TypeError if `dir` is not a non-empty string or `cacheSize` is not an integer >= 0.
   */
  constructor(options: LowdbStorageOptions) {
    if (typeof options?.dir !== 'string' || options.dir.length === 0) {
      throw new TypeError('LowdbStorage: options.dir must be a non-empty string.');
    }
    const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw new TypeError('LowdbStorage: options.cacheSize must be an integer >= 0.');
    }
    this.dir = path.resolve(options.dir);
    this.#cache = cacheSize > 0 ? new LRUCache<string, KeyState>({ max: cacheSize }) : NO_CACHE;
    // temp files of a slot creation cut short by a crash are removed (this instance owns the dir)
    this.#ready = mkdir(this.dir, { recursive: true })
      .then(() => readdir(this.dir))
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith('.') && n.endsWith('.tmp')).map((n) => unlink(path.join(this.dir, n)).catch(() => undefined))),
      )
      .then(() => undefined);
    // Avoid an unhandled rejection if no operation is ever made; operations still see the error.
    this.#ready.catch(() => undefined);
  }

  /**
   * Absolute path of the first slot file of `key` (`<name>.json`, whether or not it exists): the only
   * file of a key written once. Pure function of `dir` and `key`; never throws for string input.
   */
  filePathFor(key: string): string {
    return path.join(this.dir, keyToFileName(key));
  }

  /** Absolute paths of both slot files of `key`: `<name>.json` and `<name>.b.json`. */
  slotPathsFor(key: string): [string, string] {
    const first = this.filePathFor(key);
    return [first, `${first.slice(0, -'.json'.length)}.b.json`];
  }

  /**
   * Reads items by key.
   *
   * @param keys Keys to read (arbitrary strings; duplicates allowed).
   * @returns Object containing only the keys that exist, each mapped to a fresh deep copy of the
   *   stored item (including its string `eTag`).
   * @throws ReferenceError if `keys` is not an array; Error naming the file path if a key's file
   *   exists but is not valid JSON or not a record for that key; fs errors other than ENOENT.
   */
  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) {
      throw new ReferenceError('Keys are required when reading.');
    }
    // known keys answer from memory; the others are loaded in parallel (each under its key's lock)
    const states = new Map<string, KeyState | Promise<KeyState>>();
    let loading = false;
    for (const key of keys) {
      if (states.has(key)) continue;
      const cached = this.#cache.get(key);
      loading ||= cached === undefined;
      states.set(key, cached ?? this.#withLock(key, () => this.#load(key)));
    }
    const loaded = loading ? await Promise.all(states.values()) : (Array.from(states.values()) as KeyState[]);
    const result: StoreItems = {};
    let i = 0;
    for (const key of states.keys()) {
      const { json } = loaded[i++]!;
      if (json !== null) result[key] = JSON.parse(json);
    }
    return result;
  }

  /**
   * Writes items by key; each key's slot file is fully written before the returned
   * promise resolves. Input items are not mutated; read the key back to learn its new eTag.
   *
   * @param changes Map of key -> item. Each item must be a non-null object (JSON-serializable);
   *   its `eTag` (string, optional) controls optimistic concurrency as described on the class.
   * @throws ReferenceError if `changes` is not an object; TypeError if an item is not an object.
   *   Per-key failures (eTag conflict Error, fs errors, unparsable existing file) do not stop
   *   the other keys from being written; after all keys settle, the first failure in key order
   *   is thrown.
   */
  async write(changes: StoreItems): Promise<void> {
    if (changes === null || typeof changes !== 'object') {
      throw new ReferenceError('Changes are required when writing.');
    }
    const entries = Object.entries(changes);
    for (const [key, item] of entries) {
      if (item === null || typeof item !== 'object') {
        throw new TypeError(`LowdbStorage: item for "${key}" must be a non-null object.`);
      }
    }
    const outcomes = await Promise.allSettled(entries.map(([key, item]) => this.#withLock(key, () => this.#writeOne(key, item))));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Deletes items by key (removes their files). Keys that do not exist are ignored.
   *
   * @param keys Keys to delete.
   * @throws ReferenceError if `keys` is not an array; fs errors other than ENOENT.
   */
  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) {
      throw new ReferenceError('Keys are required when deleting.');
    }
    await Promise.all(
      [...new Set(keys)].map((key) =>
        this.#withLock(key, async () => {
          await this.#ready;
          this.#cache.delete(key);
          // slot 1 first: a crash in between leaves slot 0 alone, which reads as the key (the delete did not finish)
          for (const file of this.slotPathsFor(key).reverse()) {
            try {
              await unlink(file);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            }
          }
        }),
      ),
    );
  }

  /** Runs `fn` after all previously queued operations on `key` have settled. */
  #withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    void tail.then(() => {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    });
    return run;
  }

  /**
   * Loads `key`'s state from cache or disk (must be called under the key's lock): reads both slots
   * and keeps the newest intact one (see the module notes).
   * @throws Error naming the file when a slot exists but neither slot holds an intact record for `key`.
   */
  async #load(key: string): Promise<KeyState> {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    await this.#ready;
    const files = this.slotPathsFor(key);
    // slot 1 is created by a key's second write and deleted before slot 0: no slot 0, no key
    const first = await new SlotFile(files[0]).read();
    const texts = [first, first === null ? null : await new SlotFile(files[1]).read()];
    let state: KeyState | undefined;
    let broken: Error | undefined;
    texts.forEach((text, slot) => {
      if (text === null) return;
      const version = parseSlot(text, key, files[slot]!);
      if (version instanceof Error) broken ??= version;
      else if (!state || version.seq > state.seq) state = { json: version.json, eTag: version.eTag, seq: version.seq, slot: slot as 0 | 1 };
    });
    if (!state && broken) throw broken;
    // remembered also when absent, so a key that is read every turn but rarely written costs no file access
    state ??= NEVER_WRITTEN;
    this.#cache.set(key, state);
    return state;
  }

  /** Compare-and-write of one key (must be called under the key's lock): overwrites the older slot. */
  async #writeOne(key: string, item: Record<string, unknown>): Promise<void> {
    const incomingETag = item.eTag;
    const unconditional = incomingETag === undefined || incomingETag === null || incomingETag === '' || incomingETag === '*';
    const current = await this.#load(key);
    if (!unconditional && current.json !== null && current.eTag !== incomingETag) throw eTagConflictError(key);
    // serialized once: the same text is the cache entry, the hashed text and, framed, the file
    const eTag = newETag();
    const json = JSON.stringify({ ...item, eTag });
    const next: KeyState = { json, eTag, seq: current.seq + 1, slot: current.slot === 0 ? 1 : 0 };
    const text = `{"key":${JSON.stringify(key)},"seq":${next.seq},"sha256":"${sha256(json)}","item":${json}}\n`;
    // the other slot holds the current version intact, so a torn new file here reads as no version
    const slot = new SlotFile(this.slotPathsFor(key)[next.slot], { createInPlace: current.json !== null });
    const db = new Low<string | null>(slot, text);
    try {
      await db.write();
    } catch (err) {
      // The slot may be torn now: forget what we know so the next access re-reads both slots.
      this.#cache.delete(key);
      throw err;
    }
    this.#cache.set(key, next);
  }
}
