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
 *
 * This file is the public entry; the code lives in `./providers/`: `model.ts` (services,
 * priorities, a provider, a query, a ranked result), `directory.ts` (the frozen, country-indexed
 * {@link ProviderDirectory}), `scoring.ts` (points and service bits), `ranking.ts`
 * ({@link rankProviders}), `fileSchema.ts` and `loading.ts` (reading and validating the file).
 */
export {
  PRIORITIES,
  PROVIDER_SERVICES,
  type Priority,
  type Provider,
  type ProviderQuery,
  type ProviderService,
  type RankedProvider,
  type RankReason,
} from './providers/model.js';
export { ProviderDirectory, servesCountry } from './providers/directory.js';
export { rankProviders } from './providers/ranking.js';
export { loadProviderDirectory, ProviderDirectoryError, type ProviderDirectoryIssue } from './providers/loading.js';
