/**
 * The provider journey: find, compare, shortlist and choose an indirect provider, and a provider's
 * own listing. Registered in `dialogs/registry.ts`.
 */
import type { LoopJourney } from '../journey.js';
import { PROVIDER_DIALOG, ProviderDialog, type ProviderOptions } from './dialog.js';
import { providerSubmits } from './submits.js';
import { asksForListing, recognizeProviderQuery } from './triggers.js';

const menu = [
  { id: 'providers', position: 2, options: { stage: 'country' } },
  { id: 'providerListing', position: 5, options: { stage: 'listing' } },
] as const satisfies readonly { id: string; position: number; options: ProviderOptions }[];

export const providerJourney = {
  kind: 'loop',
  id: 'providers',
  verbPrefix: 'providers.',
  submits: providerSubmits,
  menu,
  dialogId: PROVIDER_DIALOG,
  answerNow: { handleCurrentActivity: true },
  recognize: (t, activity) => {
    if (asksForListing(t, activity.text)) return { stage: 'listing' };
    const query = recognizeProviderQuery(t, activity.text);
    if (!query) return undefined;
    return query.country ? { stage: 'results', country: query.country, priorities: query.priorities } : { stage: 'country', priorities: query.priorities };
  },
  create: (services, router) => new ProviderDialog(services, menu, router),
} satisfies LoopJourney<ProviderOptions>;
