/**
 * `npx tsx bench/partnerCenter.ts` (part of `npm run bench`): connected mode against the local
 * Partner Center fake (src/partnerCenter/fakeServer.ts, documented shapes) on 127.0.0.1, with
 * 10,000 SYNTHETIC customers (`customer42.onmicrosoft.com`) in the documented Customer shape, plus
 * the documented examples.
 *
 * Phases: reading every customer through the typed client (src/partnerCenter/client.ts) with 100
 * per page (about 100 requests) and 500 per page (about 20); then the whole connected import,
 * `CustomerService.syncFromPartnerCenter` on a lowdb store: read the customers and the 3,000 of them
 * that two indirect providers serve (filtered lists), classify, save (a fresh tenant per run). One
 * warm-up, then 5 timed runs each; mean, p50 and max in ms against the budget of 2,000 ms
 * for importing and classifying 10,000 customers. BENCH_STRICT=1 exits 1 on a missed budget.
 */
import { rmSync } from 'node:fs';
import { PartnerCenterClient } from '../src/partnerCenter/client.js';
import { FakePartnerCenter } from '../src/partnerCenter/fakeServer.js';
import { documentedData } from '../test/support/partnerCenterData.js';
import { percentile } from './stats.js';
import { benchAssistant, benchDataDir } from './workDir.js';

const CUSTOMERS = 10_000;
const RUNS = 5;

type Row = Record<string, string | number | boolean>;

/** One warm-up, then {@link RUNS} timed runs of `body`: the table row for `name`. */
async function timed(name: string, body: (run: number) => Promise<unknown>): Promise<Row> {
  const times: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const t0 = performance.now();
    await body(run);
    if (run > 0) times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    case: name,
    runs: RUNS,
    'mean ms': +(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1),
    'p50 ms': +percentile(sorted, 50).toFixed(1),
    'max ms': +sorted.at(-1)!.toFixed(1),
    '< 2000 ms': sorted.at(-1)! < 2000,
  };
}

/** The connected import, end to end on a lowdb store. */
async function importRow(fake: FakePartnerCenter, total: number, storeDir: string): Promise<Row> {
  const { services } = benchAssistant(storeDir);
  const client = new PartnerCenterClient({ baseUrl: fake.url, token: async () => 'fake-token' });
  let report = { directBill: 0, indirectReseller: 0 };
  const row = await timed(`connected import: read, classify and save ${total.toLocaleString('en-US')} customers, 2 providers`, async (run) => {
    report = await services.customers.syncFromPartnerCenter(`bench-${run}`, client);
  });
  return { ...row, case: `${row.case} (${report.directBill} direct bill, ${report.indirectReseller} indirect)` };
}

async function main(): Promise<void> {
  const fake = new FakePartnerCenter(documentedData(CUSTOMERS));
  await fake.start();
  const total = fake.data.customers.length;
  // two indirect providers serve 3,000 of the customers, 1,500 each
  const [first, second] = fake.data.indirectProviders;
  fake.data.providerOfCustomer = Object.fromEntries(fake.data.customers.slice(0, 3000).map((c, i) => [c.id, (i % 2 ? second : first)!.id]));
  const storeDir = benchDataDir('csp-bench-partner-center-');
  const rows: Row[] = [];
  try {
    for (const pageSize of [100, 500]) {
      const client = new PartnerCenterClient({ baseUrl: fake.url, token: async () => 'fake-token', pageSize });
      rows.push(
        await timed(`read ${total.toLocaleString('en-US')} customers, ${pageSize} per page (${Math.ceil(total / pageSize)} requests)`, () =>
          client.customers(),
        ),
      );
    }
    rows.push(await importRow(fake, total, storeDir));
  } finally {
    await fake.stop();
    rmSync(storeDir, { recursive: true, force: true });
  }
  console.log(
    `Partner Center, connected mode: ${total.toLocaleString('en-US')} customers (${CUSTOMERS.toLocaleString('en-US')} synthetic + the documented examples) from the local fake`,
  );
  console.table(rows);
  if (process.env.BENCH_STRICT === '1' && rows.some((r) => r['< 2000 ms'] === false)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
