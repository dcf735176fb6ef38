/** The customer classification journey's card submits (`customers.*`), one zod schema per verb. */
import { z } from 'zod';
import { CUSTOMER_CLASSES, IDENTIFYING_ANSWERS } from '../../src/domain/customers.js';
import { field, rev } from '../submitFields.js';

export const customerSubmits = [
  z.object({ verb: z.literal('customers.summary') }),
  z.object({ verb: z.literal('customers.rules') }),
  z.object({ verb: z.literal('customers.list'), filter: z.enum(['all', ...CUSTOMER_CLASSES]), page: z.coerce.number().int().min(0).max(100_000).optional() }),
  z.object({ verb: z.literal('customers.add.open') }),
  z.object({ verb: z.literal('customers.add'), name: field, domain: field, tenantId: field }),
  z.object({ verb: z.literal('customers.import.open') }),
  z.object({ verb: z.literal('customers.import'), csv: z.string().max(100_000).optional() }),
  z.object({ verb: z.literal('customers.classifyNext') }),
  z.object({ verb: z.literal('customers.partnerCenter.refresh') }),
  z.object({ verb: z.literal('customers.classify'), domain: z.string().min(1).max(253) }),
  z.object({
    verb: z.literal('customers.answer'),
    rev,
    domain: z.string().min(1).max(253),
    answer: z.enum(IDENTIFYING_ANSWERS),
    provider: z.string().max(300).optional(),
  }),
] as const;

/** A customer journey card submit. */
export type CustomerSubmit = z.infer<(typeof customerSubmits)[number]>;
