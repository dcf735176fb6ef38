/**
 * Which language a page answers in: the `negotiator` library ranks the request's
 * `Accept-Language` against the supported locales; a page that takes `?lang=` (the Web Chat page)
 * lets that win over the header.
 */
import Negotiator from 'negotiator';
import type { Request } from 'restify';
import { z } from 'zod';
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, resolveLocale, type SupportedLocale } from '../../i18n/index.js';

/**
 * What negotiator is offered: each supported locale and its bare language, so a regional variant
 * the browser asks for (de-AT, en-GB, zh-HK) finds its language (negotiator matches `de-AT` to
 * `de` but not to `de-DE`). {@link resolveLocale} maps the winner back to a supported locale.
 */
const OFFERED = SUPPORTED_LOCALES.flatMap((locale) => [locale, locale.split('-')[0]!]);

/**
 * The supported locale an `Accept-Language` header asks for first (by q-value, then order), else
 * en-US (also for a missing or empty header). A wildcard range (`*`) expresses no preference and is
 * ignored, so `fr, *;q=0.5, de;q=0.4` still gives de-DE.
 */
export function localeFrom(header: string | string[] | undefined): SupportedLocale {
  const value = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .filter((range) => range.split(';')[0]!.trim() !== '*')
    .join(',');
  const best = new Negotiator({ headers: { 'accept-language': value } }).language(OFFERED);
  return best ? resolveLocale(best) : DEFAULT_LOCALE;
}

/** A `?lang=` value worth honouring: a BCP 47-shaped tag (`de`, `de-AT`, `zh_TW`, `zh-Hant-TW`). */
export const langParamSchema = z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/);

/**
 * The locale of a page request. With `queryParam` (e.g. `lang`), a well-formed value of that query
 * parameter wins (an unsupported language then gives en-US, not the header's choice, as a link
 * with `?lang=` asks for one language); otherwise, and for pages without it, the Accept-Language header.
 */
export function pageLocale(req: Request, options: { queryParam?: string } = {}): SupportedLocale {
  if (options.queryParam) {
    const lang = langParamSchema.safeParse(queryOf(req)[options.queryParam]);
    if (lang.success) return resolveLocale(lang.data);
  }
  return localeFrom(req.headers['accept-language']);
}

/** The parsed query string of a request (restify's queryParser), `{}` when none. */
export function queryOf(req: Request): Record<string, unknown> {
  const query: unknown = req.query;
  return query && typeof query === 'object' ? (query as Record<string, unknown>) : {};
}
