import i18next, { type i18n as I18n } from 'i18next';
import deDE from './locales/de-DE.json' with { type: 'json' };
import deDEPages from './locales/de-DE.pages.json' with { type: 'json' };
import enUS from './locales/en-US.json' with { type: 'json' };
import enUSPages from './locales/en-US.pages.json' with { type: 'json' };
import ruRU from './locales/ru-RU.json' with { type: 'json' };
import ruRUPages from './locales/ru-RU.pages.json' with { type: 'json' };
import zhTW from './locales/zh-TW.json' with { type: 'json' };
import zhTWPages from './locales/zh-TW.pages.json' with { type: 'json' };

/**
 * Locales the assistant speaks: the languages of the source documents (English, German, Russian,
 * Traditional Chinese). Every locale falls back to en-US key by key, never to a raw key.
 */
export const SUPPORTED_LOCALES = ['en-US', 'de-DE', 'ru-RU', 'zh-TW'] as const;

/**
 * Each locale's words: the chat's file and the accept pages' file (`pages.*`), merged.
 * Exported for the completeness test (every locale has every key).
 */
export const LOCALE_RESOURCES: Record<SupportedLocale, Record<string, unknown>> = {
  'en-US': { ...enUS, ...enUSPages },
  'de-DE': { ...deDE, ...deDEPages },
  'ru-RU': { ...ruRU, ...ruRUPages },
  'zh-TW': { ...zhTW, ...zhTWPages },
};
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: SupportedLocale = 'en-US';

/** Interpolation values for a message. */
export type TParams = Record<string, string | number | undefined>;

/**
 * Translates `key` (dot path into the locale file, e.g. `steps.prepare.title`) with `params`
 * interpolated (`{{name}}`; `count` selects the plural form). A missing key falls back to en-US;
 * a key missing there too throws, so tests catch it.
 */
export interface Translator {
  (key: string, params?: TParams): string;
  /** A string array from the locale file (e.g. `commands.help`), interpolated. Frozen: don't mutate. */
  list(key: string, params?: TParams): string[];
  /** True when `key` exists (in this locale or the en-US fallback). */
  has(key: string): boolean;
  /** Formats a `YYYY-MM-DD` date long-form in this locale, e.g. "Friday, November 27, 2026". */
  date(isoDate: string): string;
  /** Formats an ISO instant as a short date in this locale, e.g. "Nov 21, 2026". */
  shortDate(isoInstant: string): string;
  /** Formats an ISO instant as a short date and time in UTC in this locale, e.g. "Nov 21, 2026, 10:05 UTC". */
  shortDateTime(isoInstant: string): string;
  readonly locale: SupportedLocale;
}

let instance: I18n | undefined;

function i18n(): I18n {
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      resources: Object.fromEntries(Object.entries(LOCALE_RESOURCES).map(([lng, translation]) => [lng, { translation }])),
      lng: DEFAULT_LOCALE,
      fallbackLng: DEFAULT_LOCALE,
      supportedLngs: [...SUPPORTED_LOCALES],
      initAsync: false,
      returnNull: false,
      interpolation: { escapeValue: false },
    });
  }
  return instance;
}

/**
 * Picks the supported locale closest to a channel's `activity.locale` (BCP 47, any case, `_` or
 * `-`): exact match, else the same language (de-AT -> de-DE; any Chinese -> zh-TW, the only
 * Chinese the source documents exist in); unknown or missing -> en-US.
 */
export function resolveLocale(requested: string | undefined): SupportedLocale {
  if (!requested) return DEFAULT_LOCALE;
  const wanted = requested.toLowerCase().replace(/_/g, '-');
  const exact = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === wanted);
  if (exact) return exact;
  const lang = wanted.split('-')[0];
  return SUPPORTED_LOCALES.find((l) => l.toLowerCase().split('-')[0] === lang) ?? DEFAULT_LOCALE;
}

const translators = new Map<SupportedLocale, Translator>();

/** Translations memoized per locale (key + parameters); the oldest are dropped beyond this. */
const MEMO_SIZE = 20_000;

/** A Map that forgets its oldest entries beyond `limit` (insertion order). */
class BoundedMemo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, value);
  }
}

/**
 * `date` (long, "Friday, 21 November 2026") and `shortDate` ("21 Nov 2026") in `lng`, UTC,
 * memoized per input: a checklist header formats up to eight "done on" dates, and
 * `Intl.DateTimeFormat.format` is the costliest call of a translated card.
 * @param unknown what an unreadable date shows
 */
function dateFormatters(lng: string, unknown: string): Pick<Translator, 'date' | 'shortDate' | 'shortDateTime'> {
  const longDate = new Intl.DateTimeFormat(lng, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const shortDate = new Intl.DateTimeFormat(lng, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const shortDateTime = new Intl.DateTimeFormat(lng, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });
  const dates = new BoundedMemo<string>(MEMO_SIZE);
  const format = (memoKey: string, d: Date, f: Intl.DateTimeFormat) => {
    const hit = dates.get(memoKey);
    if (hit !== undefined) return hit;
    const value = Number.isNaN(d.getTime()) ? unknown : f.format(d);
    dates.set(memoKey, value);
    return value;
  };
  return {
    date: (isoDate) => format(`d\u0000${isoDate}`, new Date(`${isoDate}T00:00:00Z`), longDate),
    shortDate: (iso) => format(`s\u0000${iso}`, new Date(iso), shortDate),
    shortDateTime: (iso) => format(`t\u0000${iso}`, new Date(iso), shortDateTime),
  };
}

/** The {@link Translator} for `locale` (resolved with {@link resolveLocale}); built once per locale and shared. */
export function translator(locale: string | undefined): Translator {
  const lng = resolveLocale(locale);
  const cached = translators.get(lng);
  if (cached) return cached;
  const fixed = i18n().getFixedT(lng);
  // Results are memoized per key and parameters: a card renders dozens of strings and i18next's
  // lookup and interpolation are the costliest part of a turn after templating. The resources
  // never change at run time, so a memoized result stays right.
  const memo = new BoundedMemo<string>(MEMO_SIZE);
  const lists = new Map<string, readonly string[]>();
  const exists = new Map<string, boolean>();
  const has = (key: string) => {
    let known = exists.get(key);
    if (known === undefined) exists.set(key, (known = i18n().exists(key, { lng })));
    return known;
  };
  const t = ((key: string, params?: TParams) => {
    const memoKey = params ? `${key}\u0000${JSON.stringify(params)}` : key;
    const hit = memo.get(memoKey);
    if (hit !== undefined) return hit;
    const known = has(key) || (params?.count !== undefined && has(`${key}_other`));
    if (!known) throw new Error(`Missing translation key: ${key}`);
    const value = fixed(key, params as Record<string, unknown>) as string;
    memo.set(memoKey, value);
    return value;
  }) as Translator;
  t.has = has;
  t.list = (key, params) => {
    const memoKey = params ? `${key}\u0000${JSON.stringify(params)}` : key;
    const hit = lists.get(memoKey);
    if (hit) return hit as string[];
    const v = fixed(key, { ...(params as Record<string, unknown>), returnObjects: true }) as unknown;
    if (!Array.isArray(v)) throw new Error(`Translation key is not a list: ${key}`);
    const list = Object.freeze([...(v as string[])]);
    if (!params) lists.set(memoKey, list);
    return list as string[];
  };
  Object.assign(t, dateFormatters(lng, fixed('dates.unknown')));
  Object.defineProperty(t, 'locale', { value: lng });
  translators.set(lng, t);
  return t;
}
