/**
 * Adaptive Card rendering: JSON templates in `cards/templates/` (Adaptive Cards 1.5, the highest
 * version Teams renders) expanded with adaptivecards-templating. Templates hold no user-facing
 * words: every string arrives in the data, already translated by the caller.
 */
import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { escapeLeadingMarker } from './markdown.js';
import { RowMemo } from './rowMemo.js';
import compare from './templates/compare.json' with { type: 'json' };
import details from './templates/details.json' with { type: 'json' };
import enroll from './templates/enroll.json' with { type: 'json' };
import entry from './templates/entry.json' with { type: 'json' };
import form from './templates/form.json' with { type: 'json' };
import next from './templates/next.json' with { type: 'json' };
import nextItem from './templates/nextItem.json' with { type: 'json' };
import plan from './templates/plan.json' with { type: 'json' };
import progressHeader from './templates/progressHeader.json' with { type: 'json' };
import progressSegment from './templates/progressSegment.json' with { type: 'json' };
import progressStep from './templates/progressStep.json' with { type: 'json' };
import status from './templates/status.json' with { type: 'json' };
import step from './templates/step.json' with { type: 'json' };
import summary from './templates/summary.json' with { type: 'json' };
import welcome from './templates/welcome.json' with { type: 'json' };

/** Every card template by name. */
export const CARD_TEMPLATES = { welcome, step, details, enroll, next, plan, status, form, compare, entry, summary } as const;
export type CardName = keyof typeof CARD_TEMPLATES;

/** The highest Adaptive Card schema version used; Teams renders up to 1.5. */
export const CARD_VERSION = '1.5';

/**
 * Data for the progress header shown on top of every checklist card: title, "Step n of 8" line,
 * a segmented bar (one segment per step, Adaptive Card container styles `good` (done) /
 * `accent` (current) / `warning` (blocked) / `emphasis` (to do)) and the list of all steps with their state.
 */
export interface ProgressHeaderData {
  title: string;
  stepOf: string;
  doneCount: string;
  /** `image`: a solid fill with >= 3:1 contrast on white (`swatches.ts`); `style` is the fallback for hosts without background images. */
  segments: Array<{ style: 'good' | 'accent' | 'warning' | 'emphasis'; image: string }>;
  steps: Array<{ icon: string; color: string; label: string; weight: 'bolder' | 'default'; stateLabel: string; by: string }>;
  /** Show the step list open (status card) or behind a "Show all steps" toggle. */
  expanded: boolean;
  showSteps: string;
  /** Element id of the step list; unique per card so toggles in older cards keep working. */
  listId: string;
}

type Template = { expand(context: { $root: unknown }): unknown };
const TemplateCtor = (ACData as unknown as { Template: new (json: unknown) => Template }).Template;

/**
 * Parsed templates, one per template JSON: building a Template parses every `${...}` expression
 * (antlr), which costs about 2 ms; expanding a built one costs well under 0.1 ms. Expansion does
 * not change the Template, so one instance serves every render.
 */
const parsed = new Map<unknown, Template>();

function expand(json: unknown, data: unknown): Record<string, unknown> {
  let template = parsed.get(json);
  if (!template) {
    template = new TemplateCtor(json);
    parsed.set(json, template);
  }
  return template.expand({ $root: data }) as Record<string, unknown>;
}

/**
 * Partials: the rows a card repeats (a step of the progress list, a segment of the bar, an item of
 * the what's-next list) are templates of their own (`cards/templates/<partial>.json`). A parent
 * template places them with a plain binding (`"items": "${steps}"`, or `"${items}"` alone in an
 * array, which the templating library splices in); {@link withPartials} expands each row first.
 * Per template: data field -> the partial that renders each entry of that array.
 */
const PARTIALS = {
  progressHeader: { segments: progressSegment, steps: progressStep },
  next: { items: nextItem },
} as const satisfies Partial<Record<CardName | 'progressHeader', Record<string, unknown>>>;

/** Expanded rows kept per partial; beyond this the partial's memo starts over ({@link RowMemo}). */
export const PARTIAL_MEMO_SIZE = 5000;

/**
 * Rows repeat from turn to turn: a checklist card shows the same eight steps as the card before it
 * with one or two changed, and the what's-next list changes one item per click. A row is a pure
 * function of its data, so each is expanded once and remembered by its data (expanding costs about
 * 10 µs, looking up well under 1 µs, see `rowMemo.ts`). A remembered row is already guarded ({@link guardTextBlocks}) and
 * deep-frozen, and the same object goes into every card that shows it: nothing may change a
 * rendered card in place (an attempt throws a TypeError); copy a card before transforming it.
 */
const partialMemo = new Map<unknown, RowMemo<object>>();

function expandPartial(json: unknown, row: Record<string, unknown>): object {
  let memo = partialMemo.get(json);
  if (!memo) partialMemo.set(json, (memo = new RowMemo<object>(PARTIAL_MEMO_SIZE)));
  let element = memo.get(row);
  if (element === undefined) {
    element = expand(json, row);
    guardTextBlocks(element);
    memo.set(row, deepFreeze(element));
  }
  return element;
}

/** Freezes `value` and everything under it; returns it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** `data` with each array field that template `name` renders through a partial replaced by the expanded rows. */
function withPartials(name: keyof typeof PARTIALS, data: object): object {
  const fields: Record<string, unknown> = PARTIALS[name];
  const out: Record<string, unknown> = { ...data };
  for (const [field, partial] of Object.entries(fields)) {
    const rows = out[field];
    if (Array.isArray(rows)) out[field] = rows.map((row: Record<string, unknown>) => expandPartial(partial, row));
  }
  return out;
}

function expandCard(name: CardName | 'progressHeader', data: object): Record<string, unknown> {
  const template = name === 'progressHeader' ? progressHeader : CARD_TEMPLATES[name];
  return expand(template, name in PARTIALS ? withPartials(name as keyof typeof PARTIALS, data) : data);
}

/**
 * Expands the card `name` with `data` and returns the Adaptive Card JSON. When `header` is
 * given, the progress header is put first in the body.
 * @throws Error when the template expands to something that is not an AdaptiveCard 1.5 object.
 */
export function buildCard(name: CardName, data: object, header?: ProgressHeaderData): Record<string, unknown> {
  const card = expandCard(name, data);
  if (card.type !== 'AdaptiveCard' || card.version !== CARD_VERSION) throw new Error(`Template ${name} did not expand to an AdaptiveCard ${CARD_VERSION}`);
  const body = Array.isArray(card.body) ? card.body : [];
  card.body = header ? [expandCard('progressHeader', header), ...body] : body;
  if (Array.isArray(card.actions) && card.actions.length === 0) delete card.actions;
  guardTextBlocks(card.body);
  return card;
}

/** Escapes a leading list marker in every single-line TextBlock (see `markdown.ts`): "2. Who you are" must not render as "1.". */
function guardTextBlocks(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) guardTextBlocks(item);
    return;
  }
  // a frozen element is a remembered partial row, guarded when it was expanded
  if (!node || typeof node !== 'object' || Object.isFrozen(node)) return;
  const element = node as Record<string, unknown>;
  if (element.type === 'TextBlock' && typeof element.text === 'string') element.text = escapeLeadingMarker(element.text);
  for (const key of ['items', 'columns', 'rows', 'cells']) if (key in element) guardTextBlocks(element[key]);
}

/** {@link buildCard} wrapped as a Bot Framework attachment (`application/vnd.microsoft.card.adaptive`). */
export function renderCard(name: CardName, data: object, header?: ProgressHeaderData): Attachment {
  return CardFactory.adaptiveCard(buildCard(name, data, header));
}
