/**
 * The journeys the assistant has, in one list: the main dialog routes from it, every journey's
 * loop asks it whether a text or a card belongs to another journey, the welcome card lists its
 * menu entries, and the card-submit schema is the union of its slices (`dialogs/submits.ts`).
 * Adding a journey = its folder under `dialogs/` + one line in {@link JOURNEYS}.
 */
import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { Translator } from '../src/i18n/index.js';
import { accountJourney } from './account/index.js';
import { checklistJourney } from './checklist/index.js';
import { customerJourney } from './customers/index.js';
import { invitationJourney } from './invitations/index.js';
import type { JourneyId, JourneyRouter, LoopJourney, MenuEntry, OverlayJourney, ParsedSubmit } from './journey.js';
import { providerJourney } from './providers/index.js';
import { reminderJourney } from './reminders/index.js';
import { commonSubmits } from './submitFields.js';

/**
 * Every journey. Typed words are offered to the looping journeys in this order (the first to claim
 * them wins); overlays (the reminder list) answer before any journey sees the turn.
 */
export const JOURNEYS = [customerJourney, invitationJourney, providerJourney, checklistJourney, accountJourney, reminderJourney] as const;

/** Every card submit the assistant's cards send, `{ verb, ...fields }`: one zod schema per verb, from every journey. */
export const submitSchema = z.discriminatedUnion('verb', [...commonSubmits, ...JOURNEYS.flatMap((j) => [...j.submits])] as unknown as typeof commonSubmits);

/** A parsed card submit of any journey. */
export type Submit = z.infer<(typeof commonSubmits)[number]> | z.infer<(typeof JOURNEYS)[number]['submits'][number]>;
/** A verb of any journey. */
export type Verb = Submit['verb'];

/** A looping journey of the registry. */
type AnyLoop = LoopJourney<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The looping journeys, in recognition order. */
export const LOOP_JOURNEYS: readonly AnyLoop[] = JOURNEYS.filter((j): j is Extract<(typeof JOURNEYS)[number], { kind: 'loop' }> => j.kind === 'loop');
/** The overlays (asked before the dialog stack). */
export const OVERLAY_JOURNEYS: readonly OverlayJourney[] = JOURNEYS.filter((j): j is typeof reminderJourney => j.kind === 'overlay');

/** A welcome-card entry with the journey it opens. */
export interface OpenableEntry extends MenuEntry<unknown> {
  journey: AnyLoop;
}

/** The welcome card's entries, in card order. */
export const MENU: readonly OpenableEntry[] = LOOP_JOURNEYS.flatMap((journey) => journey.menu.map((m: MenuEntry<unknown>) => ({ ...m, journey }))).sort(
  (a, b) => a.position - b.position,
);

/**
 * Reads `activity.value` as a card submit.
 * @returns `undefined` when the activity is not a card submit (no object value), `{ ok: false }`
 *   when it is one but malformed (unknown verb or welcome-card entry, missing or wrong-typed
 *   field), else the submit.
 */
export function parseSubmit(value: unknown): { ok: true; submit: Submit } | { ok: false } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  let read = parsedValues.get(value);
  if (!read) parsedValues.set(value, (read = readSubmit(value)));
  return read;
}

/**
 * What each `activity.value` object read as: the bot, the main dialog and the journey's loop all
 * ask during one turn, and zod runs once (nothing changes a value after it arrived).
 */
const parsedValues = new WeakMap<object, { ok: true; submit: Submit } | { ok: false }>();

function readSubmit(value: object): { ok: true; submit: Submit } | { ok: false } {
  const parsed = submitSchema.safeParse(value);
  if (!parsed.success) return { ok: false };
  const submit = parsed.data as Submit;
  if (submit.verb === 'menu.open' && !MENU.some((m) => m.id === submit.journey)) return { ok: false };
  return { ok: true, submit };
}

/** The looping journey the activity's typed words (or attached file) start, with its start options; first claim wins. */
export function claimOf(t: Translator, activity: Partial<Activity>): { journey: AnyLoop; options: unknown } | undefined {
  for (const journey of LOOP_JOURNEYS) {
    const options = journey.recognize(t, activity);
    if (options !== undefined) return { journey, options };
  }
  return undefined;
}

/** The looping journey whose verbs start like `verb`. */
export function ownerOf(verb: string): AnyLoop | undefined {
  return LOOP_JOURNEYS.find((j) => verb.startsWith(j.verbPrefix));
}

/** What journeys ask the registry (handed to each journey's dialog when it is built). */
export const router: JourneyRouter = {
  parse: (value): ParsedSubmit => parseSubmit(value),
  claimedElsewhere: (journeyId: JourneyId, t: Translator, activity: Partial<Activity>) => {
    const claim = claimOf(t, activity);
    return claim !== undefined && claim.journey.id !== journeyId;
  },
  owns: (journeyId: JourneyId, verb: string) => ownerOf(verb)?.id === journeyId,
};
