import { z } from 'zod';
import { PARTNER_ROLES } from '../src/domain/roles.js';
import { NEXT_ITEM_IDS } from '../src/domain/transition.js';
import { COMMAND_IDS } from './recognizer.js';

/** Card revision: the tenant record's `revision` when the card was rendered (stale-card guard). */
const rev = z.coerce.number().int().min(0).max(1_000_000_000);
/** Free-text form field: any string up to 1,000 characters (longer is refused, not truncated). */
const field = z.string().max(1000).optional();

/**
 * Every Action.Submit payload the assistant's cards send, `{ verb, ...fields }`, one zod schema per
 * verb. A payload that fails this schema is refused with a message and changes nothing.
 */
export const submitSchema = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('menu.open'), journey: z.enum(['transition']) }),
  z.object({ verb: z.literal('command'), command: z.enum(COMMAND_IDS) }),
  z.object({ verb: z.literal('transition.prepare.confirm'), rev }),
  z.object({ verb: z.literal('transition.prepare.howTo') }),
  z.object({ verb: z.literal('transition.role.set'), rev, role: z.enum(PARTNER_ROLES) }),
  z.object({ verb: z.literal('transition.eligibility.answer'), rev, answer: z.enum(['restricted', 'notRestricted', 'notSure']) }),
  z.object({ verb: z.literal('transition.eligibility.recheck'), rev }),
  z.object({
    verb: z.literal('transition.details.submit'),
    rev,
    legalName: field,
    partnerId: field,
    country: field,
    primaryContactEmail: field,
  }),
  z.object({ verb: z.literal('transition.enroll.confirm'), rev, understood: z.enum(['true', 'false']).optional() }),
  z.object({ verb: z.literal('transition.enroll.decline'), rev }),
  z.object({ verb: z.literal('transition.approval.confirm'), rev }),
  z.object({ verb: z.literal('transition.approval.notYet') }),
  z.object({ verb: z.literal('transition.agreement.confirm'), rev }),
  z.object({ verb: z.literal('transition.next.set'), rev, item: z.enum(NEXT_ITEM_IDS), done: z.boolean() }),
  z.object({ verb: z.literal('transition.startOver.confirm'), rev }),
  z.object({ verb: z.literal('transition.startOver.keep') }),
]);

/** A parsed card submit. */
export type Submit = z.infer<typeof submitSchema>;
export type Verb = Submit['verb'];

/**
 * Parses `activity.value` of a card submit.
 * @returns `undefined` when the activity is not a card submit (no object value), `{ ok: false }`
 *   when it is one but malformed (unknown verb, missing or wrong-typed field), else the submit.
 */
export function parseSubmit(value: unknown): { ok: true; submit: Submit } | { ok: false } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const parsed = submitSchema.safeParse(value);
  return parsed.success ? { ok: true, submit: parsed.data } : { ok: false };
}
