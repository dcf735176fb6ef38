/**
 * One bot of the turn bench in a process of its own (a child of `bench/run.ts`, see
 * `bench/contenders.ts`): the bot named by `CONTENDER` (`echo`, `baseline`, or `assistant` over the
 * store in `DATA_DIR`) and the loopback channel that drives it, in one thread, as the bench always
 * had them. Alone in its process, a bot's JIT feedback, heap and caches are its own, as in
 * production. In one shared process the same code measured anywhere from 0.75x to 0.93x the
 * baseline, depending on which bot had warmed up first; the baseline's CPU per turn was 2.5-2.8 ms
 * there, against 2.3 ms alone.
 *
 * Messages in (IPC): `{ id, op: 'walks', walks, parallel, tag }` runs that many walks (one at a time,
 * or all at once) and answers `{ id, latencies (ms), ms (wall), cpuMs (this process: user + system),
 * rssMb }`; `{ id, op: 'close' }` stops the bot and the channel, answers `{ id }` and exits.
 * Sends `{ ready: true }` once the bot listens.
 */
import { loadConfig } from '../src/config.js';
import { startApp } from '../src/index.js';
import { LoopbackChannel } from '../test/support/loopbackChannel.js';
import { startDialogsBaselineBot } from './dialogsBaselineBot.js';
import { startEchoBot } from './echoBot.js';
import { echoWalk, walk } from './walk.js';

/** A request from the parent. */
export type ContenderRequest = { id: number; op: 'walks'; walks: number; parallel: boolean; tag: string } | { id: number; op: 'close' };
/** The answer to a `walks` request. */
export interface WalksResult {
  id: number;
  latencies: number[];
  ms: number;
  cpuMs: number;
  rssMb: number;
}

const kind = process.env.CONTENDER;
const channel = new LoopbackChannel();
await channel.start();
const bot =
  kind === 'echo'
    ? await startEchoBot()
    : kind === 'baseline'
      ? await startDialogsBaselineBot()
      : kind === 'assistant'
        ? await startApp(loadConfig({ PORT: '0', DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: 'silent' }))
        : undefined;
if (!bot) throw new Error(`bench/contender.ts: unknown CONTENDER ${JSON.stringify(kind)}`);
const url = kind === 'assistant' ? `${bot.url}/api/messages` : bot.url;
const walker = kind === 'assistant' ? (n: string, lat: number[]) => walk(channel, url, n, lat) : (n: string, lat: number[]) => echoWalk(channel, url, n, lat);

/** Runs `walks` walks named `<tag>-<i>`; returns their turns' latencies and the time and CPU they took. */
async function runWalks(id: number, walks: number, parallel: boolean, tag: string): Promise<WalksResult> {
  const latencies: number[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  if (parallel) await Promise.all(Array.from({ length: walks }, (_, i) => walker(`${tag}-${i}`, latencies)));
  else for (let i = 0; i < walks; i++) await walker(`${tag}-${i}`, latencies);
  const cpu = process.cpuUsage(cpu0);
  return { id, latencies, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 1048576 };
}

process.on('message', (request: ContenderRequest) => {
  if (request.op === 'walks') {
    runWalks(request.id, request.walks, request.parallel, request.tag).then(
      (result) => process.send!(result),
      (err: Error) => process.send!({ id: request.id, error: err.message }),
    );
    return;
  }
  void (async () => {
    await bot.close();
    await channel.stop();
    process.send!({ id: request.id }, () => process.exit(0));
  })();
});
process.send!({ ready: true });
