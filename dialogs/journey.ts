/**
 * What a journey is, for the registry (`dialogs/registry.ts`) and the loop engine
 * (`dialogs/loopDialog.ts`): one folder under `dialogs/` that brings its trigger words, its slice of
 * the card-submit schema, a verb -> handler map and its views. Nothing here imports a journey or the
 * registry, so journeys and the registry can both import it without a circle.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { Dialog, DialogTurnResult } from 'botbuilder-dialogs';
import type { z } from 'zod';
import type { Translator } from '../src/i18n/index.js';
import type { JourneyServices } from './services.js';

/** Any validated card submit: `{ verb, ...fields }`. */
export interface VerbPayload {
  verb: string;
}

/** `activity.value` read as a card submit: none (not a submit), malformed, or valid. */
export type ParsedSubmit = undefined | { ok: false } | { ok: true; submit: VerbPayload };

/**
 * What a journey's dialog may ask about the others, injected by the registry when it builds the
 * dialogs (so no journey imports the registry).
 */
export interface JourneyRouter {
  /** Reads `activity.value` against every journey's schema (see `dialogs/submits.ts`). */
  parse(value: unknown): ParsedSubmit;
  /**
   * True when `activity` (its typed text, or an attached file) starts a journey other than
   * `journeyId`: the loop then hands the turn back to the main dialog, which starts that journey.
   */
  claimedElsewhere(journeyId: JourneyId, t: Translator, activity: Partial<Activity>): boolean;
  /** True when the verb belongs to `journeyId` (starts with its verb prefix). */
  owns(journeyId: JourneyId, verb: string): boolean;
}

/** The journeys, by folder name. */
export type JourneyId = 'checklist' | 'providers' | 'invitations' | 'customers' | 'account' | 'reminders';

/**
 * Handlers for every verb of a journey's submit slice `S`, each typed by its own verb's schema: the
 * map replaces a `switch` over verbs, and a verb without a handler does not compile.
 * @typeParam T the journey's turn object (see `JourneyTurn` in `dialogs/loopDialog.ts`).
 * @typeParam R what a handler resolves to (a dialog turn result for looping journeys).
 */
export type HandlerMap<S extends VerbPayload, T, R = DialogTurnResult> = {
  [V in S['verb']]: (turn: T, submit: Extract<S, { verb: V }>) => Promise<R>;
};

/** Runs the handler of `submit.verb` from `handlers` (the map is complete for `S`, so it always exists). */
export function dispatch<S extends VerbPayload, T, R = DialogTurnResult>(handlers: HandlerMap<S, T, R>, turn: T, submit: S): Promise<R> {
  const handler = handlers[submit.verb as S['verb']] as (turn: T, submit: S) => Promise<R>;
  return handler(turn, submit);
}

/** One button of the welcome card: `{ verb: 'menu.open', journey: id }` starts the journey with `options`. */
export interface MenuEntry<O> {
  /** The welcome card id (locale keys `journeys.<id>.*`; also what old cards carry). */
  id: string;
  /** Place on the welcome card (1 = first). */
  position: number;
  options: O;
}

/** What every journey folder exports (its `index.ts`), registered with one line in `dialogs/registry.ts`. */
interface JourneyBase {
  id: JourneyId;
  /** The verbs this journey answers start with this prefix (`'transition.'`, `'providers.'` ...). */
  verbPrefix: string;
  /** Its slice of the card-submit schema: one zod object per verb, each with a literal `verb`. */
  submits: readonly z.ZodObject<{ verb: z.ZodLiteral<string> } & z.ZodRawShape>[];
}

/**
 * A journey that runs as a dialog on the stack (a loop of card, answer, card).
 * @typeParam O the options its loop carries (stage and what it needs).
 */
export interface LoopJourney<O = unknown> extends JourneyBase {
  kind: 'loop';
  /** Welcome-card buttons that open this journey, in the order the card shows them. */
  menu: readonly MenuEntry<O>[];
  /**
   * Typed words (or an attached file) that start this journey from outside, with the options to
   * start with; undefined when the activity is not this journey's. Journeys are asked in registry
   * order, so the first to claim wins.
   */
  recognize(t: Translator, activity: Partial<Activity>): O | undefined;
  /** Options that hand this turn's card submit to the journey (a card clicked when no journey was waiting). */
  answerNow: O;
  /** Words that work at any prompt which, typed when no journey is running, open this journey (`status` and `plan` open the checklist). */
  commands?: Partial<Record<'status' | 'plan', O>>;
  /** The dialog id on the stack. */
  dialogId: string;
  /** Builds the journey's dialog over the services. */
  create(services: JourneyServices, router: JourneyRouter): Dialog;
}

/**
 * A journey that answers at any prompt without leaving the journey in progress (the reminder
 * list): asked before the dialog stack sees the turn.
 */
export interface OverlayJourney extends JourneyBase {
  kind: 'overlay';
  /**
   * Handles the turn when it is this journey's (typed words, or one of its verbs in `parsed`, the
   * turn's card submit read by the registry).
   * @returns true when the turn was handled.
   */
  handle(context: TurnContext, parsed: ParsedSubmit, services: JourneyServices): Promise<boolean>;
}
