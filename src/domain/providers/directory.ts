/**
 * The provider directory: an immutable, frozen set of providers with a country index (the CSP
 * regional rule: a provider and its reseller must be in the same region) and the per-provider
 * data the ranking reads, precomputed once.
 */
import { PROVIDER_SERVICES, type Provider } from './model.js';
import { MAX_SCORE, SERVICE_BIT } from './scoring.js';

/** Precomputed per-provider data used by the ranking. */
export interface Entry {
  readonly provider: Provider;
  readonly headquarters: string;
  /** Bits of the services stated as offered (`=== true`). */
  readonly offeredMask: number;
  readonly languages: readonly string[];
}

/** Directory internals, kept out of the public class shape (read by the ranking through {@link directoryInternals}). */
export interface Internals {
  /** Upper-case country code -> candidates in tie-break order (stated facts desc, name, id). */
  readonly byCountry: ReadonlyMap<string, readonly Entry[]>;
  readonly providersByCountry: ReadonlyMap<string, readonly Provider[]>;
  /** Scratch buffers sized for the largest country, reused by every ranking call (single-threaded). */
  readonly scores: Uint8Array;
  readonly order: Int32Array;
  readonly offsets: Int32Array;
}

const internals = new WeakMap<ProviderDirectory, Internals>();
/** A shared frozen empty list. */
export const EMPTY: readonly never[] = Object.freeze([]);

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
    const entries = all.map((p): Entry & { facts: number } => ({
      provider: p,
      headquarters: p.headquarters,
      offeredMask: PROVIDER_SERVICES.reduce((m, s) => (p.services[s] === true ? m | SERVICE_BIT[s] : m), 0),
      languages: p.languages,
      facts: statedFacts(p),
    }));
    // Tie-break order, applied once: more stated facts first, then name, then id (locale-independent).
    entries.sort((a, b) =>
      a.facts !== b.facts
        ? b.facts - a.facts
        : a.provider.name !== b.provider.name
          ? a.provider.name < b.provider.name
            ? -1
            : 1
          : a.provider.id < b.provider.id
            ? -1
            : a.provider.id > b.provider.id
              ? 1
              : 0,
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

/** The internals of `directory` (its country index and the ranking's scratch buffers); not part of the public API. */
export function directoryInternals(directory: ProviderDirectory): Internals {
  return internals.get(directory)!;
}

/**
 * True when `p` serves `country` (ISO alpha-2, either case). The CSP regional rule: only such a
 * provider can be the indirect provider of a reseller in that country/region.
 */
export function servesCountry(p: Provider, country: string): boolean {
  const c = country.toUpperCase();
  return p.countries.some((x) => x.toUpperCase() === c);
}
