/**
 * Adaptive Card rendering: JSON templates in `cards/templates/` (Adaptive Cards 1.5, the highest
 * version Teams renders) expanded with adaptivecards-templating. Templates hold no user-facing
 * words: every string arrives in the data, already translated by the caller.
 */
import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { escapeLeadingMarker } from './markdown.js';
import compare from './templates/compare.json' with { type: 'json' };
import details from './templates/details.json' with { type: 'json' };
import enroll from './templates/enroll.json' with { type: 'json' };
import entry from './templates/entry.json' with { type: 'json' };
import form from './templates/form.json' with { type: 'json' };
import next from './templates/next.json' with { type: 'json' };
import plan from './templates/plan.json' with { type: 'json' };
import progressHeader from './templates/progressHeader.json' with { type: 'json' };
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
 * Expands the card `name` with `data` and returns the Adaptive Card JSON. When `header` is
 * given, the progress header is put first in the body.
 * @throws Error when the template expands to something that is not an AdaptiveCard 1.5 object.
 */
export function buildCard(name: CardName, data: object, header?: ProgressHeaderData): Record<string, unknown> {
  const card = expand(CARD_TEMPLATES[name], data);
  if (card.type !== 'AdaptiveCard' || card.version !== CARD_VERSION) throw new Error(`Template ${name} did not expand to an AdaptiveCard ${CARD_VERSION}`);
  const body = Array.isArray(card.body) ? card.body : [];
  card.body = header ? [expand(progressHeader, header), ...body] : body;
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
  if (!node || typeof node !== 'object') return;
  const element = node as Record<string, unknown>;
  if (element.type === 'TextBlock' && typeof element.text === 'string') element.text = escapeLeadingMarker(element.text);
  for (const key of ['items', 'columns', 'rows', 'cells']) if (key in element) guardTextBlocks(element[key]);
}

/** {@link buildCard} wrapped as a Bot Framework attachment (`application/vnd.microsoft.card.adaptive`). */
export function renderCard(name: CardName, data: object, header?: ProgressHeaderData): Attachment {
  return CardFactory.adaptiveCard(buildCard(name, data, header));
}
