/**
 * `npx tsx bench/partnerCenter.ts` (part of `npm run bench`): reading a partner's 10,000 customers
 * from Partner Center through the typed client (src/partnerCenter/client.ts), page by page, from
 * the local fake (src/partnerCenter/fakeServer.ts, documented shapes) on 127.0.0.1. Customers are
 * SYNTHETIC (`customer42.onmicrosoft.com`), generated in the documented Customer shape.
 *
 * Phases: all customers with the default page size (100 per page, 100 requests), and with 500 per
 * page (20 requests); one warm-up, then 5 timed runs each; mean, p50 and max in ms. The issue's
 * budget for importing and classifying 10,000 customers is 2,000 ms; this is the reading part
 * (classification from Partner Center data comes with the connected customer journey).
 */
import { PartnerCenterClient } from '../src/partnerCenter/client.js';
import { FakePartnerCenter } from '../src/partnerCenter/fakeServer.js';
import { documentedData } from '../test/support/partnerCenterData.js';
import { percentile } from './stats.js';

const CUSTOMERS = 10_000;
const RUNS = 5;

async function main(): Promise<void> {
  const fake = new FakePartnerCenter(documentedData(CUSTOMERS));
  await fake.start();
  const total = fake.data.customers.length;
  const rows: Array<Record<string, string | number | boolean>> = [];
  try {
    for (const pageSize of [100, 500]) {
      const client = new PartnerCenterClient({ baseUrl: fake.url, token: async () => 'fake-token', pageSize });
      const times: number[] = [];
      let count = 0;
      for (let run = 0; run <= RUNS; run++) {
        const t0 = performance.now();
        count = (await client.customers()).length;
        if (run > 0) times.push(performance.now() - t0);
      }
      const sorted = [...times].sort((a, b) => a - b);
      rows.push({
        case: `${count.toLocaleString('en-US')} customers, ${pageSize} per page (${Math.ceil(count / pageSize)} requests)`,
        runs: RUNS,
        'mean ms': +(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1),
        'p50 ms': +percentile(sorted, 50).toFixed(1),
        'max ms': +sorted.at(-1)!.toFixed(1),
        '< 2000 ms': sorted.at(-1)! < 2000,
      });
    }
  } finally {
    await fake.stop();
  }
  console.log(
    `Partner Center read: ${total.toLocaleString('en-US')} customers (${CUSTOMERS.toLocaleString('en-US')} synthetic + the documented examples) from the local fake through the typed client`,
  );
  console.table(rows);
  if (process.env.BENCH_STRICT === '1' && rows.some((r) => r['< 2000 ms'] === false)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
