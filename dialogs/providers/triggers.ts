/**
 * Words that start the provider journey from anywhere: a provider search typed as a sentence
 * ("providers in Germany with financing", any of the four languages) and the listing words for a
 * provider's own staff (`commands.providerListing`).
 */
import { findCountryInText } from '../../src/domain/countries.js';
import { PROVIDER_SERVICES, type Priority } from '../../src/domain/providers.js';
import type { Translator } from '../../src/i18n/index.js';
import { matches, mentions } from '../recognizer.js';

/** A provider search typed as a sentence. */
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
  const priorities = typedPriorities(t, text);
  return { ...(country ? { country } : {}), priorities };
}

/** The priorities named in typed text by the words under `keywords.<service>`. */
export function typedPriorities(t: Translator, text: string): Priority[] {
  return PROVIDER_SERVICES.filter((s) => mentions(t, `keywords.${s}`, text));
}

/** True when the text asks for the provider listing (a provider's staff checking how their company appears). */
export function asksForListing(t: Translator, text: string | undefined): boolean {
  return matches(t, 'commands.providerListing', text);
}
