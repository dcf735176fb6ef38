/**
 * The ranking's points (see `rankProviders` in ranking.ts for the rules they implement) and
 * the service bit masks the directory precomputes so that scoring a provider is a few bit operations.
 */
import { PRIORITIES, PROVIDER_SERVICES, type ProviderService } from './model.js';

/** Points per requested priority the provider is stated to offer. */
export const OFFER_POINTS = 3;
/** Points for being headquartered in the reseller's country/region. */
export const HQ_POINTS = 1;
/** Highest possible score: every priority offered (4 services + language) and the headquarters. */
export const MAX_SCORE = OFFER_POINTS * PRIORITIES.length + HQ_POINTS;

/** Bit of each service in a provider's/query's service mask. */
export const SERVICE_BIT: Readonly<Record<ProviderService, number>> = Object.freeze(
  Object.fromEntries(PROVIDER_SERVICES.map((s, i) => [s, 1 << i])) as Record<ProviderService, number>,
);
/** Number of set bits of a 4-bit mask. */
export const POPCOUNT4 = Uint8Array.from({ length: 16 }, (_, m) => ((m >> 0) & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1));
