/**
 * One message instead of two: a line of text the bot says right before a card, in the same turn,
 * goes out as one activity with the text above the card. Teams and Web Chat both render a message's
 * `text` above its attachments, so the partner reads the same words in the same order, gets one
 * notification instead of two, and the bot makes one Bot Connector call instead of two.
 *
 * How: a `TurnContext.onSendActivities` handler holds back the last plain text line (at most one)
 * until the turn's next activity is known. A card without text of its own takes the line as its
 * `text`; anything else (another text, a card with its own text, a typing indicator, an invoke
 * response) first releases the held line unchanged, in order. What is still held when the turn's
 * logic ends is sent by {@link ReplyCoalescer.flush}, so no line is ever lost or reordered.
 *
 * @module
 */
import { ActivityTypes, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';

/** Activity fields a plain line of text may carry besides the ones every reply gets (conversation reference). */
const PLAIN_TEXT_FIELDS = new Set([
  'type',
  'text',
  'inputHint',
  'from',
  'recipient',
  'conversation',
  'channelId',
  'serviceUrl',
  'locale',
  'replyToId',
  'textFormat',
]);

/** A message that is only a line of text: no attachments, suggested actions, mentions, speech or channel data. */
function isPlainText(a: Partial<Activity>): boolean {
  if (a.type !== ActivityTypes.Message || typeof a.text !== 'string' || a.text.length === 0) return false;
  for (const key of Object.keys(a)) if (!PLAIN_TEXT_FIELDS.has(key) && (a as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}

/** A message with attachments and no text of its own (a card the held line can sit above). */
function isBareCard(a: Partial<Activity>): boolean {
  return a.type === ActivityTypes.Message && (a.attachments?.length ?? 0) > 0 && !a.text;
}

/**
 * The per-turn coalescer. Create one per turn with {@link coalesceReplies}, run the turn's logic, then
 * `await flush()` (also when the logic threw: the held line was already promised to the user).
 */
export interface ReplyCoalescer {
  /** Sends the held line, if any. Never sends anything twice; safe to call more than once. */
  flush(): Promise<void>;
}

/**
 * Installs the coalescing handler on `context` (see the module notes).
 * A held line's `sendActivity` resolves at once with a ResourceResponse whose `id` is '' (the channel
 * gives the id only when it is sent; nothing in the assistant reads the id of a text line).
 * @returns the turn's {@link ReplyCoalescer}.
 */
export function coalesceReplies(context: TurnContext): ReplyCoalescer {
  let held: Partial<Activity> | undefined;
  let releasing = false;
  context.onSendActivities(async (_ctx, activities, next) => {
    if (releasing) return next();
    const out: Partial<Activity>[] = [];
    const responseIndex: Array<number | undefined> = [];
    for (const a of activities) {
      if (isPlainText(a)) {
        if (held) out.push(held);
        held = a;
        responseIndex.push(undefined);
      } else if (held && isBareCard(a)) {
        responseIndex.push(out.push({ ...a, text: held.text, ...(held.textFormat ? { textFormat: held.textFormat } : {}) }) - 1);
        held = undefined;
      } else {
        if (held) out.push(held);
        held = undefined;
        responseIndex.push(out.push(a) - 1);
      }
    }
    if (out.length === 0) return activities.map(() => ({ id: '' }));
    activities.splice(0, activities.length, ...out);
    const responses: ResourceResponse[] = (await next()) ?? [];
    return responseIndex.map((i) => (i === undefined ? { id: '' } : (responses[i] ?? { id: '' })));
  });
  return {
    async flush() {
      if (!held) return;
      const line = held;
      held = undefined;
      releasing = true;
      try {
        await context.sendActivity(line);
      } finally {
        releasing = false;
      }
    },
  };
}
