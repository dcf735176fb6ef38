/**
 * The building blocks of every journey's submit slice (field schemas shared by several verbs) and
 * the verbs no single journey owns: `language.set`, `menu.open` (welcome card), `command` (a
 * word that works at any prompt, sent from a button) and `signIn` (connected mode). The whole union is assembled from the
 * journeys by `dialogs/submits.ts`.
 */
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../src/i18n/index.js';
import { COMMAND_IDS } from './commands.js';

/** Card revision: the tenant record's `revision` when the card was rendered (stale-card guard). */
export const rev = z.coerce.number().int().min(0).max(1_000_000_000);
/** Free-text form field: any string up to 1,000 characters (longer is refused, not truncated). */
export const field = z.string().max(1000).optional();
/** Input.ChoiceSet multi-select value: comma-separated, at most 1,000 characters. */
export const multi = z.string().max(1000).optional();

/** The command verb: a button that sends one of the words that work at any prompt. */
export const commandSubmit = z.object({ verb: z.literal('command'), command: z.enum(COMMAND_IDS) });

/**
 * Verbs of no single journey. `menu.open` names a welcome-card entry (`journey`); which entries
 * exist is the registry's business (an unknown one is refused as malformed there).
 */
export const commonSubmits = [
  z.object({ verb: z.literal('language.set'), locale: z.enum(SUPPORTED_LOCALES) }),
  z.object({ verb: z.literal('menu.open'), journey: z.string().regex(/^[A-Za-z]{1,40}$/) }),
  commandSubmit,
  // Connected mode: sign in (and verify roles) without leaving the journey the card belongs to.
  z.object({ verb: z.literal('signIn') }),
] as const;

/**
 * What a journey returns when the user answered a card of another journey (or opened another one
 * from the welcome card): the main dialog then routes the same activity afresh.
 */
export const REROUTE = Object.freeze({ reroute: true as const });

/** True when a dialog result asks the main dialog to route the turn again. */
export function isReroute(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { reroute?: unknown }).reroute === true;
}
