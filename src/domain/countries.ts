import countries from 'i18n-iso-countries';

/** An ISO 3166-1 alpha-2 country/region code, upper case, e.g. `DE`. */
export type CountryCode = string;

/** Maps a product locale (`en-US`, `de-DE`, `ru-RU`, `zh-TW`) to the country-name language of i18n-iso-countries. */
function nameLanguage(locale: string): string {
  const lang = locale.slice(0, 2).toLowerCase();
  return countries.getSupportedLanguages().includes(lang) ? lang : 'en';
}

/** True when `code` is an assigned ISO 3166-1 alpha-2 code. */
export function isCountryCode(code: string): boolean {
  return countries.isValid(code) && /^[A-Za-z]{2}$/.test(code);
}

/**
 * Traditional Chinese names come from `Intl.DisplayNames('zh-TW')` (CLDR): i18n-iso-countries' `zh`
 * names are Simplified Chinese ("德国", and Taiwan as a province), wrong for zh-TW readers.
 */
const zhTwNames = new Intl.DisplayNames(['zh-TW'], { type: 'region' });

function isTraditionalChinese(locale: string): boolean {
  return locale.toLowerCase().startsWith('zh');
}

/** Localized country/region name for `code` (falls back to English, then to the code itself). */
export function countryName(code: CountryCode, locale: string): string {
  if (isTraditionalChinese(locale)) {
    const name = isCountryCode(code) ? zhTwNames.of(code.toUpperCase()) : undefined;
    if (name && name !== code.toUpperCase()) return name;
  }
  return countries.getName(code, nameLanguage(locale)) ?? countries.getName(code, 'en') ?? code;
}

let zhTwIndex: Map<string, CountryCode> | undefined;

/** Traditional Chinese name (and 臺/台 variant) -> code, built once. */
function findTraditionalChinese(name: string): CountryCode | undefined {
  if (!zhTwIndex) {
    zhTwIndex = new Map();
    for (const code of Object.keys(countries.getAlpha2Codes())) {
      const n = zhTwNames.of(code);
      if (n && n !== code) zhTwIndex.set(n.replace(/臺/g, '台'), code);
    }
  }
  return zhTwIndex.get(name.trim().replace(/臺/g, '台'));
}

const optionsCache = new Map<string, ReadonlyArray<{ code: CountryCode; name: string }>>();

/**
 * All countries/regions as `{ code, name }`, names in `locale`, sorted by name with that locale's
 * collation. Used for the country picker (about 250 entries). Computed once per locale; the
 * returned array is frozen and shared.
 */
export function countryOptions(locale: string): ReadonlyArray<{ code: CountryCode; name: string }> {
  const cached = optionsCache.get(locale);
  if (cached) return cached;
  const lang = nameLanguage(locale);
  const names = isTraditionalChinese(locale)
    ? Object.fromEntries(Object.keys(countries.getAlpha2Codes()).map((code) => [code, countryName(code, locale)]))
    : countries.getNames(lang, { select: 'official' });
  const collator = new Intl.Collator(locale);
  const options = Object.freeze(
    Object.entries(names)
      .map(([code, name]) => Object.freeze({ code, name }))
      .sort((a, b) => collator.compare(a.name, b.name)),
  );
  optionsCache.set(locale, options);
  return options;
}

/**
 * Finds a country code from free text: an alpha-2/alpha-3 code or a name in English, German,
 * Russian or Chinese, Traditional or Simplified ("Germany", "Deutschland", "Германия", "德國"/"德国",
 * "台灣"/"臺灣"). Returns undefined
 * when nothing matches exactly (case-insensitive).
 */
export function findCountryCode(text: string): CountryCode | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/^[A-Za-z]{2}$/.test(t) && isCountryCode(t)) return t.toUpperCase();
  if (/^[A-Za-z]{3}$/.test(t)) {
    const a2 = countries.alpha3ToAlpha2(t.toUpperCase());
    if (a2) return a2;
  }
  for (const lang of ['en', 'de', 'ru', 'zh']) {
    const code = countries.getAlpha2Code(t, lang);
    if (code) return code;
  }
  return findTraditionalChinese(t);
}

/**
 * Finds a country/region named inside free text ("providers in Germany with financing",
 * "Anbieter in Deutschland", "United Kingdom distributors"): tries every run of one to three words
 * as a name in English, German, Russian or Chinese, then upper-case two-letter codes typed as such
 * ("DE"). Lower-case short words are never read as codes ("in" is not India).
 * @returns the first match, scanning longer runs first; undefined when none.
 */
export function findCountryInText(text: string): CountryCode | undefined {
  const words = text.split(/[\s,.;:!?()"“”]+/u).filter(Boolean);
  for (let n = 3; n >= 1; n--) {
    for (let i = 0; i + n <= words.length; i++) {
      const phrase = words.slice(i, i + n).join(' ');
      for (const lang of ['en', 'de', 'ru', 'zh']) {
        const code = countries.getAlpha2Code(phrase, lang);
        if (code) return code;
      }
      const zh = findTraditionalChinese(phrase);
      if (zh) return zh;
    }
  }
  const code = words.find((w) => /^[A-Z]{2}$/.test(w) && isCountryCode(w));
  return code;
}
