import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../../src/config.js';
import { readCsv } from '../../src/customers/csvAttachment.js';
import { startApp, type RunningApp } from '../../src/index.js';

const TENANT = 'tenant-export';
const ada = { id: 'ada', name: 'Ada' };

describe('customer CSV export over HTTP (real server, lowdb in a temp dir)', () => {
  let dir: string;
  let app: RunningApp;
  const clock = { now: new Date('2026-11-21T09:00:00Z') };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'csp-export-'));
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }), { clock: () => clock.now });
    await app.customers.importCsv(TENANT, ada, 'Name,Domain\n"Tailspin, Inc.",tailspin.com\n=HYPERLINK("x"),evil.com\nFabrikam,fabrikam.com\n');
    await app.customers.answer(TENANT, ada, 'fabrikam.com', 'canAddProducts');
  });

  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads the classified list as CSV, with headers in the reader language and formulas neutralized', async () => {
    const res = await fetch(app.customers.exportUrl(TENANT), { headers: { 'accept-language': 'en-US' } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const rows = parse((await res.text()).replace(/^\ufeff/, '')) as string[][];
    expect(rows[0]).to.include.members(['Customer name', 'Primary domain', 'Class']);
    const byName = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
    expect(byName['Fabrikam']).to.include('Direct bill');
    expect(byName['Tailspin, Inc.']).to.include('Not yet known');
    expect(Object.keys(byName)).to.include('\'=HYPERLINK("x")');
  });

  it('refuses a tampered link (404) and an expired one (410), without the data', async () => {
    const url = app.customers.exportUrl(TENANT);
    const tampered = url.replace(/customers\/(.)/, (_m, c: string) => `customers/${c === 'A' ? 'B' : 'A'}`);
    const bad = await fetch(tampered);
    expect(bad.status).to.equal(404);
    expect(await bad.text()).to.not.contain('Fabrikam');
    clock.now = new Date(clock.now.getTime() + 3_600_001);
    const late = await fetch(url);
    expect(late.status).to.equal(410);
    expect(await late.text()).to.match(/expired/);
    clock.now = new Date('2026-11-21T09:00:00Z');
  });
});

describe('reading an attached CSV file', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok.csv') return void res.end('Name,Domain\nFabrikam,fabrikam.com\n');
      if (req.url === '/big.csv') {
        res.writeHead(200, { 'content-type': 'text/csv' });
        const chunk = 'x'.repeat(1024 * 1024);
        for (let i = 0; i < 6; i++) res.write(chunk);
        return void res.end();
      }
      // restify patches ServerResponse in this process: writeHead doesn't return the response
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("downloads, refuses files over 5 MB, unreachable files, and hosts other than the channels' file stores", async () => {
    const local = { allowLoopback: true };
    expect(await readCsv(`${base}/ok.csv`, local)).to.deep.equal({ ok: true, text: 'Name,Domain\nFabrikam,fabrikam.com\n' });
    expect(await readCsv(`${base}/big.csv`, local)).to.deep.equal({ ok: false, problem: 'tooLarge' });
    expect(await readCsv(`${base}/missing.csv`, local)).to.deep.equal({ ok: false, problem: 'unreachable' });
    // without the local-development allowance, an internal address is never fetched (SSRF)
    expect(await readCsv(`${base}/ok.csv`)).to.deep.equal({ ok: false, problem: 'unsupportedUrl' });
    expect(await readCsv('http://169.254.169.254/latest/meta-data')).to.deep.equal({ ok: false, problem: 'unsupportedUrl' });
    expect(await readCsv('https://evil.example/x.csv')).to.deep.equal({ ok: false, problem: 'unsupportedUrl' });
    expect(await readCsv('file:///etc/passwd')).to.deep.equal({ ok: false, problem: 'unsupportedUrl' });
  });
});
