/**
 * `npx tsx bench/providers.ts` (first half of `npm run bench`): latency of `rankProviders` on a
 * directory of 10,000 SYNTHETIC providers ("Synthetic Provider 00042"; not real companies).
 *
 * - Seeded PRNG (mulberry32), so every run uses the same directory and queries.
 * - Countries are drawn with a strong skew, as in real life a few markets have most providers:
 *   the most popular country is served by most of the 10,000 providers (the worst case for the
 *   ranking, which only looks at a country's candidates).
 * - 500 warm-up queries, then 2,000 timed queries per case over random countries and priorities
 *   (each priority with probability 1/2, language chosen at random).
 * - Prints mean, p50, p99 and max per query in ms, and whether p99 < 5 ms (the target), plus the
 *   time to build the directory and to load + validate it from a JSON file.
 * Numbers, not pass/fail; with BENCH_STRICT=1 a missed target exits with code 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import countries from 'i18n-iso-countries';
import {
  PROVIDER_SERVICES,
  ProviderDirectory,
  loadProviderDirectory,
  rankProviders,
  type Priority,
  type Provider,
  type ProviderQuery,
} from '../src/domain/providers.js';
import { percentile, prng } from './stats.js';

const PROVIDERS = 10_000;
const QUERIES = 2_000;
const WARMUP = 500;
const TARGET_P99_MS = 5;
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'ja', 'zh', 'sv'];

const rnd = prng(42);
const codes = Object.keys(countries.getAlpha2Codes());
for (let i = codes.length - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1));
  [codes[i], codes[j]] = [codes[j]!, codes[i]!];
}
/** A country, skewed towards the start of the shuffled list. */
const skewedCountry = () => codes[Math.floor(codes.length * rnd() ** 3)]!;

function syntheticProvider(i: number): Provider {
  const id = String(i).padStart(5, '0');
  const headquarters = skewedCountry();
  const served = new Set([headquarters]);
  const n = 1 + Math.floor(rnd() ** 2 * 40);
  while (served.size < n) served.add(skewedCountry());
  return {
    id: `synthetic-${id}`,
    name: `Synthetic Provider ${id}`,
    website: `https://synthetic-${id}.example`,
    headquarters,
    countries: [...served],
    services: Object.fromEntries(PROVIDER_SERVICES.filter(() => rnd() < 0.5).map((s) => [s, true])),
    supportTiers: rnd() < 0.3 ? ['business hours'] : [],
    languages: LANGUAGES.filter(() => rnd() < 0.2),
    source: `https://synthetic-${id}.example/partners`,
    checked: '2026-01-15',
  };
}

function randomQuery(): ProviderQuery {
  const priorities = (['training', 'marketing', 'financing', 'support', 'language'] as Priority[]).filter(() => rnd() < 0.5);
  return { country: skewedCountry(), priorities, language: LANGUAGES[Math.floor(rnd() * LANGUAGES.length)]! };
}

const providers = Array.from({ length: PROVIDERS }, (_, i) => syntheticProvider(i));

let t0 = performance.now();
const directory = new ProviderDirectory(providers);
const buildMs = performance.now() - t0;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'providers-bench-'));
let loadMs: number;
try {
  const file = path.join(tmp, 'providers.json');
  writeFileSync(file, JSON.stringify({ note: 'Synthetic providers for the benchmark; not real companies.', providers }));
  t0 = performance.now();
  loadProviderDirectory(file, new Date('2026-11-21T00:00:00Z'));
  loadMs = performance.now() - t0;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const queries = Array.from({ length: QUERIES }, randomQuery);
const candidateCounts = queries.map((q) => directory.servingCountry(q.country).length).sort((a, b) => a - b);
let sink = 0;
const rows: Array<Record<string, string | number | boolean>> = [];
let missed = false;
for (const [label, limit] of [
  ['top 10', 10],
  ['all candidates', undefined],
] as Array<[string, number | undefined]>) {
  for (let i = 0; i < WARMUP; i++) sink += rankProviders(directory, queries[i % QUERIES]!, limit).length;
  const times: number[] = new Array(QUERIES);
  for (let i = 0; i < QUERIES; i++) {
    const start = performance.now();
    sink += rankProviders(directory, queries[i]!, limit).length;
    times[i] = performance.now() - start;
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, x) => s + x, 0) / times.length;
  const p99 = percentile(times, 99);
  missed ||= p99 >= TARGET_P99_MS;
  rows.push({
    case: `rankProviders, ${label}`,
    queries: QUERIES,
    'mean ms': +mean.toFixed(4),
    'p50 ms': +percentile(times, 50).toFixed(4),
    'p99 ms': +p99.toFixed(4),
    'max ms': +times[times.length - 1]!.toFixed(4),
    [`p99 < ${TARGET_P99_MS} ms`]: p99 < TARGET_P99_MS,
  });
}

console.log(
  `Provider ranking: ${PROVIDERS.toLocaleString('en-US')} synthetic providers; candidates per query ` +
    `p50 ${percentile(candidateCounts, 50)}, p99 ${percentile(candidateCounts, 99)}, max ${candidateCounts[candidateCounts.length - 1]}; ` +
    `build index ${buildMs.toFixed(1)} ms; load + validate JSON ${loadMs.toFixed(1)} ms (results seen: ${sink})`,
);
console.table(rows);
if (missed && process.env.BENCH_STRICT === '1') process.exitCode = 1;
