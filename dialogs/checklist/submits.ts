/** The checklist journey's card submits (`transition.*`), one zod schema per verb. */
import { z } from 'zod';
import { PARTNER_ROLES } from '../../src/domain/roles.js';
import { NEXT_ITEM_IDS } from '../../src/domain/transition.js';
import { field, rev } from '../submitFields.js';

export const checklistSubmits = [
  z.object({ verb: z.literal('transition.prepare.confirm'), rev }),
  z.object({ verb: z.literal('transition.prepare.howTo') }),
  z.object({ verb: z.literal('transition.role.set'), rev, role: z.enum(PARTNER_ROLES) }),
  z.object({ verb: z.literal('transition.eligibility.answer'), rev, answer: z.enum(['restricted', 'notRestricted', 'notSure']) }),
  z.object({ verb: z.literal('transition.eligibility.recheck'), rev }),
  z.object({ verb: z.literal('transition.details.submit'), rev, legalName: field, partnerId: field, country: field, primaryContactEmail: field }),
  z.object({ verb: z.literal('transition.enroll.confirm'), rev, understood: z.enum(['true', 'false']).optional() }),
  z.object({ verb: z.literal('transition.enroll.decline'), rev }),
  z.object({ verb: z.literal('transition.approval.confirm'), rev }),
  z.object({ verb: z.literal('transition.approval.notYet') }),
  z.object({ verb: z.literal('transition.agreement.confirm'), rev }),
  // no revision: the item's own state guards the click (ChecklistDialog.setNextItem); cards sent before carry one, still accepted
  z.object({ verb: z.literal('transition.next.set'), rev: rev.optional(), item: z.enum(NEXT_ITEM_IDS), done: z.boolean() }),
  z.object({ verb: z.literal('transition.startOver.confirm'), rev }),
  z.object({ verb: z.literal('transition.startOver.keep') }),
] as const;

/** A checklist card submit. */
export type ChecklistSubmit = z.infer<(typeof checklistSubmits)[number]>;
