/**
 * Indirect providers (distributors) a partner can evaluate after enrolling as an indirect reseller,
 * and a small, explainable ranking of them for the partner's country/region and priorities.
 *
 * Sources:
 * - transition seed, "Find an indirect provider": different providers offer different support and
 *   services, so evaluate the providers in your area; generally most providers provide technical
 *   training and assistance, help market products and services, and manage financing and credit
 *   terms. Microsoft's list at https://partnercenter.microsoft.com/partner/find-a-provider is the
 *   authoritative one; this directory is only an orientation aid.
 * - seed 003, "Connect with an indirect provider" (contact them about their reseller programs,
 *   level of support and terms).
 * - CSP regional rule: a provider and its reseller must be in the same region, so a provider that
 *   does not serve the reseller's country/region is never a match, whatever else it offers.
 *
 * Pure domain code: no I/O except {@link loadProviderDirectory}, which reads one JSON file.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isCountryCode } from './countries.js';
import { toIsoDate, type IsoDate } from './businessDays.js';

/**
 * What a partner can ask a provider for (plus `'language'`, see {@link Priority}). The first three
 * are the seed's "generally, most providers will" list; `support` is the seed's "assistance" and
 * seed 003's "level of support".
 */
export const PROVIDER_SERVICES = ['training', 'marketing', 'financing', 'support'] as const;

/** One service from {@link PROVIDER_SERVICES}. */
export type ProviderService = (typeof PROVIDER_SERVICES)[number];

/** A partner's priority when choosing: a service, or support in its language (`'language'`). */
export type Priority = ProviderService | 'language';

/** Every valid {@link Priority}, in display order. */
export const PRIORITIES: readonly Priority[] = Object.freeze([...PROVIDER_SERVICES, 'language'] as Priority[]);

/**
 * One indirect provider as summarised from its public pages. Only stated facts: a service or
 * language the source does not state is left out (unknown), never guessed.
 */
export interface Provider {
  /** Slug, unique in a directory, `/^[a-z0-9-]{2,40}$/`, e.g. `td-synnex`. */
  id: string;
  /** Display name, e.g. `TD SYNNEX`. */
  name: string;
  /** Official website, an `https:` URL. */
  website: string;
  /** ISO 3166-1 alpha-2 code (upper case) of the country of the headquarters. */
  headquarters: string;
  /** ISO 3166-1 alpha-2 codes (upper case) of the countries/regions served; non-empty, unique. */
  countries: string[];
  /** `true` = the source states the service is offered; key absent = not stated (unknown). */
  services: Partial<Record<ProviderService, boolean>>;
  /** Support tiers as the source states them, e.g. `['business hours', '24x7']`; may be empty (unknown). */
  supportTiers: string[];
  /** ISO 639-1 codes (lower case) of support languages stated by the source; may be empty (unknown). */
  languages: string[];
  /** `https:` URL of the public page the facts come from. */
  source: string;
  /** {@link IsoDate} on which the facts were checked against `source`. */
  checked: IsoDate;
}

/** A partner's search: its country/region and what matters to it, most important first. */
export interface ProviderQuery {
  /** ISO 3166-1 alpha-2 code of the reseller's country/region (either case). */
  country: string;
  /** Requested priorities; duplicates are ignored; order is kept in the reasons. */
  priorities: Priority[];
  /** ISO 639-1 code (either case); required when `'language'` is a priority, ignored otherwise. */
  language?: string;
}

/**
 * Why a provider is listed, as values the card turns into text. `notStated`/`languageNotStated`
 * mean "not stated on their page" (unknown), not "not offered".
 */
export type RankReason =
  | { code: 'servesCountry'; country: string }
  | { code: 'headquarteredInCountry'; country: string }
  | { code: 'offers'; service: ProviderService }
  | { code: 'notStated'; service: ProviderService }
  | { code: 'speaks'; language: string }
  | { code: 'languageNotStated'; language: string };

/** One result of {@link rankProviders}: the provider, its score (points, see there) and the reasons. */
export interface RankedProvider {
  provider: Provider;
  score: number;
  reasons: RankReason[];
}

/** Points per requested priority the provider is stated to offer. */
const OFFER_POINTS = 3;
/** Points for being headquartered in the reseller's country/region. */
const HQ_POINTS = 1;
/** Highest possible score: every priority offered (4 services + language) and the headquarters. */
const MAX_SCORE = OFFER_POINTS * PRIORITIES.length + HQ_POINTS;

/** Bit of each service in a provider's/query's service mask. */
const SERVICE_BIT: Readonly<Record<ProviderService, number>> = Object.freeze(
  Object.fromEntries(PROVIDER_SERVICES.map((s, i) => [s, 1 << i])) as Record<ProviderService, number>,
);
/** Number of set bits of a 4-bit mask. */
const POPCOUNT4 = Uint8Array.from({ length: 16 }, (_, m) => ((m >> 0) & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1));

/** Precomputed per-provider data used by the ranking. */
interface Entry {
  readonly provider: Provider;
  readonly headquarters: string;
  /** Bits of the services stated as offered (`=== true`). */
  readonly offeredMask: number;
  readonly languages: readonly string[];
}

/** Directory internals, kept out of the public class shape. */
interface Internals {
  /** Upper-case country code -> candidates in tie-break order (stated facts desc, name, id). */
  readonly byCountry: ReadonlyMap<string, readonly Entry[]>;
  readonly providersByCountry: ReadonlyMap<string, readonly Provider[]>;
  /** Scratch buffers sized for the largest country, reused by every ranking call (single-threaded). */
  readonly scores: Uint8Array;
  readonly order: Int32Array;
  readonly offsets: Int32Array;
}

const internals = new WeakMap<ProviderDirectory, Internals>();
const EMPTY: readonly never[] = Object.freeze([]);

/** Number of facts the source states: services stated + languages + support tiers. */
function statedFacts(p: Provider): number {
  let n = p.languages.length + p.supportTiers.length;
  for (const s of PROVIDER_SERVICES) if (typeof p.services[s] === 'boolean') n++;
  return n;
}

/** Deep-frozen copy of a provider, with country codes upper-cased and languages lower-cased. */
function frozenCopy(p: Provider): Provider {
  return Object.freeze({
    ...p,
    headquarters: p.headquarters.toUpperCase(),
    countries: Object.freeze(p.countries.map((c) => c.toUpperCase())) as string[],
    services: Object.freeze({ ...p.services }),
    supportTiers: Object.freeze([...p.supportTiers]) as string[],
    languages: Object.freeze(p.languages.map((l) => l.toLowerCase())) as string[],
  });
}

/**
 * An immutable set of providers with a country index built once in the constructor
 * (O(total countries served) time and memory), so looking up a country's providers is O(1).
 */
export class ProviderDirectory {
  /** Number of providers. */
  readonly size: number;
  readonly #all: readonly Provider[];
  readonly #byId: ReadonlyMap<string, Provider>;

  /**
   * @param providers the providers; they are copied and frozen (later changes to the inputs have
   *   no effect). Country codes are indexed upper case, languages lower case.
   * @throws RangeError when two providers share an id
   */
  constructor(providers: Provider[]) {
    const all = providers.map(frozenCopy);
    const byId = new Map<string, Provider>();
    for (const p of all) {
      if (byId.has(p.id)) throw new RangeError(`duplicate provider id "${p.id}"`);
      byId.set(p.id, p);
    }
    const entries = all.map(
      (p): Entry & { facts: number } => ({
        provider: p,
        headquarters: p.headquarters,
        offeredMask: PROVIDER_SERVICES.reduce((m, s) => (p.services[s] === true ? m | SERVICE_BIT[s] : m), 0),
        languages: p.languages,
        facts: statedFacts(p),
      }),
    );
    // Tie-break order, applied once: more stated facts first, then name, then id (locale-independent).
    entries.sort((a, b) =>
      a.facts !== b.facts
        ? b.facts - a.facts
        : a.provider.name !== b.provider.name
          ? a.provider.name < b.provider.name ? -1 : 1
          : a.provider.id < b.provider.id ? -1 : a.provider.id > b.provider.id ? 1 : 0,
    );
    const byCountry = new Map<string, Entry[]>();
    for (const e of entries) {
      for (const c of new Set(e.provider.countries)) {
        let list = byCountry.get(c);
        if (!list) byCountry.set(c, (list = []));
        list.push(e);
      }
    }
    const providersByCountry = new Map<string, readonly Provider[]>();
    let max = 0;
    for (const [c, list] of byCountry) {
      Object.freeze(list);
      providersByCountry.set(c, Object.freeze(list.map((e) => e.provider)));
      max = Math.max(max, list.length);
    }
    this.size = all.length;
    this.#all = Object.freeze(all);
    this.#byId = byId;
    internals.set(this, {
      byCountry,
      providersByCountry,
      scores: new Uint8Array(max),
      order: new Int32Array(max),
      offsets: new Int32Array(MAX_SCORE + 1),
    });
  }

  /** All providers, in the order given to the constructor (frozen). */
  all(): readonly Provider[] {
    return this.#all;
  }

  /** The provider with this id, or undefined. */
  get(id: string): Provider | undefined {
    return this.#byId.get(id);
  }

  /**
   * Providers serving `country` (ISO alpha-2, either case), O(1) from the index; ordered by number
   * of stated facts (most first), then name. Empty for an unknown or unserved code.
   */
  servingCountry(country: string): readonly Provider[] {
    return internals.get(this)!.providersByCountry.get(country.toUpperCase()) ?? EMPTY;
  }
}

/**
 * True when `p` serves `country` (ISO alpha-2, either case). The CSP regional rule: only such a
 * provider can be the indirect provider of a reseller in that country/region.
 */
export function servesCountry(p: Provider, country: string): boolean {
  const c = country.toUpperCase();
  return p.countries.some((x) => x.toUpperCase() === c);
}

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

  const inner = internals.get(directory)!;
  const candidates = inner.byCountry.get(country) ?? EMPTY;
  const n = candidates.length;
  const k = limit === undefined ? n : Math.min(limit, n);
  if (k === 0) return [];

  // Score every candidate and count per score.
  const { scores, order, offsets } = inner;
  offsets.fill(0);
  for (let i = 0; i < n; i++) {
    const e = candidates[i]!;
    let s = OFFER_POINTS * POPCOUNT4[mask & e.offeredMask]!;
    if (wantsLanguage && e.languages.includes(language)) s += OFFER_POINTS;
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

  const results: RankedProvider[] = new Array(k);
  for (let r = 0; r < k; r++) {
    const i = order[r]!;
    const e = candidates[i]!;
    const reasons: RankReason[] = [{ code: 'servesCountry', country }];
    if (e.headquarters === country) reasons.push({ code: 'headquarteredInCountry', country });
    for (const p of priorities) {
      if (p === 'language') {
        reasons.push(e.languages.includes(language) ? { code: 'speaks', language } : { code: 'languageNotStated', language });
      } else {
        reasons.push(e.offeredMask & SERVICE_BIT[p] ? { code: 'offers', service: p } : { code: 'notStated', service: p });
      }
    }
    results[r] = { provider: e.provider, score: scores[i]!, reasons };
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Loading and validating the directory file
// ---------------------------------------------------------------------------------------------

/** One problem found in a directory file: `path` like `providers[3].countries[1]`. */
export interface ProviderDirectoryIssue {
  path: string;
  message: string;
}

/** Issues spelled out in the message; all of them stay in `issues`. */
const MAX_LISTED_ISSUES = 50;

/**
 * A directory file could not be read, parsed or validated. `message` has one line per issue
 * (the first 50, then a count),
 * each `<file>: <field path>: <problem>`, e.g.
 * `src/data/providers.json: providers[3].countries[1]: "XX" is not an ISO 3166-1 alpha-2 code`.
 */
export class ProviderDirectoryError extends Error {
  override readonly name = 'ProviderDirectoryError';
  /** The file as passed to {@link loadProviderDirectory}. */
  readonly file: string;
  readonly issues: readonly ProviderDirectoryIssue[];

  constructor(file: string, issues: ProviderDirectoryIssue[]) {
    const shown = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${file}: ${i.path}: ${i.message}`);
    if (issues.length > MAX_LISTED_ISSUES) shown.push(`${file}: ... and ${issues.length - MAX_LISTED_ISSUES} more issues`);
    super(shown.join('\n'));
    this.file = file;
    this.issues = Object.freeze(issues);
  }
}

const ID_RE = /^[a-z0-9-]{2,40}$/;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

function isRealDate(s: string): boolean {
  if (!ISO_DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function isHttpsUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && u.hostname.length > 0;
  } catch {
    return false;
  }
}

const text = () => z.string().trim().min(1, 'must not be empty');

const countryCode = z.string().superRefine((v, ctx) => {
  if (!/^[A-Z]{2}$/.test(v) || !isCountryCode(v)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an ISO 3166-1 alpha-2 code (upper case)` });
  }
});

const languageCode = z.string().superRefine((v, ctx) => {
  if (!/^[a-z]{2}$/.test(v) || LANGUAGE_NAMES.of(v) === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an ISO 639-1 language code (lower case)` });
  }
});

const httpsUrl = z.string().superRefine((v, ctx) => {
  if (!isHttpsUrl(v)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an https URL` });
});

/** Array whose items must be distinct; a repeat is reported at its own index. */
function uniqueArray<T extends z.ZodType<string>>(item: T, what: string) {
  return z.array(item).superRefine((arr, ctx) => {
    const seen = new Set<string>();
    arr.forEach((v, i) => {
      if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${what} ${JSON.stringify(v)}` });
      seen.add(v);
    });
  });
}

/**
 * `true` only: a service the source does not state is left out rather than set to `false`, so the
 * card never presents a guess as a fact.
 */
const stated = z.literal(true, { error: 'must be true when stated; leave the service out when the source does not state it' });

function fileSchema(today: IsoDate) {
  const provider = z.strictObject({
    id: z.string().regex(ID_RE, 'must match /^[a-z0-9-]{2,40}$/'),
    name: text(),
    website: httpsUrl,
    headquarters: countryCode,
    countries: uniqueArray(countryCode, 'country').min(1, 'must list at least one country/region'),
    services: z.strictObject(Object.fromEntries(PROVIDER_SERVICES.map((s) => [s, stated.optional()])) as Record<ProviderService, z.ZodOptional<typeof stated>>),
    supportTiers: uniqueArray(text(), 'support tier'),
    languages: uniqueArray(languageCode, 'language'),
    source: httpsUrl,
    checked: z.string().superRefine((v, ctx) => {
      if (!isRealDate(v)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a real date as YYYY-MM-DD` });
      else if (v > today) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is in the future (today is ${today})` });
    }),
  });
  return z.strictObject({
    note: z.string().optional(),
    providers: z.array(provider),
  });
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${JSON.stringify(v) ?? ''}`.trim();
}

function toIssues(error: z.ZodError): ProviderDirectoryIssue[] {
  const issues: ProviderDirectoryIssue[] = [];
  for (const iss of error.issues) {
    const input = (iss as { input?: unknown }).input;
    if (iss.code === 'invalid_type') {
      issues.push({
        path: formatPath(iss.path),
        message: input === undefined ? `is required (${iss.expected})` : `must be ${iss.expected}, got ${describe(input)}`,
      });
    } else if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) issues.push({ path: formatPath([...iss.path, key]), message: 'is not a known field' });
    } else {
      issues.push({ path: formatPath(iss.path), message: iss.message });
    }
  }
  return issues;
}

/**
 * Reads a provider directory file, JSON `{ "note"?: string, "providers": Provider[] }`, validates
 * every field and returns the directory.
 *
 * Checked: every {@link Provider} field is present with the right type and no unknown fields;
 * `id` matches `/^[a-z0-9-]{2,40}$/` and is unique; `website` and `source` are https URLs;
 * `headquarters` and `countries` are upper-case ISO 3166-1 alpha-2 codes (`isCountryCode`),
 * `countries` non-empty and unique; `languages` lower-case ISO 639-1 codes, unique; `services`
 * keys from {@link PROVIDER_SERVICES} and only `true`; `checked` a real `YYYY-MM-DD` date not
 * after the UTC date of `now`.
 *
 * @param filePath path of the JSON file; error messages name it exactly as passed
 * @param now the "today" for the `checked` check (UTC date); defaults to the current time
 * @throws ProviderDirectoryError when the file cannot be read, is not valid JSON, or fails
 *   validation; the message names the file, the field path and the problem for every issue
 */
export function loadProviderDirectory(filePath: string, now: Date = new Date()): ProviderDirectory {
  let raw: string;
  try {
    raw = readFileSync(filePath, 'utf8');
  } catch (e) {
    throw new ProviderDirectoryError(filePath, [{ path: '(file)', message: `cannot be read: ${(e as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    throw new ProviderDirectoryError(filePath, [{ path: '(root)', message: `malformed JSON: ${(e as Error).message}` }]);
  }
  const parsed = fileSchema(toIsoDate(now)).safeParse(data, { reportInput: true });
  if (!parsed.success) throw new ProviderDirectoryError(filePath, toIssues(parsed.error));
  const providers = parsed.data.providers as Provider[];
  const firstIndex = new Map<string, number>();
  const issues: ProviderDirectoryIssue[] = [];
  providers.forEach((p, i) => {
    const first = firstIndex.get(p.id);
    if (first !== undefined) issues.push({ path: `providers[${i}].id`, message: `duplicate id "${p.id}" (also providers[${first}].id)` });
    else firstIndex.set(p.id, i);
  });
  if (issues.length) throw new ProviderDirectoryError(filePath, issues);
  return new ProviderDirectory(providers);
}
