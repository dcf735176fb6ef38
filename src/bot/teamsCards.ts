/**
 * Teams' side of Universal Actions on a turn's outgoing activities (see `cards/universal.ts`):
 *
 * - {@link useUniversalCards}: every Adaptive Card the turn sends or updates in Teams goes out in
 *   its Teams form (`Action.Execute`, and a `refresh` block when it shows a live view). This is the
 *   one place the action type is chosen: views and templates stay channel-agnostic, the transform
 *   also catches cards updated in place, and the `refresh.userIds` are known only to the bot.
 *   It is installed only for the `msteams` channel; other channels' turns never pay for it.
 * - {@link captureReplacement}: on an `adaptiveCard/action` turn, holds back the card that will
 *   replace the clicked one (the invoke's answer) instead of sending it as a new message.
 * @module
 */
import { ActivityTypes, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';
import { ADAPTIVE_CARD, isPlainObject, lineCard, liveViewOf, universalCard } from '../../cards/universal.js';

/** A turn's Universal Actions helpers, kept on the turn by the bot: the Teams form (msteams) and the capture (`adaptiveCard/action` turns). */
export interface UniversalTurn {
  teams?: TeamsCards;
  capture?: ReplacementCapture;
}

const UNIVERSAL_TURN = Symbol('universalTurn');

/** Keeps `turn` on `context` (bot side). */
export function setUniversalTurn(context: TurnContext, turn: UniversalTurn): void {
  context.turnState.set(UNIVERSAL_TURN, turn);
}

/** The turn's Universal Actions helpers, if the bot installed any. */
export function universalTurnOf(context: TurnContext): UniversalTurn | undefined {
  return context.turnState.get(UNIVERSAL_TURN) as UniversalTurn | undefined;
}

/** The turn's Teams card form: {@link TeamsCards.card} gives a card content its Teams form. */
export interface TeamsCards {
  card(content: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/**
 * Installs the Teams transform on `context` (send and update handlers) and returns it for cards
 * the turn answers with otherwise (an invoke response). `userIds` is asked once per turn, and only
 * when a live card goes out.
 */
export function useUniversalCards(context: TurnContext, userIds: () => Promise<readonly string[]>): TeamsCards {
  let ids: Promise<readonly string[]> | undefined;
  const card = async (content: Record<string, unknown>) => {
    const view = liveViewOf(content);
    return universalCard(content, view ? { view, userIds: await (ids ??= userIds()) } : undefined);
  };
  const transform = async (a: Partial<Activity>): Promise<Partial<Activity>> => {
    if (a.type !== ActivityTypes.Message || !a.attachments?.length) return a;
    let changed = false;
    const attachments = [];
    for (const attachment of a.attachments) {
      const content = attachment.content as unknown;
      if (attachment.contentType !== ADAPTIVE_CARD || !isPlainObject(content)) attachments.push(attachment);
      else {
        const teams = await card(content);
        changed ||= teams !== content;
        attachments.push(teams === content ? attachment : { ...attachment, content: teams });
      }
    }
    return changed ? { ...a, attachments } : a;
  };
  context.onSendActivities(async (_ctx, activities, next) => {
    for (let i = 0; i < activities.length; i++) activities[i] = await transform(activities[i]!);
    return next();
  });
  context.onUpdateActivity(async (_ctx, activity, next) => {
    const teams = await transform(activity);
    if (teams !== activity) activity.attachments = teams.attachments;
    return next();
  });
  return { card };
}

/** The Adaptive Card content of a message with exactly one attachment, an Adaptive Card (and no suggested actions). */
function singleCard(a: Partial<Activity>): Record<string, unknown> | undefined {
  if (a.type !== ActivityTypes.Message || a.attachments?.length !== 1 || a.suggestedActions) return undefined;
  const [attachment] = a.attachments;
  return attachment!.contentType === ADAPTIVE_CARD && isPlainObject(attachment!.content) ? attachment!.content : undefined;
}

/** What replaces the clicked card, and the last line of text the turn said (for a turn without a card). */
export interface Replacement {
  card?: Record<string, unknown>;
  lastLine?: string;
}

/** The per-turn capture: {@link captureReplacement}. */
export interface ReplacementCapture {
  /**
   * Ends the capture: sends what was held back and is not the answer (and the text a held card
   * carried), and returns the replacement. With `edit`, the clicked message itself is also updated
   * to the replacement card (a failed update is ignored). Call once, after the turn's logic ran.
   */
  finish(edit?: boolean): Promise<Replacement>;
}

/**
 * Captures, on an `adaptiveCard/action` turn, the card that replaces the clicked card (activity
 * `clickedId`), in this order: the last update of the clicked card itself with a card (the
 * what's-next list ticked in place); else the last single-card message the turn sent (the next
 * step, or the current card after a refused stale click), held back instead of sent; else the last
 * text-only update of the clicked card (a card answered, retired into one line), as a small card.
 * Other replies go out as usual; an earlier card is sent when a later one takes its place. A held
 * card's `sendActivity` resolves with the clicked card's id, where it will be shown.
 * Install it before the reply coalescer, so it sees each reply as the dialogs sent it.
 */
export function captureReplacement(context: TurnContext, clickedId: string | undefined): ReplacementCapture {
  let held: Partial<Activity> | undefined;
  let updatedCard: Record<string, unknown> | undefined;
  let updatedText: string | undefined;
  let lastLine: string | undefined;
  let releasing = false;
  const shownAt: ResourceResponse = { id: clickedId ?? '' };
  context.onSendActivities(async (_ctx, activities, next) => {
    if (releasing) return next();
    const out: Partial<Activity>[] = [];
    const index: Array<number | undefined> = [];
    for (const a of activities) {
      if (singleCard(a)) {
        if (held) out.push(held);
        held = a;
        index.push(undefined);
        continue;
      }
      if (a.type === ActivityTypes.Message && a.text && !a.attachments?.length) lastLine = a.text;
      index.push(out.push(a) - 1);
    }
    if (out.length === 0) return activities.map(() => shownAt);
    activities.splice(0, activities.length, ...out);
    const responses: ResourceResponse[] = (await next()) ?? [];
    return index.map((i) => (i === undefined ? shownAt : (responses[i] ?? { id: '' })));
  });
  context.onUpdateActivity(async (_ctx, activity, next) => {
    if (releasing || !clickedId || activity.id !== clickedId) return next();
    // not sent: the invoke's answer replaces the clicked card
    const card = singleCard({ ...activity, type: ActivityTypes.Message });
    if (card) updatedCard = card;
    else if (activity.text) updatedText = activity.text;
  });
  return {
    async finish(edit = false) {
      const sent = held ? singleCard(held) : undefined;
      const card = updatedCard ?? sent ?? (updatedText ? lineCard(updatedText) : undefined);
      const rest = held && card !== sent ? held : held?.text ? { type: ActivityTypes.Message, text: held.text, textFormat: held.textFormat } : undefined;
      held = undefined;
      releasing = true;
      try {
        if (rest) await context.sendActivity(rest);
        if (edit && card && clickedId) await editClicked(context, clickedId, card);
      } finally {
        releasing = false;
      }
      return { ...(card ? { card } : {}), ...(lastLine ? { lastLine } : {}) };
    },
  };
}

/** Updates message `id` to `card`; a refused update is ignored (the invoke's answer already shows the card to the person who clicked). */
async function editClicked(context: TurnContext, id: string, card: Record<string, unknown>): Promise<void> {
  try {
    await context.updateActivity({ id, type: ActivityTypes.Message, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] });
  } catch {
    // some clients and channels cannot update activities
  }
}
