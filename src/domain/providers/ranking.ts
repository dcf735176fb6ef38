/**
 * Ranking the providers that can work with a reseller: the CSP regional rule first (only
 * providers serving the reseller's country/region), then a few explainable points per priority
 * (transition seed, transition-direct-bill-to-indirect-reseller.en.md, "Find an indirect
 * provider": evaluate the providers in your area by the support and services they offer).
 */
import { isCountryCode } from '../countries.js';
import { directoryInternals, EMPTY, type Entry, type Internals, type ProviderDirectory } from './directory.js';
import type { Priority, ProviderQuery, RankedProvider, RankReason } from './model.js';
import { HQ_POINTS, MAX_SCORE, OFFER_POINTS, POPCOUNT4, SERVICE_BIT } from './scoring.js';

/**
 * Ranks the providers that can work with a reseller in `query.country`. The rules, shown to the
 * partner as reasons, are deliberately simple:
 *
 * 1. Region rule: only providers serving `query.country` are candidates; any other provider is
 *    never returned, whatever it offers. A country nobody serves gives `[]`.
 * 2. +3 points per requested priority the provider is stated to offer: `services[x] === true`, or
 *    for `'language'`, `languages` includes `query.language`.
 * 3. 0 points for a priority the source does not state (reason `notStated`/`languageNotStated`:
 *    "not stated on their page"). Unknown is not counted against a provider, nor for it.
 * 4. +1 point when headquartered in `query.country`.
 * 5. Ties: more stated facts first (services stated + languages + support tiers), then name
 *    (code-unit order, `a.name < b.name`, locale-independent), then id. Fully deterministic.
 *
 * Reasons, in order: `servesCountry`, then `headquarteredInCountry` when it applies, then one per
 * requested priority in the query's order (`offers`/`notStated`, `speaks`/`languageNotStated`).
 *
 * Cost: O(candidates + limit) per call, with no comparison sort: scores are small integers, so a
 * stable counting sort over the candidates (already in tie-break order in the index) ranks them;
 * with `limit`, only the first `limit` positions are filled and only those results (and their
 * reasons) are allocated.
 *
 * @param limit at most this many results (a non-negative integer); all candidates when omitted
 * @returns best first
 * @throws RangeError when `query.country` is not an ISO 3166-1 alpha-2 code, a priority is
 *   unknown, `'language'` is requested without `query.language`, or `limit` is invalid
 */
export function rankProviders(directory: ProviderDirectory, query: ProviderQuery, limit?: number): RankedProvider[] {
  if (typeof query.country !== 'string' || !isCountryCode(query.country)) {
    throw new RangeError(`query.country must be an ISO 3166-1 alpha-2 code, got ${JSON.stringify(query.country)}`);
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  }
  const country = query.country.toUpperCase();
  const wanted = wantedPriorities(query);

  const inner = directoryInternals(directory);
  const candidates = inner.byCountry.get(country) ?? EMPTY;
  const k = limit === undefined ? candidates.length : Math.min(limit, candidates.length);
  if (k === 0) return [];
  placeByScore(inner, candidates, wanted, country, k);

  const results: RankedProvider[] = new Array(k);
  for (let r = 0; r < k; r++) {
    const i = inner.order[r]!;
    const e = candidates[i]!;
    results[r] = { provider: e.provider, score: inner.scores[i]!, reasons: reasonsFor(e, wanted, country) };
  }
  return results;
}

/** The requested priorities without repeats (query order), as a service mask plus the language ask. */
interface Wanted {
  /** Bits ({@link SERVICE_BIT}) of the requested services. */
  mask: number;
  wantsLanguage: boolean;
  /** Requested priorities, first occurrence of each, in the query's order. */
  priorities: Priority[];
  /** ISO 639-1 code, lower case; `''` when `'language'` is not requested. */
  language: string;
}

/**
 * Reads `query.priorities` and `query.language` into {@link Wanted}.
 * @throws RangeError for an unknown priority, or `'language'` without an ISO 639-1 `query.language`
 */
function wantedPriorities(query: ProviderQuery): Wanted {
  let mask = 0;
  let wantsLanguage = false;
  const priorities: Priority[] = [];
  for (const p of query.priorities) {
    if (p === 'language') {
      if (wantsLanguage) continue;
      wantsLanguage = true;
    } else if (Object.hasOwn(SERVICE_BIT, p)) {
      if (mask & SERVICE_BIT[p]) continue;
      mask |= SERVICE_BIT[p];
    } else {
      throw new RangeError(`unknown priority ${JSON.stringify(p)}`);
    }
    priorities.push(p);
  }
  let language = '';
  if (wantsLanguage) {
    if (typeof query.language !== 'string' || !/^[a-zA-Z]{2}$/.test(query.language)) {
      throw new RangeError(`query.language must be an ISO 639-1 code when 'language' is a priority, got ${JSON.stringify(query.language)}`);
    }
    language = query.language.toLowerCase();
  }
  return { mask, wantsLanguage, priorities, language };
}

/**
 * Scores every candidate into `inner.scores` and writes the indexes of the best `k` into
 * `inner.order[0..k)`, best first: a stable counting sort by score (scores are small integers;
 * the candidates are already in tie-break order), filling only the first `k` positions.
 */
function placeByScore(inner: Internals, candidates: readonly Entry[], wanted: Wanted, country: string, k: number): void {
  const { scores, order, offsets } = inner;
  const n = candidates.length;
  // Score every candidate and count per score.
  offsets.fill(0);
  for (let i = 0; i < n; i++) {
    const e = candidates[i]!;
    let s = OFFER_POINTS * POPCOUNT4[wanted.mask & e.offeredMask]!;
    if (wanted.wantsLanguage && e.languages.includes(wanted.language)) s += OFFER_POINTS;
    if (e.headquarters === country) s += HQ_POINTS;
    scores[i] = s;
    offsets[s]!++;
  }
  // Start position of each score bucket, best score first.
  let pos = 0;
  for (let s = MAX_SCORE; s >= 0; s--) {
    const count = offsets[s]!;
    offsets[s] = pos;
    pos += count;
  }
  // Stable placement; positions >= k are never needed (partial selection).
  for (let i = 0; i < n; i++) {
    const p = offsets[scores[i]!]!++;
    if (p < k) order[p] = i;
  }
}

/** The reasons shown for one ranked provider: region, headquarters when it applies, then one per requested priority. */
function reasonsFor(e: Entry, wanted: Wanted, country: string): RankReason[] {
  const reasons: RankReason[] = [{ code: 'servesCountry', country }];
  if (e.headquarters === country) reasons.push({ code: 'headquarteredInCountry', country });
  const { language } = wanted;
  for (const p of wanted.priorities) {
    if (p === 'language') {
      reasons.push(e.languages.includes(language) ? { code: 'speaks', language } : { code: 'languageNotStated', language });
    } else {
      reasons.push(e.offeredMask & SERVICE_BIT[p] ? { code: 'offers', service: p } : { code: 'notStated', service: p });
    }
  }
  return reasons;
}
