/**
 * The walk every turn bench drives: a partner says "hi", then clicks through the whole checklist
 * (16 turns, one new tenant per walk), and the baseline bots' equivalent (the same number of text
 * messages). Shared by `bench/run.ts` and `bench/concurrent.ts`.
 */
import type { Activity } from 'botbuilder';
import { actionsOf, GOOD_DETAILS } from '../test/support/chat.js';
import type { LoopbackChannel } from '../test/support/loopbackChannel.js';

/** The walk: what the partner clicks (button title + form inputs), after "hi". */
export const CLICKS: Array<[string, Record<string, unknown>]> = [
  ['Start the checklist', {}],
  ['Both are current', {}],
  ['Global admin', {}],
  ["Yes, it's Restricted", {}],
  ['Check my details', GOOD_DETAILS],
  ["I've selected Enroll now", { understood: 'true' }],
  ["It's approved", {}],
  ["I've accepted the agreement", {}],
  ...Array.from({ length: 7 }, () => ['Mark done', {}] as [string, Record<string, unknown>]),
];
/** Turns in one walk ("hi" plus every click). */
export const TURNS_PER_WALK = CLICKS.length + 1;

/** The activity fields of walk `n`'s user, conversation and tenant (a Teams personal chat). */
export function base(n: number | string): Partial<Activity> {
  return {
    type: 'message',
    channelId: 'msteams',
    from: { id: `29:user-${n}`, name: `User ${n}`, aadObjectId: `aad-${n}` },
    conversation: { id: `a:bench-${n}`, conversationType: 'personal', isGroup: false, name: '' },
    channelData: { tenant: { id: `bench-tenant-${n}` } },
    locale: 'en-US',
  };
}

/** One walk of conversation `n` through `botUrl`; each turn's latency (ms) is pushed to `latencies`. */
export async function walk(channel: LoopbackChannel, botUrl: string, n: number | string, latencies: number[]): Promise<void> {
  const turn = async (extra: Partial<Activity>) => {
    const t0 = performance.now();
    const { status, replies } = await channel.post(botUrl, { ...base(n), ...extra });
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

/** A baseline bot's equivalent of a walk: TURNS_PER_WALK text messages in one conversation. */
export async function echoWalk(channel: LoopbackChannel, botUrl: string, n: number | string, latencies: number[]): Promise<void> {
  for (let i = 0; i < TURNS_PER_WALK; i++) {
    const t0 = performance.now();
    const { status } = await channel.post(botUrl, { ...base(`echo-${n}`), text: `message ${i}` });
    latencies.push(performance.now() - t0);
    if (status >= 300) throw new Error(`HTTP ${status}`);
  }
}
