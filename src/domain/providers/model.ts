/**
 * The shapes of the provider directory and of a partner's search: services (transition seed,
 * transition-direct-bill-to-indirect-reseller.en.md, "Find an indirect provider"; seed 003,
 * "Connect with an indirect provider"), priorities, a provider entry, a query and a ranked result.
 */
import type { IsoDate } from '../businessDays.js';

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
