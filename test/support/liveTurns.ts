/**
 * Turns against the real app over HTTP (`/api/messages`, replies to the loopback channel) for the
 * tests that run `startApp`: post an activity and insist it was accepted, find a card button the
 * way a user does, and the buttons a global admin clicks from "continue" to "enrollment recorded".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { actionsOf, GOOD_DETAILS, textBlocksOf } from './chat.js';
import { LoopbackChannel } from './loopbackChannel.js';

/** The checklist's buttons from the first step to "enrollment recorded", with the form inputs they carry (English). */
export const TO_ENROLLMENT: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['Both are current', {}],
  ['Global admin', {}],
  ["Yes, it's Restricted", {}],
  ['Check my details', GOOD_DETAILS],
  ["I've selected Enroll now", { understood: 'true' }],
];

/** Posts `activity` to the bot at `url` through `channel`; returns the turn's replies. Fails the test on a status of 300 or more. */
export async function postTurn(channel: LoopbackChannel, url: string, activity: Partial<Activity>): Promise<Partial<Activity>[]> {
  const { status, replies } = await channel.post(url, activity);
  expect(status, JSON.stringify(replies)).to.be.lessThan(300);
  return replies;
}

/**
 * The `value` a click on the button titled `title` (exact text or pattern) among `replies` sends,
 * with form `inputs` merged in. Fails the test, naming the buttons there, when there is none.
 */
export function clickValue(replies: Partial<Activity>[], title: string | RegExp, inputs: Record<string, unknown> = {}): Record<string, unknown> {
  const action = actionsOf(replies).find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  expect(
    action,
    `button "${title}" among ${actionsOf(replies)
      .map((a) => a.title)
      .join(' | ')}`,
  ).to.not.equal(undefined);
  return { ...action!.data, ...inputs };
}

/** The real app on an ephemeral port with its data in a temp folder, and the loopback channel its replies go to. */
export interface LiveApp {
  app: RunningApp;
  channel: LoopbackChannel;
  /** The app's `/api/messages` URL. */
  url: string;
  dir: string;
}

/**
 * Starts a loopback channel and the real app (lowdb in a fresh temp folder named `prefix...`,
 * reminders checked only by hand, turn rate limit out of the way) on `clock.now` as its clock.
 */
export async function startLiveApp(prefix: string, clock: { now: Date }): Promise<LiveApp> {
  const channel = new LoopbackChannel();
  await channel.start();
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', REMINDER_CHECK_SECONDS: '0', RATE_LIMIT_TURNS: '100000' }), {
    clock: () => clock.now,
  });
  return { app, channel, url: `${app.url}/api/messages`, dir };
}

/** Stops what {@link startLiveApp} started and removes its folder. */
export async function stopLiveApp(live: Pick<LiveApp, 'app' | 'channel' | 'dir'>): Promise<void> {
  await live.app.close();
  await live.channel.stop();
  await rm(live.dir, { recursive: true, force: true });
}

/**
 * A Teams personal-chat message of `user` (ids `29:<user>`, `aad-<user>`, name `Dana <user>`) in tenant
 * `tenant-<user>`, conversation `a:conv-<user><chat>` (`chat` names another chat of the same person).
 */
export function personalActivity(user: string, extra: Partial<Activity>, options: { locale?: string; chat?: string } = {}): Partial<Activity> {
  return {
    type: 'message',
    channelId: 'msteams',
    from: { id: `29:${user}`, name: `Dana ${user}`, aadObjectId: `aad-${user}` },
    conversation: { id: `a:conv-${user}${options.chat ?? ''}`, conversationType: 'personal', isGroup: false, name: '' },
    channelData: { tenant: { id: `tenant-${user}` } },
    locale: options.locale ?? 'en-US',
    ...extra,
  };
}

/** The replies' text: each activity's text and every TextBlock of its cards, one per line. */
export function cardText(replies: Partial<Activity>[]): string {
  return replies.flatMap((r) => [...(r.text ? [r.text] : []), ...(r.attachments ?? []).flatMap((a) => textBlocksOf(a.content))]).join('\n');
}
