/**
 * `npm run bench`: turn latency of the transition checklist through the real HTTP endpoint.
 *
 * Starts the assistant (lowdb store in a temp dir, auth off) and a loopback channel that receives
 * the replies, then:
 *  1. sequential: W partners (one tenant each) walk the whole checklist one turn at a time;
 *     every turn's latency is the time from POST /api/messages to its HTTP response, by which
 *     point all of the turn's replies have been delivered to the channel.
 *  2. concurrent: C partners walk it at the same time; reports turns/s.
 * Prints p50/p95/p99/max per phase, turns/s and RSS. Numbers, not pass/fail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { startApp } from '../src/index.js';
import { loadConfig } from '../src/config.js';
import { actionsOf } from '../test/support/chat.js';
import { LoopbackChannel } from '../test/support/loopbackChannel.js';

const WALKS = Number(process.env.BENCH_WALKS ?? 40);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 20);

const DETAILS = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };
/** The walk: what the partner clicks (button title + form inputs), after "hi" and "Start the checklist". */
const CLICKS: Array<[string, Record<string, unknown>]> = [
  ['Start the checklist', {}],
  ['Both are current', {}],
  ['Global admin', {}],
  ["Yes, it's Restricted", {}],
  ['Check my details', DETAILS],
  ["I've selected Enroll now", { understood: 'true' }],
  ["It's approved", {}],
  ["I've accepted the agreement", {}],
  ...Array.from({ length: 7 }, () => ['Mark done', {}] as [string, Record<string, unknown>]),
];

async function walk(channel: LoopbackChannel, botUrl: string, n: number, latencies: number[]): Promise<void> {
  const base: Partial<Activity> = {
    type: 'message',
    channelId: 'msteams',
    from: { id: `29:user-${n}`, name: `User ${n}`, aadObjectId: `aad-${n}` },
    conversation: { id: `a:bench-${n}`, conversationType: 'personal', isGroup: false, name: '' },
    channelData: { tenant: { id: `bench-tenant-${n}` } },
    locale: 'en-US',
  };
  const turn = async (extra: Partial<Activity>) => {
    const t0 = performance.now();
    const { status, replies } = await channel.post(botUrl, { ...base, ...extra });
    latencies.push(performance.now() - t0);
    if (status >= 300) throw new Error(`HTTP ${status}`);
    return replies;
  };
  let replies = await turn({ text: 'hi' });
  for (const [title, inputs] of CLICKS) {
    const action = actionsOf(replies).find((a) => a.title === title);
    if (!action) throw new Error(`walk ${n}: no "${title}" button`);
    replies = await turn({ value: { ...action.data, ...inputs } });
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function row(name: string, latencies: number[], seconds: number) {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    phase: name,
    turns: s.length,
    'turns/s': Math.round(s.length / seconds),
    'p50 ms': +pct(s, 50).toFixed(2),
    'p95 ms': +pct(s, 95).toFixed(2),
    'p99 ms': +pct(s, 99).toFixed(2),
    'max ms': +s[s.length - 1]!.toFixed(2),
    'RSS MB': Math.round(process.memoryUsage().rss / 1048576),
  };
}

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'csp-bench-'));
  const channel = new LoopbackChannel();
  await channel.start();
  const app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  const botUrl = `${app.url}/api/messages`;
  try {
    await walk(channel, botUrl, -1, []); // warm-up (JIT, first file writes)
    const seq: number[] = [];
    let t0 = performance.now();
    for (let i = 0; i < WALKS; i++) await walk(channel, botUrl, i, seq);
    const seqSeconds = (performance.now() - t0) / 1000;

    const conc: number[] = [];
    t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => walk(channel, botUrl, 10_000 + i, conc)));
    const concSeconds = (performance.now() - t0) / 1000;

    console.log(`Transition checklist walk-through: ${CLICKS.length + 1} turns per walk, lowdb store, Node ${process.version}`);
    console.table([row(`sequential, ${WALKS} walks`, seq, seqSeconds), row(`${CONCURRENT} concurrent walks`, conc, concSeconds)]);
  } finally {
    await app.close();
    await channel.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
