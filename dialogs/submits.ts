import { z } from 'zod';
import { INVITATION_KINDS, INVITATION_PURPOSES, INVITATION_STATES } from '../src/domain/invitations.js';
import { MAX_TOKEN_LENGTH } from '../src/domain/invitationToken.js';
import { FOLLOW_UP_TYPES, ORGANIZATION_SIDES } from '../src/domain/relationships.js';
import { CUSTOMER_CLASSES, IDENTIFYING_ANSWERS } from '../src/domain/customers.js';
import { PARTNER_ROLES } from '../src/domain/roles.js';
import { SUPPORTED_LOCALES } from '../src/i18n/index.js';
import { NEXT_ITEM_IDS } from '../src/domain/transition.js';
import { REMINDER_KINDS } from '../src/domain/reminders.js';
import { COMMAND_IDS } from './recognizer.js';

/** Card revision: the tenant record's `revision` when the card was rendered (stale-card guard). */
const rev = z.coerce.number().int().min(0).max(1_000_000_000);
/** Free-text form field: any string up to 1,000 characters (longer is refused, not truncated). */
const field = z.string().max(1000).optional();
/** A provider id from the directory (format only; existence is checked against the directory). */
const providerId = z.string().regex(/^[a-z0-9-]{2,40}$/);
/** An invitation id (random, URL-safe). */
const invitationId = z.string().regex(/^[A-Za-z0-9_-]{8,40}$/);
/** A signed invitation link token (checked again by the service before anything changes). */
const token = z.string().min(1).max(MAX_TOKEN_LENGTH);
/** Input.ChoiceSet multi-select value: comma-separated, at most 1,000 characters. */
const multi = z.string().max(1000).optional();
/** `<kind>:<subject>` (see `src/domain/reminders.ts`). */
const reminderIdField = z.string().regex(new RegExp(`^(${REMINDER_KINDS.join('|')}):[A-Za-z0-9@:._-]{1,120}$`));

/**
 * Every Action.Submit payload the assistant's cards send, `{ verb, ...fields }`, one zod schema per
 * verb. A payload that fails this schema is refused with a message and changes nothing.
 */
export const submitSchema = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('language.set'), locale: z.enum(SUPPORTED_LOCALES) }),
  z.object({ verb: z.literal('menu.open'), journey: z.enum(['transition', 'providers', 'providerListing', 'invitations', 'customers']) }),
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
  z.object({ verb: z.literal('providers.country'), country: z.string().max(100).optional() }),
  z.object({ verb: z.literal('providers.priorities'), country: z.string().regex(/^[A-Z]{2}$/), priorities: multi }),
  z.object({ verb: z.literal('providers.shortlist'), rev, providerId, add: z.boolean() }),
  z.object({ verb: z.literal('providers.contacted'), rev, providerId }),
  z.object({ verb: z.literal('providers.choose'), rev, providerId }),
  z.object({ verb: z.literal('providers.compare'), country: z.string().regex(/^[A-Z]{2}$/), selected: multi }),
  z.object({ verb: z.literal('providers.newSearch') }),
  z.object({ verb: z.literal('providers.showShortlist') }),
  z.object({ verb: z.literal('providers.listing'), providerId: providerId.optional() }),
  z.object({ verb: z.literal('invitations.hub') }),
  z.object({ verb: z.literal('invitations.org'), side: z.enum(ORGANIZATION_SIDES).optional(), name: field, partnerId: field }),
  z.object({ verb: z.literal('invitations.changeOrg') }),
  z.object({ verb: z.literal('invitations.role'), role: z.enum(PARTNER_ROLES) }),
  z.object({ verb: z.literal('invitations.roleChange') }),
  z.object({ verb: z.literal('invitations.customerKinds') }),
  z.object({ verb: z.literal('invitations.start'), kind: z.enum(INVITATION_KINDS), purpose: z.enum(INVITATION_PURPOSES), company: field, domain: field }),
  z.object({
    verb: z.literal('invitations.create'),
    kind: z.enum(INVITATION_KINDS),
    purpose: z.enum(INVITATION_PURPOSES),
    email: field,
    name: field,
    company: field,
    domain: field,
    providerTenantId: field,
  }),
  z.object({ verb: z.literal('invitations.draft.show'), invitationId }),
  z.object({ verb: z.literal('invitations.draft.save'), invitationId, body: z.string().max(8000).optional() }),
  z.object({ verb: z.literal('invitations.draft.done'), invitationId }),
  z.object({ verb: z.literal('invitations.list'), filter: z.enum(['all', ...INVITATION_STATES]).optional() }),
  z.object({ verb: z.literal('invitations.resend'), rev, invitationId }),
  z.object({ verb: z.literal('invitations.revoke'), rev, invitationId, confirm: z.boolean().optional() }),
  z.object({ verb: z.literal('invitations.have') }),
  z.object({ verb: z.literal('invitations.paste'), link: z.string().max(2000).optional() }),
  z.object({ verb: z.literal('invitations.accept'), token, consent: z.enum(['true', 'false']).optional() }),
  z.object({ verb: z.literal('invitations.decline'), token }),
  z.object({ verb: z.literal('invitations.relationships') }),
  z.object({ verb: z.literal('invitations.move') }),
  z.object({ verb: z.literal('invitations.followUp'), type: z.enum(FOLLOW_UP_TYPES) }),
  z.object({
    verb: z.literal('invitations.followUp.submit'),
    rev,
    type: z.enum(FOLLOW_UP_TYPES),
    resellerTenantId: field,
    customer: field,
    domain: field,
    subscription: field,
  }),
  z.object({ verb: z.literal('customers.summary') }),
  z.object({ verb: z.literal('customers.rules') }),
  z.object({ verb: z.literal('customers.list'), filter: z.enum(['all', ...CUSTOMER_CLASSES]), page: z.coerce.number().int().min(0).max(100_000).optional() }),
  z.object({ verb: z.literal('customers.add.open') }),
  z.object({ verb: z.literal('customers.add'), name: field, domain: field, tenantId: field }),
  z.object({ verb: z.literal('customers.import.open') }),
  z.object({ verb: z.literal('customers.import'), csv: z.string().max(100_000).optional() }),
  z.object({ verb: z.literal('customers.classifyNext') }),
  z.object({ verb: z.literal('customers.classify'), domain: z.string().min(1).max(253) }),
  z.object({ verb: z.literal('customers.answer'), rev, domain: z.string().min(1).max(253), answer: z.enum(IDENTIFYING_ANSWERS), provider: z.string().max(300).optional() }),
  z.object({ verb: z.literal('reminders.show') }),
  z.object({ verb: z.literal('reminders.cancel'), rev, id: reminderIdField }),
  z.object({ verb: z.literal('reminders.restore'), rev, id: reminderIdField }),
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

/**
 * What a journey returns when the user answered a card of another journey (or opened another one
 * from the welcome card): the main dialog then routes the same activity afresh.
 */
export const REROUTE = Object.freeze({ reroute: true as const });

/** True when a dialog result asks the main dialog to route the turn again. */
export function isReroute(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { reroute?: unknown }).reroute === true;
}
