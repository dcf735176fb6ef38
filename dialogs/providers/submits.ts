/** The provider journey's card submits (`providers.*`), one zod schema per verb. */
import { z } from 'zod';
import { multi, rev } from '../submitFields.js';

/** A provider id from the directory (format only; existence is checked against the directory). */
const providerId = z.string().regex(/^[a-z0-9-]{2,40}$/);
/** An ISO 3166-1 alpha-2 code (checked against the list by the journey). */
const countryCode = z.string().regex(/^[A-Z]{2}$/);

export const providerSubmits = [
  z.object({ verb: z.literal('providers.country'), country: z.string().max(100).optional() }),
  z.object({ verb: z.literal('providers.priorities'), country: countryCode, priorities: multi }),
  z.object({ verb: z.literal('providers.shortlist'), rev, providerId, add: z.boolean() }),
  z.object({ verb: z.literal('providers.contacted'), rev, providerId }),
  z.object({ verb: z.literal('providers.choose'), rev, providerId }),
  z.object({ verb: z.literal('providers.compare'), country: countryCode, selected: multi }),
  z.object({ verb: z.literal('providers.newSearch') }),
  z.object({ verb: z.literal('providers.showShortlist') }),
  z.object({ verb: z.literal('providers.listing'), providerId: providerId.optional() }),
] as const;

/** A provider journey card submit. */
export type ProviderSubmit = z.infer<(typeof providerSubmits)[number]>;
