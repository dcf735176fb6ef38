/**
 * Turns against the real app over HTTP (`/api/messages`, replies to the loopback channel) for the
 * tests that run `startApp`: post an activity and insist it was accepted, find a card button the
 * way a user does, and the buttons a global admin clicks from "continue" to "enrollment recorded".
 */
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { actionsOf, GOOD_DETAILS } from './chat.js';
import type { LoopbackChannel } from './loopbackChannel.js';

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
