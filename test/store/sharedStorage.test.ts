import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { CosmosClient } from '@azure/cosmos';
import { expect } from 'chai';
import { isETagConflict, LowdbStorage } from '../../src/store/lowdbStorage.js';
import { blobNameFor, createStorage, SharedBlobsStorage, SharedCosmosStorage, type StorageSettings } from '../../src/store/sharedStorage.js';
import { startAzurite, uniqueContainer, type AzuriteHandle } from '../support/azurite.js';
import { rejectionOf, storageContract } from './storageContract.js';

describe('shared storage backends', () => {
  describe('on Azurite (Azure Blob Storage emulator)', () => {
    let azurite: AzuriteHandle | undefined;
    /** Containers created by the current test; deleted after it. */
    let containers: string[] = [];

    before(async function () {
      this.timeout(30_000);
      azurite = await startAzurite();
    });

    after(async () => {
      await azurite?.stop();
      azurite = undefined;
    });

    function connectionString(): string {
      if (!azurite) throw new Error('Azurite is not running');
      return azurite.connectionString;
    }

    /** A fresh container name, deleted (if created) after the current test. */
    function freshContainer(prefix: string): string {
      const name = uniqueContainer(prefix);
      containers.push(name);
      return name;
    }

    afterEach(async () => {
      const names = containers;
      containers = [];
      if (azurite) await Promise.all(names.map((n) => new ContainerClient(connectionString(), n).deleteIfExists()));
    });

    storageContract('SharedBlobsStorage (Azurite)', async () => {
      const name = uniqueContainer('contract');
      return {
        storage: new SharedBlobsStorage(connectionString(), name),
        cleanup: async () => {
          await new ContainerClient(connectionString(), name).deleteIfExists();
        },
      };
    });

    describe('SharedBlobsStorage specifics', () => {
      it('round-trips German, Russian and Chinese text (stored as UTF-8 JSON with the byte length)', async () => {
        const container = freshContainer('utf8');
        const storage = new SharedBlobsStorage(connectionString(), container);
        const value = {
          de: 'Größenänderung für Übergänge: „Wiederverkäufer“ ß',
          ru: 'Переход к непрямому реселлеру — ёжик',
          zh: '间接经销商过渡助手，合作伙伴中心',
          emoji: '🚀✅',
          nested: { 'schlüssel-ключ-键': ['ä', 'я', '中'] },
        };
        await storage.write({ 'tenants/ü/transition': value });
        const fresh = new SharedBlobsStorage(connectionString(), container);
        const got = (await fresh.read(['tenants/ü/transition']))['tenants/ü/transition'];
        const { eTag, ...rest } = got;
        expect(rest).to.deep.equal(value);
        expect(eTag).to.be.a('string');
        const props = await new ContainerClient(connectionString(), container).getBlobClient(blobNameFor('tenants/ü/transition')).getProperties();
        expect(props.contentType).to.equal('application/json');
        expect(props.contentLength).to.equal(Buffer.byteLength(JSON.stringify(value)));
        // and an eTag-conditioned update of a non-ASCII item works
        await fresh.write({ 'tenants/ü/transition': { ...got, de: 'Änderung' } });
        expect((await storage.read(['tenants/ü/transition']))['tenants/ü/transition'].de).to.equal('Änderung');
      });

      it('two instances on one container see each other and conflict by eTag', async () => {
        const container = freshContainer('shared');
        const a = new SharedBlobsStorage(connectionString(), container);
        const b = new SharedBlobsStorage(connectionString(), container);
        await a.write({ k: { v: 1 } });
        const fromB = (await b.read(['k'])).k;
        expect(fromB.v).to.equal(1);
        const fromA = (await a.read(['k'])).k;
        expect(fromA.eTag).to.equal(fromB.eTag);

        await b.write({ k: { ...fromB, v: 2 } });
        const err = await rejectionOf(a.write({ k: { ...fromA, v: 3 } }));
        expect((err as Error).message).to.equal('Storage: error writing "k" due to eTag conflict.');
        expect((await a.read(['k'])).k.v).to.equal(2);

        // a create by one instance makes the other's create a conflict
        await a.write({ created: { by: 'a', eTag: 'expected-new-record' } });
        const err2 = await rejectionOf(b.write({ created: { by: 'b', eTag: 'expected-new-record' } }));
        expect(isETagConflict(err2)).to.equal(true);
        expect((await b.read(['created'])).created.by).to.equal('a');

        await b.delete(['k']);
        expect(await a.read(['k'])).to.deep.equal({});
      });

      it('loses no increment with 50 concurrent read-modify-write writers spread over two instances', async () => {
        const container = freshContainer('counter');
        const instances: Storage[] = [new SharedBlobsStorage(connectionString(), container), new SharedBlobsStorage(connectionString(), container)];
        const key = 'tenants/t1/counter';
        await instances[0]!.write({ [key]: { n: 0, by: [] } });
        let conflicts = 0;
        const writer = async (id: number): Promise<void> => {
          const storage = instances[id % 2]!;
          for (let attempt = 0; attempt < 1000; attempt++) {
            const cur = (await storage.read([key]))[key];
            try {
              await storage.write({ [key]: { ...cur, n: cur.n + 1, by: [...cur.by, id] } });
              return;
            } catch (err) {
              if (!isETagConflict(err)) throw err;
              conflicts++;
              // exponential backoff with jitter: fewer wasted round trips than a flat 0-5 ms
              await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 4 * 2 ** attempt)));
            }
          }
          throw new Error(`writer ${id} gave up`);
        };
        await Promise.all(Array.from({ length: 50 }, (_, i) => writer(i)));
        const final = (await instances[1]!.read([key]))[key];
        expect(final.n).to.equal(50);
        expect([...final.by].sort((x: number, y: number) => x - y)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
        expect(conflicts).to.be.greaterThan(0);
      });

      it('keeps writing the other keys when one key of a multi-key write conflicts, then throws that conflict', async () => {
        const storage = new SharedBlobsStorage(connectionString(), freshContainer('multi'));
        await storage.write({ x: { v: 1 } });
        const x = (await storage.read(['x'])).x;
        await storage.write({ x: { ...x, v: 2 } });
        const err = await rejectionOf(storage.write({ a: { v: 'a' }, x: { ...x, v: 3 }, y: { v: 'y', eTag: 'expected-new-record' } }));
        expect((err as Error).message).to.equal('Storage: error writing "x" due to eTag conflict.');
        const items = await storage.read(['a', 'x', 'y']);
        expect([items.a?.v, items.x?.v, items.y?.v]).to.deep.equal(['a', 2, 'y']);
      });

      it('reads and updates blobs written by the plain library BlobsStorage (same names and layout)', async () => {
        const container = freshContainer('compat');
        const plain = new BlobsStorage(connectionString(), container);
        await plain.write({ 'webchat/conversations/abc|def': { step: 'verify' } });
        const shared = new SharedBlobsStorage(connectionString(), container);
        const got = (await shared.read(['webchat/conversations/abc|def']))['webchat/conversations/abc|def'];
        expect(got.step).to.equal('verify');
        await shared.write({ 'webchat/conversations/abc|def': { ...got, step: 'done' } });
        expect((await plain.read(['webchat/conversations/abc|def']))['webchat/conversations/abc|def'].step).to.equal('done');
      });

      it("stores the keys '.' and '..' (which the library cannot address) under %2E names", async () => {
        expect(blobNameFor('.')).to.equal('%2E');
        expect(blobNameFor('..')).to.equal('%2E%2E');
        expect(blobNameFor('%2E%2E')).to.equal('%252E%252E');
        expect(blobNameFor('a/b|c')).to.equal('a%2Fb%7Cc');
        const container = freshContainer('dots');
        const storage = new SharedBlobsStorage(connectionString(), container);
        await storage.write({ '.': { v: 'one' }, '..': { v: 'two' }, '%2E%2E': { v: 'three' }, '...': { v: 'four' } });
        const items = await storage.read(['.', '..', '%2E%2E', '...', 'missing']);
        expect(Object.fromEntries(Object.entries(items).map(([k, v]) => [k, v.v]))).to.deep.equal({
          '.': 'one',
          '..': 'two',
          '%2E%2E': 'three',
          '...': 'four',
        });
        await storage.write({ '..': { ...items['..'], v: 'two-b' } });
        const err = await rejectionOf(storage.write({ '..': { ...items['..'], v: 'stale' } }));
        expect(isETagConflict(err)).to.equal(true);
        await storage.delete(['.', '..', 'missing']);
        expect(Object.keys(await storage.read(['.', '..', '%2E%2E', '...'])).sort()).to.deep.equal(['%2E%2E', '...']);
        // the library itself cannot handle '..' (documents why the override exists)
        await rejectionOf(new BlobsStorage(connectionString(), container).write({ '..': { v: 1 } }));
      });

      it('creates the container on the first write and keeps working if it already exists', async () => {
        const container = freshContainer('create');
        const client = new ContainerClient(connectionString(), container);
        expect(await client.exists()).to.equal(false);
        await new SharedBlobsStorage(connectionString(), container).write({ k: { v: 1 } });
        expect(await client.exists()).to.equal(true);
        await new SharedBlobsStorage(connectionString(), container).write({ k2: { v: 2, eTag: 'expected-new-record' } });
        expect(Object.keys(await new SharedBlobsStorage(connectionString(), container).read(['k', 'k2'])).sort()).to.deep.equal(['k', 'k2']);
      });

      it('the plain library BlobsStorage breaks the create-on-missing rule (why SharedBlobsStorage exists)', async () => {
        const plain = new BlobsStorage(connectionString(), freshContainer('plain'));
        const err = await rejectionOf(plain.write({ fresh: { v: 1, eTag: 'expected-new-record' } }));
        expect((err as Error).message).to.equal('Storage: error writing "fresh" due to eTag conflict.');
        expect(await plain.read(['fresh'])).to.deep.equal({});
      });

      it('isETagConflict recognizes Azure 412 errors (statusCode) and Cosmos-style code 412', async () => {
        const container = freshContainer('rest412');
        const client = new ContainerClient(connectionString(), container);
        await client.create();
        const blob = client.getBlockBlobClient('b');
        await blob.upload('{}', 2);
        const err = await rejectionOf(blob.upload('{}', 2, { conditions: { ifMatch: '"not-the-etag"' } }));
        expect((err as { statusCode?: number }).statusCode).to.equal(412);
        expect(isETagConflict(err)).to.equal(true);
        const cosmosLike = Object.assign(new Error('[Error upserting document] Precondition failed'), { code: 412 });
        expect(isETagConflict(cosmosLike)).to.equal(true);
        expect(isETagConflict(Object.assign(new Error('not found'), { statusCode: 404 }))).to.equal(false);
        expect(isETagConflict(Object.assign(new Error('conflict'), { code: '412' }))).to.equal(false);
        expect(isETagConflict({ statusCode: 412, message: 'not an Error' })).to.equal(false);
      });
    });

    describe('createStorage', () => {
      let dataDir: string;

      beforeEach(async () => {
        dataDir = await mkdtemp(path.join(os.tmpdir(), 'create-storage-test-'));
      });

      afterEach(async () => {
        await rm(dataDir, { recursive: true, force: true });
      });

      it('lowdb → LowdbStorage under <dataDir>/store', async () => {
        const storage = createStorage({ backend: 'lowdb', dataDir });
        expect(storage).to.be.instanceOf(LowdbStorage);
        expect((storage as LowdbStorage).dir).to.equal(path.join(dataDir, 'store'));
        await storage.write({ k: { v: 1 } });
        expect((await stat(path.join(dataDir, 'store'))).isDirectory()).to.equal(true);
      });

      it('blob → SharedBlobsStorage on the given connection string and container', async () => {
        const container = freshContainer('factory');
        const storage = createStorage({ backend: 'blob', dataDir, blob: { connectionString: connectionString(), container } });
        expect(storage).to.be.instanceOf(SharedBlobsStorage);
        await storage.write({ k: { v: 1, eTag: 'expected-new-record' } });
        expect((await new SharedBlobsStorage(connectionString(), container).read(['k'])).k.v).to.equal(1);
      });

      it('cosmos → SharedCosmosStorage (constructed without network access)', () => {
        const storage = createStorage({
          backend: 'cosmos',
          dataDir,
          cosmos: { endpoint: 'https://example.documents.azure.com:443/', key: 'a2V5', database: 'bot', container: 'state' },
        });
        expect(storage).to.be.instanceOf(SharedCosmosStorage);
      });

      it('throws a clear Error when the backend settings are missing or incomplete', () => {
        const cases: [StorageSettings, RegExp][] = [
          [{ backend: 'blob', dataDir }, /backend "blob" needs the "blob" settings \(connectionString, container\)/],
          [{ backend: 'blob', dataDir, blob: { connectionString: '', container: 'c' } }, /backend "blob" needs "blob\.connectionString"/],
          [{ backend: 'blob', dataDir, blob: { connectionString: 'x', container: ' ' } }, /backend "blob" needs "blob\.container"/],
          [{ backend: 'cosmos', dataDir }, /backend "cosmos" needs the "cosmos" settings \(endpoint, key, database, container\)/],
          [{ backend: 'cosmos', dataDir, cosmos: { endpoint: 'https://x', key: '', database: 'd', container: 'c' } }, /backend "cosmos" needs "cosmos\.key"/],
          [{ backend: 'lowdb', dataDir: '' }, /backend "lowdb" needs "dataDir"/],
          [{ backend: 'mongo' as never, dataDir }, /unknown storage backend "mongo"/],
        ];
        for (const [settings, message] of cases) {
          expect(() => createStorage(settings), JSON.stringify(settings)).to.throw(Error, message);
        }
      });

      it('SharedCosmosStorage refuses compatibilityMode true', () => {
        expect(
          () => new SharedCosmosStorage({ cosmosDbEndpoint: 'https://x', authKey: 'a2V5', databaseId: 'd', containerId: 'c', compatibilityMode: true }),
        ).to.throw(TypeError, /compatibilityMode must be false/);
      });
    });
  });

  const cosmosEndpoint = process.env.COSMOS_ENDPOINT;
  const cosmosKey = process.env.COSMOS_KEY;
  if (cosmosEndpoint && cosmosKey) {
    describe('on Azure Cosmos DB (COSMOS_ENDPOINT)', () => {
      const database = process.env.COSMOS_DATABASE ?? 'bot-storage-tests';
      const client = new CosmosClient({ endpoint: cosmosEndpoint, key: cosmosKey });

      before(async function () {
        this.timeout(60_000);
        await client.databases.createIfNotExists({ id: database });
      });

      after(() => client.dispose());

      storageContract('SharedCosmosStorage (live Cosmos DB)', async () => {
        const container = uniqueContainer('contract');
        return {
          storage: new SharedCosmosStorage({ cosmosDbEndpoint: cosmosEndpoint, authKey: cosmosKey, databaseId: database, containerId: container }),
          cleanup: async () => {
            await client
              .database(database)
              .container(container)
              .delete()
              .catch(() => undefined);
          },
        };
      });
    });
  } else {
    describe.skip('on Azure Cosmos DB: skipped, set COSMOS_ENDPOINT and COSMOS_KEY (optional COSMOS_DATABASE) to run; there is no Cosmos emulator offline', () => {
      it('Storage contract: SharedCosmosStorage (live Cosmos DB)', () => undefined);
    });
  }
});
