/**
 * botbuilder `Storage` backends that several bot instances can share (Azure Blob Storage, Azure
 * Cosmos DB), plus {@link createStorage}, which picks the backend from settings.
 *
 * All backends follow the contract of {@link LowdbStorage} / botbuilder's `MemoryStorage` (encoded
 * in `test/store/storageContract.ts`), in particular the rule `TenantRecords` relies on:
 * a write carrying an eTag CREATES a missing key, and fails with
 * `Error('Storage: error writing "<key>" due to eTag conflict.')` when the key exists with another
 * eTag, atomically, so of two concurrent creators exactly one wins. The botbuilder library
 * classes do not do that (`BlobsStorage` answers "eTag conflict" for a missing blob; the Cosmos
 * class upserts with IfMatch), hence the subclasses here, which replace `write` (plus, for Blob,
 * `read`/`delete` of the two keys `.` and `..` only, which the library cannot address).
 *
 * @module
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { json as readJsonStream } from 'node:stream/consumers';
import type { Storage, StoreItems } from 'botbuilder';
import { BlobsStorage, type BlobsStorageOptions } from 'botbuilder-azure-blobs';
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey.js';
import { CosmosDbKeyEscape, CosmosDbPartitionedStorage, type CosmosDbPartitionedStorageOptions } from 'botbuilder-azure';
import { LowdbStorage } from './lowdbStorage.js';
import type * as StorageBlobTypes from '@azure/storage-blob' with { 'resolution-mode': 'require' };
import type * as CosmosTypes from '@azure/cosmos' with { 'resolution-mode': 'require' };

// The Azure SDKs ship both ESM and CommonJS builds. The botbuilder packages `require` the CommonJS
// ones, so we load the very same CommonJS copies: one copy in memory, and a credential accepted by
// the library's `instanceof` check is also accepted by our client. (A caller passing a
// StorageSharedKeyCredential must therefore create it from the CommonJS build as well, e.g. via
// `createRequire`; `BlobsStorage` itself rejects one from the ESM build as 'Invalid credential type.')
const require = createRequire(import.meta.url);
type StorageBlobCjs = typeof StorageBlobTypes;
type CosmosCjs = typeof CosmosTypes;
const { ContainerClient } = require('@azure/storage-blob') as StorageBlobCjs;
const { CosmosClient } = require('@azure/cosmos') as CosmosCjs;
type ContainerClient = InstanceType<StorageBlobCjs['ContainerClient']>;
type BlockBlobUploadConditions = NonNullable<Parameters<ReturnType<ContainerClient['getBlockBlobClient']>['upload']>[2]>['conditions'];
type CosmosContainer = ReturnType<ReturnType<InstanceType<CosmosCjs['CosmosClient']>['database']>['container']>;
/** The credential types `BlobsStorage` accepts (shared key, anonymous, or an AAD token credential). */
export type BlobsCredential = NonNullable<ConstructorParameters<typeof BlobsStorage>[4]>;

/** Builds the exact eTag-conflict error (same message as MemoryStorage / LowdbStorage). */
function eTagConflictError(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}

/** True when the item's eTag asks for an unconditional write (absent, null, '' or '*'). */
function isUnconditional(eTag: unknown): boolean {
  return eTag === undefined || eTag === null || eTag === '' || eTag === '*';
}

/** The HTTP-ish status of an Azure SDK error: `statusCode` (storage RestError) or numeric `code` (Cosmos). */
function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  if (typeof code === 'number') return code;
  return undefined;
}

/**
 * Checks a `write` argument like LowdbStorage does.
 * @throws ReferenceError if `changes` is not an object; TypeError if an item is not a non-null object.
 */
function validateChanges(changes: StoreItems, who: string): [string, Record<string, unknown>][] {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    throw new ReferenceError('Changes are required when writing.');
  }
  const entries = Object.entries(changes) as [string, unknown][];
  for (const [key, item] of entries) {
    if (item === null || typeof item !== 'object') {
      throw new TypeError(`${who}: item for "${key}" must be a non-null object.`);
    }
  }
  return entries as [string, Record<string, unknown>][];
}

/** Runs `op` for every entry; after all settle, rethrows the first failure in key order. */
async function writeAll<T>(entries: T[], op: (entry: T) => Promise<void>): Promise<void> {
  const outcomes = await Promise.allSettled(entries.map(op));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The blob name used for `key`: `sanitizeBlobKey(key)` from botbuilder-azure-blobs (drops empty
 * `/` segments, URI-encodes, truncates to 1024 chars), i.e. the name `BlobsStorage` itself reads,
 * except that the two names a URL cannot address, `.` and `..` (the keys `.` and `..`, which the
 * library cannot read or write at all), become `%2E` and `%2E%2E`. `sanitizeBlobKey` never produces
 * those (it would encode `%` as `%25`), so no other key maps to them.
 *
 * Inherited from the library: keys that differ only by empty segments (`a/b`, `a/b/`, `a//b`) map
 * to the same blob, and so do keys whose encoded form agrees on its first 1024 chars.
 *
 * @throws Error('Please provide a non-empty key') for the empty key (from `sanitizeBlobKey`).
 */
export function blobNameFor(key: string): string {
  const name = sanitizeBlobKey(key);
  if (name === '.') return '%2E';
  if (name === '..') return '%2E%2E';
  return name;
}

/** True for the keys whose library blob name is not addressable (see {@link blobNameFor}). */
function needsOwnName(key: string): boolean {
  if (typeof key !== 'string' || key === '') return false; // let the library report these
  const name = sanitizeBlobKey(key);
  return name === '.' || name === '..';
}

/**
 * Azure Blob Storage `Storage` (one JSON blob per key, blob name {@link blobNameFor}) with the
 * LowdbStorage/MemoryStorage eTag contract, safe to share between bot instances.
 *
 * `write(changes)`, per key (keys in parallel; all are attempted; after all settle the first
 * failure in key order is thrown, as LowdbStorage does):
 * - item eTag absent / null / `''` / `'*'`: unconditional upload (as `BlobsStorage`);
 * - any other eTag: upload with `ifMatch: eTag`. If Azure refuses with 412 or 404 (a missing blob
 *   fails an If-Match; which status depends on the service), it retries ONCE as create-only
 *   (`ifNoneMatch: '*'`): that succeeds only if the blob still does not exist, so a missing key is
 *   created and, of concurrent creators, exactly one wins. A 409/412 on the retry (the blob exists:
 *   wrong eTag, or someone else created it) throws
 *   `Error('Storage: error writing "<key>" due to eTag conflict.')`. Other errors are rethrown as is.
 * - The stored body is `JSON.stringify` of the item without `eTag` (UTF-8, content type
 *   `application/json`); the eTag read back is the blob's HTTP ETag (a quoted string).
 *
 * `read` and `delete` are the library's (same blob names, same JSON layout, so blobs written by a
 * plain `BlobsStorage` are read and updated as usual), except for the keys `.` and `..`, handled
 * here because the library cannot address them. The container is created if missing before the
 * first write (memoized; retried after a failure) and by the library before the first read/delete.
 *
 * Errors: `write` throws ReferenceError/TypeError for a malformed `changes` argument, the conflict
 * error above, `Error('Please provide a non-empty key')` for `''`, and Azure `RestError`s
 * (network, auth, ...) unchanged.
 */
export class SharedBlobsStorage extends BlobsStorage {
  /** Our own client for the same container: the library's is private. */
  readonly #container: ContainerClient;
  /** Memoized `createIfNotExists` of the container; reset when it fails. */
  #ready: Promise<unknown> | undefined;

  /**
   * Same arguments as `BlobsStorage`: either `connectionString` + `containerName`, or (when both
   * `url` and `credential` are given) a container `url` + credential; `options.storagePipelineOptions`
   * is passed to the client.
   * @throws as `BlobsStorage` (zod error for non-string arguments, ReferenceError for a bad credential).
   */
  constructor(connectionString: string, containerName: string, options?: BlobsStorageOptions, url = '', credential?: BlobsCredential) {
    super(connectionString, containerName, options, url, credential);
    this.#container =
      url !== '' && credential != null
        ? new ContainerClient(url, credential, options?.storagePipelineOptions)
        : new ContainerClient(connectionString, containerName, options?.storagePipelineOptions);
  }

  /** Reads keys (see the class doc); keys that do not exist are absent from the result. */
  override async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys) || !keys.some(needsOwnName)) return super.read(keys);
    const own = [...new Set(keys.filter(needsOwnName))];
    const [items, ownItems] = await Promise.all([super.read(keys.filter((k) => !needsOwnName(k))), Promise.all(own.map((k) => this.#readOwn(k)))]);
    own.forEach((key, i) => {
      if (ownItems[i] !== undefined) items[key] = ownItems[i];
    });
    return items;
  }

  /** Deletes keys; missing keys are ignored (see the class doc). */
  override async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys) || !keys.some(needsOwnName)) return super.delete(keys);
    await Promise.all([
      super.delete(keys.filter((k) => !needsOwnName(k))),
      ...keys.filter(needsOwnName).map((k) =>
        this.#container.deleteBlob(blobNameFor(k)).catch((err: unknown) => {
          if (statusOf(err) !== 404) throw err;
        }),
      ),
    ]);
  }

  /** Writes items with create-on-missing eTag semantics (see the class doc). */
  override async write(changes: StoreItems): Promise<void> {
    const entries = validateChanges(changes, 'SharedBlobsStorage');
    if (entries.length === 0) return;
    await this.#ensureContainer();
    await writeAll(entries, ([key, item]) => this.#writeOne(key, item));
  }

  /** Creates the container once per instance (memoized); a failure is retried on the next write. */
  #ensureContainer(): Promise<unknown> {
    if (!this.#ready) {
      this.#ready = this.#container.createIfNotExists().catch((err: unknown) => {
        this.#ready = undefined;
        throw err;
      });
    }
    return this.#ready;
  }

  async #writeOne(key: string, item: Record<string, unknown>): Promise<void> {
    const { eTag, ...rest } = item;
    const body = Buffer.from(JSON.stringify(rest), 'utf8');
    const blob = this.#container.getBlockBlobClient(blobNameFor(key));
    const upload = (conditions: BlockBlobUploadConditions) =>
      blob.upload(body, body.byteLength, { conditions, blobHTTPHeaders: { blobContentType: 'application/json' } });

    if (isUnconditional(eTag)) {
      await upload({});
      return;
    }
    try {
      await upload({ ifMatch: String(eTag) });
      return;
    } catch (err) {
      const status = statusOf(err);
      if (status !== 412 && status !== 404) throw err;
    }
    // If-Match failed: either the blob is missing (then create it) or its eTag differs (conflict).
    // Create-only decides atomically which one it is.
    try {
      await upload({ ifNoneMatch: '*' });
    } catch (err) {
      const status = statusOf(err);
      if (status === 409 || status === 412) throw eTagConflictError(key);
      throw err;
    }
  }

  /** Reads one key the library cannot address (same layout as the library's read). */
  async #readOwn(key: string): Promise<Record<string, unknown> | undefined> {
    try {
      const res = await this.#container.getBlobClient(blobNameFor(key)).download();
      if (!res.readableStreamBody) return undefined;
      const parsed = (await readJsonStream(res.readableStreamBody)) as Record<string, unknown>;
      return { ...parsed, eTag: res.etag };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }
}

/**
 * Azure Cosmos DB `Storage` (botbuilder's partitioned layout: container partitioned on `/id`, one
 * document `{ id: <escaped key>, realId: <key>, document: <item without eTag> }` per key) with the
 * LowdbStorage/MemoryStorage eTag contract, safe to share between bot instances.
 *
 * `write(changes)`, per key (keys in parallel; all are attempted; the first failure in key order is
 * thrown after all settle):
 * - eTag absent / null / `''` / `'*'`: `items.upsert(doc)` (unconditional, as the library);
 * - any other eTag: `item(id, id).replace(doc, { accessCondition: IfMatch eTag })`; a 412 means the
 *   document exists with another eTag → conflict error; a 404 means it is missing → `items.create(doc)`,
 *   which fails with 409 (or 412) if someone else created it first → conflict error. The conflict
 *   error is `Error('Storage: error writing "<key>" due to eTag conflict.')`; other SDK errors are
 *   rethrown as is (without the library's nesting-depth hint).
 *
 * `read`, `delete` and container creation (`initialize`, public) are the library's. Only
 * `compatibilityMode: false` is supported (its default here): with compatibility mode the library
 * may use a legacy partition key, which this write path does not handle.
 *
 * UNTESTED HERE: no Cosmos emulator is available offline; the contract suite runs against a real
 * account when `COSMOS_ENDPOINT` and `COSMOS_KEY` are set (see test/store/sharedStorage.test.ts).
 */
export class SharedCosmosStorage extends CosmosDbPartitionedStorage {
  readonly #options: CosmosDbPartitionedStorageOptions;
  #container: CosmosContainer | undefined;

  /**
   * @param options as for `CosmosDbPartitionedStorage`; `compatibilityMode` defaults to false.
   * @throws TypeError if `compatibilityMode` is true; otherwise as the library (ReferenceError for
   *   missing endpoint, key/credential, databaseId or containerId).
   */
  constructor(options: CosmosDbPartitionedStorageOptions) {
    if (options?.compatibilityMode === true) {
      throw new TypeError('SharedCosmosStorage: compatibilityMode must be false.');
    }
    // a copy: the library fills in endpoint/authKey from cosmosClientOptions on the object it gets
    const own = options ? { ...options, compatibilityMode: false } : options;
    super(own);
    this.#options = own;
  }

  /** Writes items with create-on-missing eTag semantics (see the class doc). */
  override async write(changes: StoreItems): Promise<void> {
    const entries = validateChanges(changes, 'SharedCosmosStorage');
    if (entries.length === 0) return;
    await this.initialize(); // the library creates the container (partition key /id) if missing
    const container = this.#getContainer();
    await writeAll(entries, async ([key, item]) => {
      const { eTag, ...document } = item;
      const id = CosmosDbKeyEscape.escapeKey(key, this.#options.keySuffix, false);
      const doc = { id, realId: key, document };
      if (isUnconditional(eTag)) {
        await container.items.upsert(doc);
        return;
      }
      try {
        await container.item(id, id).replace(doc, { accessCondition: { type: 'IfMatch', condition: String(eTag) } });
        return;
      } catch (err) {
        const status = statusOf(err);
        if (status === 412) throw eTagConflictError(key);
        if (status !== 404) throw err;
      }
      try {
        await container.items.create(doc);
      } catch (err) {
        const status = statusOf(err);
        if (status === 409 || status === 412) throw eTagConflictError(key);
        throw err;
      }
    });
  }

  /** Our own handle on the library's container (built like the library's client; its own is private). */
  #getContainer(): CosmosContainer {
    if (!this.#container) {
      const o = this.#options;
      const endpoint = o.cosmosDbEndpoint ?? o.cosmosClientOptions?.endpoint ?? '';
      const client = o.tokenCredential
        ? new CosmosClient({ endpoint, aadCredentials: o.tokenCredential, ...o.cosmosClientOptions })
        : new CosmosClient({ endpoint, key: o.authKey, ...o.cosmosClientOptions });
      this.#container = client.database(o.databaseId).container(o.containerId);
    }
    return this.#container;
  }
}

/** Which storage backend {@link createStorage} builds. */
export type StorageBackend = 'lowdb' | 'blob' | 'cosmos';

/** Settings for {@link createStorage}. Only the selected backend's section is required. */
export interface StorageSettings {
  /** `lowdb`: files under `<dataDir>/store` (single instance only); `blob`/`cosmos`: shared. */
  backend: StorageBackend;
  /** Data folder; the lowdb store lives in `<dataDir>/store`. */
  dataDir: string;
  /** Azure Blob Storage: connection string and container name (created if missing). */
  blob?: { connectionString: string; container: string };
  /** Azure Cosmos DB: account endpoint, key, existing database, container (created if missing). */
  cosmos?: { endpoint: string; key: string; database: string; container: string };
}

/**
 * Builds the bot's `Storage` for `settings.backend`:
 * - `lowdb` → `new LowdbStorage({ dir: path.join(dataDir, 'store') })`;
 * - `blob` → {@link SharedBlobsStorage} on `blob.connectionString` / `blob.container`;
 * - `cosmos` → {@link SharedCosmosStorage} (compatibilityMode false) on `cosmos.*`.
 * No network access happens here (containers are created on first use).
 *
 * @throws Error naming the missing setting when the selected backend's section or one of its
 *   fields is missing/empty (or `dataDir` for lowdb), or when `backend` is unknown.
 */
export function createStorage(settings: StorageSettings): Storage {
  const missing = (what: string): Error => new Error(`createStorage: backend "${settings.backend}" needs ${what}.`);
  const requireFields = <T extends object>(section: T | undefined, name: string, fields: (keyof T & string)[]): T => {
    if (!section) throw missing(`the "${name}" settings (${fields.join(', ')})`);
    for (const f of fields) {
      const v = section[f];
      if (typeof v !== 'string' || v.trim() === '') throw missing(`"${name}.${f}"`);
    }
    return section;
  };
  switch (settings.backend) {
    case 'lowdb':
      if (typeof settings.dataDir !== 'string' || settings.dataDir === '') throw missing('"dataDir"');
      return new LowdbStorage({ dir: path.join(settings.dataDir, 'store') });
    case 'blob': {
      const blob = requireFields(settings.blob, 'blob', ['connectionString', 'container']);
      return new SharedBlobsStorage(blob.connectionString, blob.container);
    }
    case 'cosmos': {
      const cosmos = requireFields(settings.cosmos, 'cosmos', ['endpoint', 'key', 'database', 'container']);
      return new SharedCosmosStorage({
        cosmosDbEndpoint: cosmos.endpoint,
        authKey: cosmos.key,
        databaseId: cosmos.database,
        containerId: cosmos.container,
        compatibilityMode: false,
      });
    }
    default:
      throw new Error(`createStorage: unknown storage backend "${String((settings as { backend: unknown }).backend)}" (expected lowdb, blob or cosmos).`);
  }
}
