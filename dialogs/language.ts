/**
 * The `language` command: which languages the assistant speaks, named in their own language (from
 * `Intl.DisplayNames`, not hand-written), and how a typed request is read.
 */
import type { Attachment } from 'botbuilder';
import { SUPPORTED_LOCALES, type SupportedLocale, type Translator } from '../src/i18n/index.js';
import { infoCard, submit } from './cardKit.js';
import { matches, normalize } from './recognizer.js';

/** The language subtag `Intl.DisplayNames` names best: Traditional Chinese is `zh-Hant`. */
const LANGUAGE_TAG: Record<SupportedLocale, string> = { 'en-US': 'en', 'de-DE': 'de', 'ru-RU': 'ru', 'zh-TW': 'zh-Hant' };

/** `locale`'s language named in `inLocale` ("Deutsch" in de-DE, "German" in en-US), first letter upper-case. */
export function languageName(locale: SupportedLocale, inLocale: SupportedLocale): string {
  const name = new Intl.DisplayNames([inLocale], { type: 'language' }).of(LANGUAGE_TAG[locale]) ?? locale;
  return name.charAt(0).toLocaleUpperCase(inLocale) + name.slice(1);
}

let names: ReadonlyMap<SupportedLocale, readonly string[]> | undefined;

/**
 * Every name a supported locale goes by: its own name and its name in each other supported language.
 * Built once (16 `Intl.DisplayNames` lookups): typed text is checked against it on every turn.
 */
function namesOf(locale: SupportedLocale): readonly string[] {
  names ??= new Map(
    SUPPORTED_LOCALES.map((l) => [l, [l, LANGUAGE_TAG[l], ...SUPPORTED_LOCALES.map((inLocale) => languageName(l, inLocale))].map((n) => normalize(n))]),
  );
  return names.get(locale)!;
}

/**
 * Reads typed text as a language request: the words under `commands.language` ask which language
 * (`ask`); a language named on its own ("Deutsch", "русский", "English", "繁體中文", "de-DE")
 * switches to it. Undefined for any other text.
 */
export function recognizeLanguageRequest(t: Translator, text: string | undefined): { kind: 'ask' } | { kind: 'switch'; locale: SupportedLocale } | undefined {
  if (matches(t, 'commands.language', text)) return { kind: 'ask' };
  const n = normalize(text);
  if (!n) return undefined;
  const locale = SUPPORTED_LOCALES.find((l) => namesOf(l).includes(n));
  return locale ? { kind: 'switch', locale } : undefined;
}

/** The language card: one button per supported language, each named in its own language. */
export function languageCard(t: Translator): Attachment {
  return infoCard({
    title: t('language.title'),
    paragraphs: [t('language.body', { language: languageName(t.locale, t.locale) })],
    actions: SUPPORTED_LOCALES.map((l) => submit(languageName(l, l), 'language.set', { locale: l }, l === t.locale ? 'positive' : 'default')),
  });
}
