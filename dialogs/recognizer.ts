import { findCountryInText } from '../src/domain/countries.js';
import { findTokenInText } from '../src/domain/invitationToken.js';
import { PROVIDER_SERVICES, type Priority } from '../src/domain/providers.js';
import type { Translator } from '../src/i18n/index.js';

/** Words understood at any prompt (locale key `commands.<id>` lists the phrases). */
export const COMMAND_IDS = ['help', 'menu', 'status', 'back', 'cancel', 'startOver', 'plan'] as const;
export type CommandId = (typeof COMMAND_IDS)[number];

/** Words that start or steer the transition journey. */
export type IntentId = 'continue' | 'approved';

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

/** The command the whole text asks for, if any ("help", "start over", ...). */
export function recognizeCommand(t: Translator, text: string | undefined): CommandId | undefined {
  return COMMAND_IDS.find((id) => matches(t, `commands.${id}`, text));
}

/** The journey intent the text asks for, if any ("continue", "approved"). */
export function recognizeIntent(t: Translator, text: string | undefined): IntentId | undefined {
  if (matches(t, 'commands.approved', text)) return 'approved';
  if (matches(t, 'commands.continue', text)) return 'continue';
  return undefined;
}

/** True when one of the phrases under locale key `key` occurs in `text` as whole words. */
export function mentions(t: Translator, key: string, text: string | undefined): boolean {
  const n = ` ${normalize(text).replace(/[^\p{L}\p{N}' ]+/gu, ' ')} `;
  return t.list(key).some((phrase) => n.includes(` ${normalize(phrase)} `));
}

/** A provider search typed as a sentence: "providers in Germany with financing". */
export interface ProviderQueryText {
  country?: string;
  priorities: Priority[];
}

/**
 * Reads a typed provider search: it must mention a provider word (`keywords.providerWords`); the
 * country/region is found by name in any of the four languages (see findCountryInText), and
 * priorities by the words under `keywords.<service>`. Undefined when the text is not about providers.
 */
export function recognizeProviderQuery(t: Translator, text: string | undefined): ProviderQueryText | undefined {
  if (!text || !mentions(t, 'keywords.providerWords', text)) return undefined;
  const country = findCountryInText(text);
  const priorities = PROVIDER_SERVICES.filter((s) => mentions(t, `keywords.${s}`, text));
  return { ...(country ? { country } : {}), priorities };
}

/**
 * True when typed text asks for the invitations journey: an invitation link or token, or the words
 * under `commands.invitations` / `commands.haveInvitation`. Other journeys hand such text back to
 * the main dialog.
 */
export function asksForInvitations(t: Translator, text: string | undefined): boolean {
  return findTokenInText(text) !== undefined || matches(t, 'commands.invitations', text) || matches(t, 'commands.haveInvitation', text);
}

/** True when typed text looks like CSV (a header line and at least one more line with a separator). */
export function looksLikeCsv(text: string | undefined): boolean {
  const lines = (text ?? '').trim().split(/\r?\n/);
  return lines.length >= 2 && /[,;]/.test(lines[0]!) && /[,;]/.test(lines[1]!);
}

/** True when typed text asks for the customer classification journey: pasted CSV, or the words under `commands.customers`, add, import, export. */
export function asksForCustomers(t: Translator, text: string | undefined): boolean {
  return looksLikeCsv(text) || ['commands.customers', 'commands.addCustomer', 'commands.importCustomers', 'commands.exportCustomers'].some((key) => matches(t, key, text));
}
