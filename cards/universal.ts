/**
 * Universal Actions for Adaptive Cards (Microsoft Teams): one card template, the action type
 * chosen per channel. Every template sends `Action.Submit` with `data: { verb, ...fields }`, which
 * every channel runs (Web Chat, Direct Line, Emulator: the Adaptive Cards JavaScript renderer has
 * no bot to send `Action.Execute` to). For Teams the bot turns each such action into
 * `Action.Execute` `{ verb, data: fields }` (title, style, `associatedInputs`... kept), which
 * Teams sends as an `adaptiveCard/action` invoke whose answer replaces the card in place, and
 * gives cards that show shared state a `refresh` block, so each reader's copy shows the current
 * state when it is displayed.
 *
 * Sources (Microsoft Learn): "Universal Action Model" (adaptive-cards/authoring-cards/universal-action-model:
 * `Action.Execute` from schema 1.4, `refresh` with `action` and `userIds`, the invoke's request
 * and response format), "Work with Universal Actions for Adaptive Cards" (Teams: at most 60 user
 * MRIs in `userIds`), "Up-to-date cards" (refresh as the way to keep a shared card current).
 *
 * Everything here is pure and cheap: a card is copied only along the path to an action it changes
 * (rendered cards share deep-frozen rows, see `render.ts`, and are never changed in place).
 * @module
 */
import type { Attachment } from 'botbuilder';
import { CARD_VERSION } from './render.js';

/** Content type of an Adaptive Card attachment (and of the `adaptiveCard/action` invoke response carrying one). */
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
/** The verb of every card's `refresh` action: answered read-only with the card's current view. */
export const REFRESH_VERB = 'refresh';
/** Teams refreshes a card automatically for at most 60 user MRIs ("Work with Universal Actions for Adaptive Cards"). */
export const MAX_REFRESH_USER_IDS = 60;

/** A refresh block's parameters: which live view the card shows, and who gets automatic refreshes. */
export interface RefreshTarget {
  view: string;
  userIds: readonly string[];
}

/** Card contents (the attachment's `content` object) that show a live view, and which one. */
const liveViews = new WeakMap<object, string>();

/**
 * Marks `card` as showing shared state that other people may change: `view` names what a
 * `refresh` invoke renders for its reader (e.g. `checklist.current`). Nothing in the card changes;
 * the Teams transform adds the refresh block. @returns `card`
 */
export function markLive(card: Attachment, view: string): Attachment {
  if (card.content !== null && typeof card.content === 'object') liveViews.set(card.content as object, view);
  return card;
}

/** The live view a card content was marked with ({@link markLive}), if any. */
export function liveViewOf(content: unknown): string | undefined {
  return content !== null && typeof content === 'object' ? liveViews.get(content) : undefined;
}

/** Properties of card elements that can hold elements or actions (nothing else is walked: not `data`, `choices` or texts). */
const NESTED = ['body', 'items', 'columns', 'actions', 'card', 'selectAction', 'inlineAction', 'rows', 'cells'] as const;

/** True for a JSON object (not null, not an array): a card node, an action, `data`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `Action.Submit` with `data.verb` -> `Action.Execute` `{ verb, data }`; every other property kept. */
function toExecute(action: Record<string, unknown>): Record<string, unknown> | undefined {
  const data = action.data;
  if (!isPlainObject(data) || typeof data.verb !== 'string') return undefined;
  const { verb, ...fields } = data;
  return { ...action, type: 'Action.Execute', verb, data: fields };
}

/**
 * Teams forms of the frozen rows cards share across turns (`cards/render.ts` partials): worked out
 * once per row and frozen in turn, so a turn neither walks nor copies them again.
 */
const frozenForms = new WeakMap<object, unknown>();

/** `node` with its submit actions turned into Execute actions; the same object when nothing below it changes. */
function executeActions(node: unknown): unknown {
  if (node === null || typeof node !== 'object' || !Object.isFrozen(node)) return convert(node);
  let form = frozenForms.get(node);
  if (form === undefined) {
    form = convert(node);
    if (form !== node) Object.freeze(form);
    frozenForms.set(node, form);
  }
  return form;
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const next = executeActions(node[i]);
      if (next !== node[i]) (out ??= node.slice())[i] = next;
    }
    return out ?? node;
  }
  if (!isPlainObject(node)) return node;
  let out: Record<string, unknown> | undefined = node.type === 'Action.Submit' ? toExecute(node) : undefined;
  for (const key of NESTED) {
    const child = node[key];
    if (child === undefined) continue;
    const next = executeActions(child);
    if (next !== child) (out ??= { ...node })[key] = next;
  }
  return out ?? node;
}

/**
 * The Teams form of an Adaptive Card: every `Action.Submit` whose data has a `verb` becomes an
 * `Action.Execute` (anywhere: card actions, action sets, show cards, select actions), other
 * actions stay as they are; with `refresh`, the card gets
 * `refresh: { action: { type: 'Action.Execute', verb: 'refresh', data: { view } }, userIds }`
 * (at most {@link MAX_REFRESH_USER_IDS} ids). The card stays an Adaptive Card 1.5.
 * @returns the Teams card (`card` itself when nothing changes); `card` is never changed in place.
 */
export function universalCard(card: Record<string, unknown>, refresh?: RefreshTarget): Record<string, unknown> {
  const out = executeActions(card) as Record<string, unknown>;
  if (!refresh) return out;
  return {
    ...out,
    refresh: {
      action: { type: 'Action.Execute', verb: REFRESH_VERB, data: { view: refresh.view } },
      userIds: refresh.userIds.slice(0, MAX_REFRESH_USER_IDS),
    },
  };
}

/** A small card with one line of text (a card answered in Teams, replaced by what happened). */
export function lineCard(text: string): Record<string, unknown> {
  return { type: 'AdaptiveCard', version: CARD_VERSION, body: [{ type: 'TextBlock', text, wrap: true }] };
}
