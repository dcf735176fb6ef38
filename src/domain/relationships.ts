/**
 * A tenant's side of the indirect model: who it is (provider or reseller), the partnerships it
 * has (indirect providers of a reseller, indirect resellers of a provider), its customers with a
 * reseller relationship, and a provider's follow-ups for its resellers.
 *
 * Sources: indirect-provider-tasks seed ("Connect with indirect resellers": after acceptance the
 * reseller is in the provider's indirect resellers list; the follow-ups table: add a new customer
 * with the reseller associated, put the reseller's PartnerID (formerly MPN ID) on a subscription
 * for incentives, choose the reseller as designated support contact); seed 003 ("Connect with an
 * indirect provider" step 3: the provider is listed on the reseller's Indirect providers page and
 * the reseller on the provider's Indirect resellers page).
 *
 * No botbuilder import; errors are values.
 */
import { z } from 'zod';
import { DOMAIN_NAME } from './domainName.js';
import type { InvitationRecord, Party, Recipient } from './invitations.js';
import { isWebmailAddress } from './webmail.js';
import type { Actor, Mark } from './transition.js';

/** Which side of the two-tier model a tenant is on. */
export const ORGANIZATION_SIDES = ['provider', 'reseller'] as const;
/** One of {@link ORGANIZATION_SIDES}. */
export type OrganizationSide = (typeof ORGANIZATION_SIDES)[number];

/** The tenant's organization as it presents itself in invitations. */
export interface Organization extends Mark {
  name: string;
  /** PartnerID (formerly MPN ID), 4-10 digits, if given. */
  partnerId?: string;
  side: OrganizationSide;
}

/** A partnership: the other partner and when it was made (ISO instant), through which invitation. */
export interface PartnerLink extends Party {
  since: string;
  invitationId: string;
}

/** How a customer is linked to this tenant. */
export type CustomerRelationship = 'reseller' | 'resellerAndProvider';

/**
 * A customer of this tenant with a reseller relationship, keyed by primary domain.
 * On a reseller's record `provider` is the indirect provider that also has a relationship; on a
 * provider's record `reseller` is the reseller the customer is associated with.
 */
export interface CustomerLink {
  /** Primary domain, lower-case; the customer's key. */
  domain: string;
  name: string;
  email?: string;
  relationship: CustomerRelationship;
  provider?: Party;
  reseller?: Party;
  /** `invitation`: the customer accepted an invitation; `addedByProvider`: a provider created it for a reseller. */
  source: 'invitation' | 'addedByProvider';
  /** True when the customer was a direct bill customer moved to the provider. */
  movedFromDirectBill?: boolean;
  since: string;
  invitationId?: string;
}

/** A provider's follow-ups for a reseller (indirect-provider-tasks seed, the follow-ups table). */
export const FOLLOW_UP_TYPES = ['newCustomer', 'partnerIdOnSubscription', 'supportContact'] as const;
/** One of {@link FOLLOW_UP_TYPES}. */
export type FollowUpType = (typeof FOLLOW_UP_TYPES)[number];

/** A follow-up the provider recorded as done in Partner Center. */
export interface FollowUp extends Mark {
  id: string;
  type: FollowUpType;
  reseller: Party;
  customer: string;
  /** Customer's primary domain (new customer). */
  domain?: string;
  /** Subscription name or ID (PartnerID and support contact follow-ups). */
  subscription?: string;
}

/** One tenant's relationships; `revision` increases on every change. */
export interface RelationshipsRecord {
  schemaVersion: 1;
  tenantId: string;
  revision: number;
  updatedAt: string;
  organization?: Organization;
  indirectProviders: PartnerLink[];
  indirectResellers: PartnerLink[];
  customers: CustomerLink[];
  /** Newest first, at most {@link MAX_FOLLOW_UPS}. */
  followUps: FollowUp[];
}

/** Most follow-ups kept per tenant. */
export const MAX_FOLLOW_UPS = 500;

/** Field-level error: `code` is a locale key under `invitations.validation.`. */
export interface RelationshipFieldError {
  field: 'name' | 'partnerId' | 'customer' | 'domain' | 'subscription' | 'reseller';
  code: 'required' | 'tooLong' | 'partnerIdDigits' | 'domainInvalid' | 'unknownReseller';
}

/** Why a relationships change was refused: a stale card, invalid fields, or a reseller the provider has no partnership with. */
export type RelationshipsError = { code: 'stale' } | { code: 'invalid'; errors: RelationshipFieldError[] } | { code: 'unknownReseller' };

/** The new record, or why the change was refused. */
export type RelationshipsResult = { ok: true; record: RelationshipsRecord } | { ok: false; error: RelationshipsError };

/** An empty record for `tenantId`. */
export function newRelationshipsRecord(tenantId: string, now: Date): RelationshipsRecord {
  return { schemaVersion: 1, tenantId, revision: 0, updatedAt: now.toISOString(), indirectProviders: [], indirectResellers: [], customers: [], followUps: [] };
}

function bump(record: RelationshipsRecord, now: Date): RelationshipsRecord {
  return { ...structuredClone(record), revision: record.revision + 1, updatedAt: now.toISOString() };
}

const asText = (v: unknown) => (typeof v === 'string' ? v : '');
/**
 * An optional primary domain: empty, or a DNS name (lower-cased). Not a `z.union` with a
 * transforming branch: zod reports a failed union with such a branch as `Invalid input`, not as
 * `domainInvalid` (a locale key).
 */
const optionalDomainSchema = z
  .string()
  .trim()
  .refine((d) => d === '' || DOMAIN_NAME.test(d), 'domainInvalid')
  .transform((d) => d.toLowerCase());

const organizationSchema = z.object({
  name: z.string().trim().min(1, 'required').max(200, 'tooLong'),
  partnerId: z.union([
    z.literal(''),
    z
      .string()
      .trim()
      .regex(/^\d{4,10}$/, 'partnerIdDigits'),
  ]),
});

function errorsOf<F extends RelationshipFieldError['field']>(issues: z.core.$ZodIssue[], order: F[]): RelationshipFieldError[] {
  return order.flatMap((field) => {
    const issue = issues.find((i) => i.path[0] === field);
    return issue ? [{ field, code: issue.message as RelationshipFieldError['code'] }] : [];
  });
}

/**
 * Sets who the tenant is: company name (1-200 characters), optional PartnerID (4-10 digits;
 * PartnerID is the name of the former MPN ID since 2022) and side.
 */
export function setOrganization(
  record: RelationshipsRecord,
  input: { name?: unknown; partnerId?: unknown; side: OrganizationSide },
  actor: Actor,
  now: Date,
): RelationshipsResult {
  const parsed = organizationSchema.safeParse({ name: asText(input.name), partnerId: asText(input.partnerId).trim() });
  if (!parsed.success) return { ok: false, error: { code: 'invalid', errors: errorsOf(parsed.error.issues, ['name', 'partnerId']) } };
  const r = bump(record, now);
  r.organization = {
    name: parsed.data.name,
    ...(parsed.data.partnerId ? { partnerId: parsed.data.partnerId } : {}),
    side: input.side,
    by: actor,
    at: now.toISOString(),
  };
  return { ok: true, record: r };
}

function upsertPartner(list: PartnerLink[], party: Party, invitationId: string, now: Date): PartnerLink[] {
  const existing = list.find((p) => p.tenantId === party.tenantId);
  const entry: PartnerLink = { ...party, since: existing?.since ?? now.toISOString(), invitationId: existing?.invitationId ?? invitationId };
  return [entry, ...list.filter((p) => p.tenantId !== party.tenantId)];
}

/** Adds (or refreshes the name of) an indirect provider on a reseller's record. Idempotent by tenant. */
export function addIndirectProvider(record: RelationshipsRecord, provider: Party, invitationId: string, now: Date): RelationshipsRecord {
  const r = bump(record, now);
  r.indirectProviders = upsertPartner(r.indirectProviders, provider, invitationId, now);
  return r;
}

/** Adds (or refreshes) an indirect reseller on a provider's record. Idempotent by tenant. */
export function addIndirectReseller(record: RelationshipsRecord, reseller: Party, invitationId: string, now: Date): RelationshipsRecord {
  const r = bump(record, now);
  r.indirectResellers = upsertPartner(r.indirectResellers, reseller, invitationId, now);
  return r;
}

/**
 * The indirect reseller a new partnership request would go to again, if the provider already has
 * a partnership with it: one of `record`'s accepted partnership requests whose reseller is still in
 * `resellers` and that went to the same email address, to the same work email domain (webmail
 * domains such as outlook.com say nothing about the company), or to a company of the same name
 * (case- and accent-insensitive). Source: indirect-provider-tasks seed, "Connect with indirect
 * resellers" (an accepted request puts the reseller in the provider's indirect resellers list, so a
 * second one has nothing to add).
 * @returns the existing partnership, or undefined when the recipient looks like a new reseller.
 */
export function findExistingReseller(record: InvitationRecord, resellers: readonly PartnerLink[], to: Recipient): PartnerLink | undefined {
  const email = to.email.toLowerCase();
  const domain = isWebmailAddress(email) ? undefined : email.slice(email.lastIndexOf('@') + 1);
  const company = to.company ? sameName(to.company) : undefined;
  for (const inv of record.invitations) {
    if (inv.kind !== 'partnership' || inv.status !== 'accepted' || !inv.accepted?.tenantId) continue;
    const link = resellers.find((r) => r.tenantId === inv.accepted!.tenantId);
    if (!link) continue;
    const sent = inv.to.email.toLowerCase();
    const sameDomain = domain !== undefined && sent.slice(sent.lastIndexOf('@') + 1) === domain;
    const sameCompany = company !== undefined && [inv.accepted.company, inv.to.company, link.name].some((n) => n !== undefined && sameName(n) === company);
    if (sent === email || sameDomain || sameCompany) return link;
  }
  return undefined;
}

/** A company name compared loosely: trimmed, one space, no accents, any case. */
function sameName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en');
}

/**
 * Adds a customer, or updates the one with the same domain: a later relationship with the
 * provider upgrades `reseller` to `resellerAndProvider`, never the other way; `since` stays.
 */
export function addCustomer(record: RelationshipsRecord, customer: Omit<CustomerLink, 'since'>, now: Date): RelationshipsRecord {
  const r = bump(record, now);
  const existing = r.customers.find((c) => c.domain === customer.domain);
  const relationship: CustomerRelationship = existing?.relationship === 'resellerAndProvider' ? 'resellerAndProvider' : customer.relationship;
  const merged: CustomerLink = {
    ...existing,
    ...customer,
    relationship,
    ...(existing?.provider && !customer.provider ? { provider: existing.provider } : {}),
    ...(existing?.reseller && !customer.reseller ? { reseller: existing.reseller } : {}),
    ...(existing?.movedFromDirectBill || customer.movedFromDirectBill ? { movedFromDirectBill: true } : {}),
    since: existing?.since ?? now.toISOString(),
  };
  r.customers = [merged, ...r.customers.filter((c) => c.domain !== customer.domain)];
  return r;
}

const followUpSchema = z.object({
  customer: z.string().trim().min(1, 'required').max(200, 'tooLong'),
  domain: optionalDomainSchema,
  subscription: z.string().trim().max(200, 'tooLong'),
});

/**
 * Validates a follow-up form. Every type needs the customer's name; `newCustomer` also its primary
 * domain; the subscription types need the subscription (name or ID, up to 200 characters).
 */
export function validateFollowUp(
  type: FollowUpType,
  input: Partial<Record<string, unknown>>,
): { ok: true; value: { customer: string; domain?: string; subscription?: string } } | { ok: false; errors: RelationshipFieldError[] } {
  const parsed = followUpSchema.safeParse({ customer: asText(input.customer), domain: asText(input.domain).trim(), subscription: asText(input.subscription) });
  const errors = parsed.success ? [] : errorsOf(parsed.error.issues, ['customer', 'domain', 'subscription']);
  const missing = (field: 'domain' | 'subscription') => !asText(input[field]).trim() && !errors.some((e) => e.field === field);
  if (type === 'newCustomer' && missing('domain')) errors.push({ field: 'domain', code: 'required' });
  if (type !== 'newCustomer' && missing('subscription')) errors.push({ field: 'subscription', code: 'required' });
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  const d = parsed.data;
  return { ok: true, value: { customer: d.customer, ...(type === 'newCustomer' ? { domain: d.domain } : { subscription: d.subscription }) } };
}

/**
 * Records a follow-up the provider did for one of its indirect resellers. A new customer is also
 * added to the provider's customers, associated with the reseller.
 * Refused: `stale` (card from an older revision), `unknownReseller` (no partnership with that
 * tenant), `invalid` (see {@link validateFollowUp}).
 */
export function recordFollowUp(
  record: RelationshipsRecord,
  input: { type: FollowUpType; resellerTenantId: string; fields: Partial<Record<string, unknown>> },
  actor: Actor,
  now: Date,
  ids: { id: string },
  expectedRevision?: number,
): RelationshipsResult & { followUp?: FollowUp } {
  if (expectedRevision !== undefined && expectedRevision !== record.revision) return { ok: false, error: { code: 'stale' } };
  const reseller = record.indirectResellers.find((p) => p.tenantId === input.resellerTenantId);
  if (!reseller) return { ok: false, error: { code: 'unknownReseller' } };
  const v = validateFollowUp(input.type, input.fields);
  if (!v.ok) return { ok: false, error: { code: 'invalid', errors: v.errors } };
  const party: Party = { tenantId: reseller.tenantId, name: reseller.name, ...(reseller.partnerId ? { partnerId: reseller.partnerId } : {}) };
  const followUp: FollowUp = { id: ids.id, type: input.type, reseller: party, ...v.value, by: actor, at: now.toISOString() };
  let r = bump(record, now);
  r.followUps = [followUp, ...r.followUps].slice(0, MAX_FOLLOW_UPS);
  if (input.type === 'newCustomer' && v.value.domain) {
    r = addCustomer(
      r,
      { domain: v.value.domain, name: v.value.customer, relationship: 'resellerAndProvider', reseller: party, source: 'addedByProvider' },
      now,
    );
    r.revision = record.revision + 1;
  }
  return { ok: true, record: r, followUp };
}
