import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startApp, type RunningApp } from '../../src/index.js';
import { loadConfig } from '../../src/config.js';

describe('auth on (MicrosoftAppId set)', () => {
  let app: RunningApp;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'csp-auth-'));
    app = await startApp(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
        MicrosoftAppPassword: 'not-a-real-secret',
      }),
    );
  });
  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses /api/messages without a Bot Framework token (401) and runs no turn', async () => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: 'continue',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        from: { id: 'u' },
        recipient: { id: 'b' },
        conversation: { id: 'c' },
        channelData: { tenant: { id: 'tenant-auth' } },
      }),
    });
    expect(res.status).to.equal(401);
    const stored = await app.storage.read(['tenants/tenant-auth/transition', 'msteams/conversations/c/']);
    expect(stored).to.deep.equal({});
  });

  it('has no development Direct Line surface', async () => {
    const res = await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST' });
    expect(res.status).to.equal(404);
    const connector = await fetch(`${app.url}/devconnector/v3/conversations/x/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(connector.status).to.equal(404);
  });

  it('still serves /healthz and a page that does not try the dev surface', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).to.equal(200);
    const page = await (await fetch(`${app.url}/`)).text();
    expect(page).to.not.contain('tokens/generate');
  });
});

describe('start-up with a bad provider directory', () => {
  it('fails, naming the file and the field', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'csp-bad-dir-'));
    const { writeFile } = await import('node:fs/promises');
    const file = path.join(dir, 'providers.json');
    await writeFile(
      file,
      JSON.stringify({
        providers: [
          {
            id: 'x-dist',
            name: 'X',
            website: 'https://x.example.com',
            headquarters: 'DE',
            countries: ['DE', 'XX'],
            services: {},
            supportTiers: [],
            languages: [],
            source: 'https://x.example.com',
            checked: '2026-11-01',
          },
        ],
      }),
    );
    try {
      await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', PROVIDER_DIRECTORY: file }));
      expect.fail('start-up should have failed');
    } catch (err) {
      expect((err as Error).name).to.equal('ProviderDirectoryError');
      expect((err as Error).message).to.contain(file);
      expect((err as Error).message).to.contain('providers[0].countries[1]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
