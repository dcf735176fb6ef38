/**
 * Reading typed words: the phrases of a locale key (`commands.*`, `keywords.*`) matched whole or
 * found as words, and the commands that work at any prompt. Each journey's own trigger words live
 * in its folder (`dialogs/<journey>/triggers.ts`).
 */
import type { Activity } from 'botbuilder';
import type { Translator } from '../src/i18n/index.js';
import { COMMAND_IDS, type CommandId } from './commands.js';
import { commandSubmit } from './submitFields.js';

export { COMMAND_IDS, type CommandId } from './commands.js';

/** Lower-cases, trims, folds curly apostrophes and drops trailing punctuation: "It’s approved!" -> "it's approved". */
export function normalize(text: string | undefined): string {
  return (text ?? '')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?…。！？]+$/u, '')
    .trim();
}

/** True when `text` is exactly one of the phrases under locale key `key` (a list). */
export function matches(t: Translator, key: string, text: string | undefined): boolean {
  const n = normalize(text);
  if (!n) return false;
  return t.list(key).some((phrase) => normalize(phrase) === n);
}

/** True when one of the phrases under locale key `key` occurs in `text` as whole words. */
export function mentions(t: Translator, key: string, text: string | undefined): boolean {
  const n = ` ${normalize(text).replace(/[^\p{L}\p{N}' ]+/gu, ' ')} `;
  return t.list(key).some((phrase) => n.includes(` ${normalize(phrase)} `));
}

/** The command the whole text asks for, if any ("help", "start over", ...). */
export function recognizeCommand(t: Translator, text: string | undefined): CommandId | undefined {
  return COMMAND_IDS.find((id) => matches(t, `commands.${id}`, text));
}

/**
 * The command this activity asks for, typed or from a card button (`{ verb: 'command', command }`).
 * Any other card submit asks for none.
 */
export function commandOf(t: Translator, activity: Partial<Activity>): CommandId | undefined {
  const value: unknown = activity.value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const parsed = commandSubmit.safeParse(value);
    return parsed.success ? parsed.data.command : undefined;
  }
  return recognizeCommand(t, activity.text);
}
