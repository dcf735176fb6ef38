/**
 * Perf driver (not part of `npm run bench`): phase 3 of bench/run.ts only, i.e. the dialogs
 * baseline and the assistant, 50 walks at once, interleaved for CONC_ROUNDS rounds, plus (unless
 * CONC_SINGLE=0) the assistant's single-conversation p99 (CONC_WALKS sequential walks).
 * CONC_ONLY=assistant|baseline runs only that bot's rounds; CONC_PROFILE=<file> profiles the rounds.
 * Prints one JSON line per measurement so runs can be compared by a script. Both bots share this
 * process (one heap, one JIT), unlike `bench/run.ts`, which gives each its own: use this one to
 * compare two versions of the assistant, and `npm run bench` for the ratio target.
 */
import { rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { startApp } from '../src/index.js';
import { LoopbackChannel } from '../test/support/loopbackChannel.js';
import { startDialogsBaselineBot } from './dialogsBaselineBot.js';
import { percentile } from './stats.js';
import { benchDataDir } from './workDir.js';
import { echoWalk, walk } from './walk.js';

const ROUNDS = Number(process.env.CONC_ROUNDS ?? 5);
const CONCURRENT = Number(process.env.CONC_CONCURRENT ?? 50);
const WALKS = Number(process.env.CONC_WALKS ?? 100);
/** Walks run (unmeasured) on each bot before the measurements, as in bench/run.ts (JIT warm-up). */
const WARMUP = Number(process.env.CONC_WARMUP ?? 60);
const ONLY = process.env.CONC_ONLY ?? '';
const SINGLE = process.env.CONC_SINGLE !== '0';
/** CONC_PROFILE=<file>: a CPU profile of the at-once rounds only (not start-up, warm-up or the single phase). */
const PROFILE = process.env.CONC_PROFILE;

/** CPU time (ms) used so far by the main thread alone (Linux: /proc/self/task/<pid>/stat utime+stime). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ 100)
}

/** CPU ms so far per thread name (/proc/self/task/<tid>/comm), for CONC_THREADS=1. */
function cpuByThread(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = `${readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()}:${tid === String(process.pid) ? 'main' : tid}`;
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** One at-once round: turns/s, and CPU ms per turn of the main thread and of the whole process. */
async function atOnce(walker: (n: string, lat: number[]) => Promise<void>, tag: string): Promise<{ rate: number; mainCpu: number; procCpu: number }> {
  const lat: number[] = [];
  const t0 = performance.now();
  const m0 = mainThreadCpuMs();
  const c0 = process.cpuUsage();
  const t0s = process.env.CONC_THREADS === '1' ? cpuByThread() : undefined;
  await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => walker(`${tag}-${i}`, lat)));
  const c = process.cpuUsage(c0);
  if (t0s) {
    const per: Record<string, number> = {};
    for (const [k, v] of cpuByThread()) if (v - (t0s.get(k) ?? 0) > 0) per[k] = +((v - (t0s.get(k) ?? 0)) / lat.length).toFixed(3);
    console.log(JSON.stringify({ tag, cpuMsPerTurnByThread: per }));
  }
  return {
    rate: lat.length / ((performance.now() - t0) / 1000),
    mainCpu: (mainThreadCpuMs() - m0) / lat.length,
    procCpu: (c.user + c.system) / 1000 / lat.length,
  };
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** Prints the p50 and p99 (ms) of one conversation's turns, walks one at a time. */
async function reportSingle(channel: LoopbackChannel, url: string): Promise<void> {
  const lat: number[] = [];
  for (let i = 0; i < WALKS; i++) await walk(channel, url, `s${i}`, lat);
  const s = lat.sort((a, b) => a - b);
  console.log(JSON.stringify({ single: { p50: +percentile(s, 50).toFixed(2), p99: +percentile(s, 99).toFixed(2) } }));
}

/** Prints the medians over the rounds: turns/s of each bot, their ratio, CPU ms per turn. */
function printSummary(a: number[], b: number[], ratios: number[], cpu: Record<'b' | 'a' | 'bp' | 'ap', number[]>): void {
  console.log(
    JSON.stringify({
      median: {
        baseline: Math.round(b.length ? median(b) : 0),
        assistant: Math.round(a.length ? median(a) : 0),
        ratioOfMedians: a.length && b.length ? +(median(a) / median(b)).toFixed(3) : null,
        medianRatio: ratios.length ? +median(ratios).toFixed(3) : null,
      },
      cpuMsPerTurn: Object.fromEntries(
        Object.entries(cpu)
          .filter(([, v]) => v.length)
          .map(([k, v]) => [{ b: 'baselineMain', a: 'assistantMain', bp: 'baselineProc', ap: 'assistantProc' }[k], +median(v).toFixed(2)]),
      ),
    }),
  );
}

/** Starts the V8 CPU profiler of this process (200 µs sampling). */
async function startProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return session;
}

/** Stops the profiler and writes the `.cpuprofile` to `file`. */
async function stopProfiler(session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(file, JSON.stringify(profile));
  session.disconnect();
}

async function main() {
  const dir = benchDataDir('csp-conc-');
  const channel = new LoopbackChannel();
  await channel.start();
  const baseline = await startDialogsBaselineBot();
  const app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }));
  const url = `${app.url}/api/messages`;
  try {
    for (let i = 0; i < WARMUP; i++) await echoWalk(channel, baseline.url, `warm-${i}`, []);
    for (let i = 0; i < WARMUP; i++) await walk(channel, url, `warm-${i}`, []);
    if (SINGLE && !ONLY) await reportSingle(channel, url);
    const session = PROFILE ? await startProfiler() : undefined;
    const b: number[] = [];
    const a: number[] = [];
    const ratios: number[] = [];
    const cpu = { b: [] as number[], a: [] as number[], bp: [] as number[], ap: [] as number[] };
    const runBaseline = async (r: number) => {
      const x = await atOnce((n, lat) => echoWalk(channel, baseline.url, n, lat), `b${r}`);
      b.push(x.rate);
      cpu.b.push(x.mainCpu);
      cpu.bp.push(x.procCpu);
    };
    const runAssistant = async (r: number) => {
      const x = await atOnce((n, lat) => walk(channel, url, n, lat), `a${r}`);
      a.push(x.rate);
      cpu.a.push(x.mainCpu);
      cpu.ap.push(x.procCpu);
    };
    for (let r = 0; r < ROUNDS; r++) {
      // baseline first on even rounds, assistant first on odd ones (as bench/run.ts): a steady drift favours neither
      const order = [ONLY !== 'assistant' && runBaseline, ONLY !== 'baseline' && runAssistant].filter((f) => f !== false);
      for (const run of r % 2 === 0 ? order : order.reverse()) await run(r);
      if (!ONLY) ratios.push(a[r]! / b[r]!);
      const f = (x?: number) => (x === undefined ? null : +x.toFixed(2));
      console.log(
        JSON.stringify({
          round: r,
          baseline: Math.round(b[r] ?? 0),
          assistant: Math.round(a[r] ?? 0),
          ratio: f(ratios[r]),
          cpuMsPerTurn: { baselineMain: f(cpu.b[r]), assistantMain: f(cpu.a[r]), baselineProc: f(cpu.bp[r]), assistantProc: f(cpu.ap[r]) },
        }),
      );
    }
    if (session) await stopProfiler(session, PROFILE!);
    printSummary(a, b, ratios, cpu);
  } finally {
    await app.close();
    await baseline.close();
    await channel.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
