/**
 * Invitations that tie the indirect model together, as pure data and rules:
 * - `partnership`: an indirect provider asks a reseller to authorize it as their indirect provider
 *   (indirect-provider-tasks seed, "Connect with indirect resellers"; seed 003, "Connect with an
 *   indirect provider"; transition seed, "Accept a partnership invitation").
 * - `reseller`: a reseller invites a customer to a reseller relationship with the reseller alone
 *   (seed 003, "Invite a customer to establish a reseller relationship with you").
 * - `resellerAndProvider`: a reseller invites a customer to a reseller relationship with the
 *   reseller and their indirect provider at the same time, the indirect reseller invitation
 *   (seed 003, "... with you and with your indirect provider at the same time"; transition seed,
 *   "Acquire new customers" and "Move your direct bill customers"). The provider needs its own
 *   reseller relationship with the customer to submit orders.
 *
 * One record per inviting tenant holds its invitations. A link is valid while the invitation is
 * pending, unexpired, and the link's nonce is the invitation's current one (resending issues a
 * new nonce and the old link stops working). Accepting or declining closes the invitation, so a
 * link works once.
 *
 * No botbuilder import: every function takes data and returns data; errors are values.
 */
import { z } from 'zod';
import { DOMAIN_NAME } from './domainName.js';
import type { Actor, Mark } from './transition.js';

/** The three invitation kinds (see the module comment). */
export const INVITATION_KINDS = ['partnership', 'reseller', 'resellerAndProvider'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

/** Why a reseller sends a customer invitation: a new customer, or moving a direct bill customer to the provider. */
export const INVITATION_PURPOSES = ['new', 'moveDirect'] as const;
export type InvitationPurpose = (typeof INVITATION_PURPOSES)[number];

/** Stored states; `expired` is derived from `expiresAt` (see {@link invitationState}). */
export const INVITATION_STATES = ['pending', 'accepted', 'declined', 'revoked', 'expired'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

/**
 * How long a link stays valid, in calendar days. Product rule of this assistant (the seeds give
 * no expiry): long enough for a customer's global admin to act, short enough that an old email
 * does not grant access months later. Resending issues a fresh link with a fresh expiry.
 */
export const INVITATION_VALID_DAYS = 30;

/** A pending invitation older than this many calendar days gets a reminder to follow up. */
export const PENDING_REMINDER_DAYS = 7;

/** Most invitations one tenant's record keeps; the oldest closed ones are dropped first. */
export const MAX_INVITATIONS = 2000;

/** Longest email draft accepted, in characters. */
export const MAX_DRAFT_LENGTH = 4000;

/** A partner organization taking part in an invitation: its tenant, company name and PartnerID if known. */
export interface Party {
  tenantId: string;
  name: string;
  /** PartnerID (formerly MPN ID), digits. */
  partnerId?: string;
}

/** Who an invitation is addressed to (as the sender typed it). */
export interface Recipient {
  /** Work email the invitation goes to (lower-cased). */
  email: string;
  /** Contact's name, if given. */
  name?: string;
  /** Organization: the reseller's company (partnership) or the customer's (customer kinds). */
  company?: string;
  /** Customer kinds: the customer's primary domain, e.g. `fabrikam.onmicrosoft.com` (lower-cased). */
  domain?: string;
}

/** Who accepted: the accepting tenant (partners) or the customer's organization as they gave it. */
export interface Acceptance extends Mark {
  /** Accepting tenant: the reseller's (partnership) or the customer's if they gave a tenant ID. */
  tenantId?: string;
  company: string;
  domain?: string;
  email?: string;
}

/** One invitation. Times are ISO 8601 instants (UTC). */
export interface Invitation {
  id: string;
  kind: InvitationKind;
  purpose: InvitationPurpose;
  /** The inviting party: the provider (partnership) or the reseller (customer kinds). */
  from: Party;
  /** `resellerAndProvider`: the indirect provider included in the relationship. */
  provider?: Party;
  to: Recipient;
  /** Current link nonce; links carrying another one are refused as replaced. */
  nonce: string;
  status: 'pending' | 'accepted' | 'declined' | 'revoked';
  created: Mark;
  expiresAt: string;
  /** The email text as the sender edited it (else the default draft is used). */
  draft?: string;
  /** Set when the sender selected Done on the draft (they sent or copied it). */
  sent?: Mark;
  /** Last resend and how many there were. */
  resent?: Mark & { count: number };
  accepted?: Acceptance;
  declined?: Mark;
  revoked?: Mark;
}

/** One inviting tenant's invitations; `revision` increases on every change (stale-card guard). */
export interface InvitationRecord {
  schemaVersion: 1;
  tenantId: string;
  revision: number;
  updatedAt: string;
  /** Newest first. */
  invitations: Invitation[];
}

/** Field-level error: `code` is a locale key under `invitations.validation.`. */
export interface InvitationFieldError {
  field: 'email' | 'name' | 'company' | 'domain' | 'draft' | 'globalAdmin' | 'consent';
  code: 'required' | 'emailInvalid' | 'tooLong' | 'domainInvalid' | 'linkMissing' | 'mustConfirm';
}

/** Why a change was refused. */
export type InvitationError =
  | { code: 'notFound' }
  | { code: 'stale' }
  | { code: 'invalid'; errors: InvitationFieldError[] }
  | { code: 'duplicatePending'; invitationId: string }
  | { code: 'providerRequired' }
  | { code: 'tooMany'; limit: number }
  | { code: 'notAllowedInState'; state: InvitationState };

export type InvitationResult = { ok: true; record: InvitationRecord; invitation: Invitation } | { ok: false; error: InvitationError };

/** Why a link cannot be used (shown to the person who opened it). */
export type LinkProblem = 'notFound' | 'replaced' | 'revoked' | 'used' | 'declined' | 'expired';

/** An empty record for `tenantId`. */
export function newInvitationRecord(tenantId: string, now: Date): InvitationRecord {
  return { schemaVersion: 1, tenantId, revision: 0, updatedAt: now.toISOString(), invitations: [] };
}

/** True for the kinds addressed to a customer (not a partner). */
export function isCustomerKind(kind: InvitationKind): boolean {
  return kind !== 'partnership';
}

/** The state shown to people: a pending invitation past `expiresAt` is `expired`. */
export function invitationState(invitation: Invitation, now: Date): InvitationState {
  if (invitation.status === 'pending' && now.getTime() >= Date.parse(invitation.expiresAt)) return 'expired';
  return invitation.status;
}

/** Whole calendar days an invitation has been pending (since it was created or last resent). */
export function pendingDays(invitation: Invitation, now: Date): number {
  const since = Date.parse(invitation.resent?.at ?? invitation.created.at);
  return Math.max(0, Math.floor((now.getTime() - since) / 86_400_000));
}

/**
 * True when a pending, unexpired invitation has waited more than {@link PENDING_REMINDER_DAYS}
 * days since it was sent or last resent: the sender should follow up or resend.
 */
export function needsReminder(invitation: Invitation, now: Date): boolean {
  return invitationState(invitation, now) === 'pending' && pendingDays(invitation, now) > PENDING_REMINDER_DAYS;
}

/** Counts per state and the invitations needing a reminder. */
export function summarizeInvitations(record: InvitationRecord, now: Date): { counts: Record<InvitationState, number>; reminders: Invitation[] } {
  const counts = Object.fromEntries(INVITATION_STATES.map((s) => [s, 0])) as Record<InvitationState, number>;
  const reminders: Invitation[] = [];
  for (const inv of record.invitations) {
    counts[invitationState(inv, now)] += 1;
    if (needsReminder(inv, now)) reminders.push(inv);
  }
  return { counts, reminders };
}

const text = (max: number) => z.string().trim().max(max, 'tooLong');
const email = z.string().trim().min(1, 'required').max(254, 'emailInvalid').pipe(z.email('emailInvalid')).transform((e) => e.toLowerCase());
/** A DNS name with at least one dot, e.g. `fabrikam.com` or `fabrikam.onmicrosoft.com`. */
const domain = z
  .string()
  .trim()
  .min(1, 'required')
  .max(253, 'domainInvalid')
  .regex(DOMAIN_NAME, 'domainInvalid')
  .transform((d) => d.toLowerCase());

const partnershipRecipient = z.object({ email, name: text(100).optional(), company: text(200).optional() });
const customerRecipient = z.object({ email, name: text(100).optional(), company: text(200).min(1, 'required'), domain });

type Raw = Partial<Record<string, unknown>>;
const asText = (v: unknown) => (typeof v === 'string' ? v : '');
const optionalText = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function fieldErrors<F extends InvitationFieldError['field']>(issues: z.core.$ZodIssue[], order: F[]): InvitationFieldError[] {
  const errors: InvitationFieldError[] = [];
  for (const field of order) {
    const issue = issues.find((i) => i.path[0] === field);
    if (issue) errors.push({ field, code: issue.message as InvitationFieldError['code'] });
  }
  return errors;
}

/**
 * Validates who an invitation goes to, from raw form input (strings or missing values).
 * Partnership: reseller contact email (required), name and company (optional). Customer kinds:
 * email, company and primary domain (required), name (optional). Returns every field error at once.
 */
export function validateRecipient(kind: InvitationKind, input: Raw): { ok: true; value: Recipient } | { ok: false; errors: InvitationFieldError[] } {
  const raw = { email: asText(input.email), name: optionalText(input.name), company: optionalText(input.company), domain: asText(input.domain) };
  if (kind === 'partnership') {
    const parsed = partnershipRecipient.safeParse(raw);
    if (parsed.success) return { ok: true, value: stripEmpty(parsed.data) };
    return { ok: false, errors: fieldErrors(parsed.error.issues, ['email', 'name', 'company']) };
  }
  const parsed = customerRecipient.safeParse({ ...raw, company: asText(input.company) });
  if (parsed.success) return { ok: true, value: stripEmpty(parsed.data) };
  return { ok: false, errors: fieldErrors(parsed.error.issues, ['company', 'domain', 'email', 'name']) };
}

function stripEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** What a customer's global admin fills in on the accept page. */
export interface CustomerAcceptance {
  company: string;
  domain: string;
  name: string;
  email: string;
}

const customerAcceptanceSchema = z.object({
  company: text(200).min(1, 'required'),
  domain,
  name: text(100).min(1, 'required'),
  email,
  globalAdmin: z.literal(true, 'mustConfirm'),
  consent: z.literal(true, 'mustConfirm'),
});

/**
 * Validates the customer accept form: organization name, primary domain, the accepting person's
 * name and work email, and two ticks: "I'm a global admin of this organization" and consent.
 * Tick fields are true when the checkbox value is `on` or `true`.
 */
export function validateCustomerAcceptance(input: Raw): { ok: true; value: CustomerAcceptance } | { ok: false; errors: InvitationFieldError[] } {
  const ticked = (v: unknown) => v === 'on' || v === 'true' || v === true;
  const parsed = customerAcceptanceSchema.safeParse({
    company: asText(input.company),
    domain: asText(input.domain),
    name: asText(input.name),
    email: asText(input.email),
    globalAdmin: ticked(input.globalAdmin),
    consent: ticked(input.consent),
  });
  if (parsed.success) {
    const { company, domain: d, name, email: e } = parsed.data;
    return { ok: true, value: { company, domain: d, name, email: e } };
  }
  return { ok: false, errors: fieldErrors(parsed.error.issues, ['company', 'domain', 'name', 'email', 'globalAdmin', 'consent']) };
}

/**
 * Validates an edited email draft: not empty, at most {@link MAX_DRAFT_LENGTH} characters, and it
 * must still contain the personalized `link` (indirect-provider-tasks seed, "Connect with indirect
 * resellers" step 3: edit the text but keep the link).
 */
export function validateDraft(body: unknown, link: string): { ok: true; value: string } | { ok: false; errors: InvitationFieldError[] } {
  const value = typeof body === 'string' ? body.replace(/\r\n/g, '\n').trim() : '';
  if (!value) return { ok: false, errors: [{ field: 'draft', code: 'required' }] };
  if (value.length > MAX_DRAFT_LENGTH) return { ok: false, errors: [{ field: 'draft', code: 'tooLong' }] };
  if (!value.includes(link)) return { ok: false, errors: [{ field: 'draft', code: 'linkMissing' }] };
  return { ok: true, value };
}

/** What {@link createInvitation} needs; `to` is already validated ({@link validateRecipient}). */
export interface NewInvitation {
  kind: InvitationKind;
  purpose: InvitationPurpose;
  from: Party;
  provider?: Party;
  to: Recipient;
}

function bump(record: InvitationRecord, now: Date): InvitationRecord {
  return { ...record, revision: record.revision + 1, updatedAt: now.toISOString() };
}

function addDays(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString();
}

/**
 * Creates a pending invitation valid for {@link INVITATION_VALID_DAYS} days.
 * Refused: `duplicatePending` when a pending, unexpired invitation of the same kind already goes
 * to the same email (resend that one instead; this also makes a double-clicked form harmless),
 * `providerRequired` for `resellerAndProvider` without a provider, `tooMany` when the record is
 * full of pending invitations.
 * @param ids fresh random invitation id and link nonce (the caller generates them)
 */
export function createInvitation(record: InvitationRecord, input: NewInvitation, actor: Actor, now: Date, ids: { id: string; nonce: string }): InvitationResult {
  if (input.kind === 'resellerAndProvider' && !input.provider) return { ok: false, error: { code: 'providerRequired' } };
  const duplicate = record.invitations.find(
    (i) => i.kind === input.kind && i.to.email === input.to.email && invitationState(i, now) === 'pending' && (i.to.domain ?? '') === (input.to.domain ?? ''),
  );
  if (duplicate) return { ok: false, error: { code: 'duplicatePending', invitationId: duplicate.id } };
  let invitations = record.invitations;
  if (invitations.length >= MAX_INVITATIONS) {
    const dropIndex = findLastIndex(invitations, (i) => invitationState(i, now) !== 'pending');
    if (dropIndex < 0) return { ok: false, error: { code: 'tooMany', limit: MAX_INVITATIONS } };
    invitations = invitations.filter((_, idx) => idx !== dropIndex);
  }
  const invitation: Invitation = {
    id: ids.id,
    kind: input.kind,
    // only the invitation with the provider moves a direct bill customer (transition seed, "Move your direct bill customers")
    purpose: input.kind === 'resellerAndProvider' ? input.purpose : 'new',
    from: input.from,
    ...(input.kind === 'resellerAndProvider' && input.provider ? { provider: input.provider } : {}),
    to: input.to,
    nonce: ids.nonce,
    status: 'pending',
    created: { by: actor, at: now.toISOString() },
    expiresAt: addDays(now, INVITATION_VALID_DAYS),
  };
  return { ok: true, invitation, record: { ...bump(record, now), invitations: [invitation, ...invitations] } };
}

function findLastIndex<T>(items: T[], pred: (t: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i] as T)) return i;
  return -1;
}

function change(
  record: InvitationRecord,
  id: string,
  now: Date,
  expectedRevision: number | undefined,
  apply: (inv: Invitation, state: InvitationState) => Invitation | InvitationError,
): InvitationResult {
  if (expectedRevision !== undefined && expectedRevision !== record.revision) return { ok: false, error: { code: 'stale' } };
  const index = record.invitations.findIndex((i) => i.id === id);
  const current = record.invitations[index];
  if (!current) return { ok: false, error: { code: 'notFound' } };
  const next = apply(structuredClone(current), invitationState(current, now));
  if ('code' in next) return { ok: false, error: next };
  const invitations = record.invitations.slice();
  invitations[index] = next;
  return { ok: true, invitation: next, record: { ...bump(record, now), invitations } };
}

/**
 * Resends a pending or expired invitation: a new link nonce (the old link stops working) and a
 * new expiry {@link INVITATION_VALID_DAYS} days from `now`. A saved draft is dropped: it holds the
 * old link, which no longer works (the caller may carry the edited text over with the new link).
 * @param expectedRevision the record revision the user's card showed; another one is `stale`
 */
export function resendInvitation(record: InvitationRecord, id: string, actor: Actor, now: Date, nonce: string, expectedRevision?: number): InvitationResult {
  return change(record, id, now, expectedRevision, (inv, state) => {
    if (state !== 'pending' && state !== 'expired') return { code: 'notAllowedInState', state };
    delete inv.draft;
    inv.nonce = nonce;
    inv.status = 'pending';
    inv.expiresAt = addDays(now, INVITATION_VALID_DAYS);
    inv.resent = { by: actor, at: now.toISOString(), count: (inv.resent?.count ?? 0) + 1 };
    return inv;
  });
}

/** Revokes a pending or expired invitation: its link stops working for good. */
export function revokeInvitation(record: InvitationRecord, id: string, actor: Actor, now: Date, expectedRevision?: number): InvitationResult {
  return change(record, id, now, expectedRevision, (inv, state) => {
    if (state !== 'pending' && state !== 'expired') return { code: 'notAllowedInState', state };
    inv.status = 'revoked';
    inv.revoked = { by: actor, at: now.toISOString() };
    return inv;
  });
}

/** Saves the sender's edited draft (validated by {@link validateDraft} against the invitation's link). */
export function saveDraft(record: InvitationRecord, id: string, body: unknown, link: string, now: Date): InvitationResult {
  return change(record, id, now, undefined, (inv, state) => {
    if (state !== 'pending') return { code: 'notAllowedInState', state };
    const v = validateDraft(body, link);
    if (!v.ok) return { code: 'invalid', errors: v.errors };
    inv.draft = v.value;
    return inv;
  });
}

/** Records that the sender selected Done on the draft (idempotent: the first mark stays). */
export function markSent(record: InvitationRecord, id: string, actor: Actor, now: Date): InvitationResult {
  return change(record, id, now, undefined, (inv) => {
    inv.sent ??= { by: actor, at: now.toISOString() };
    return inv;
  });
}

/**
 * Checks that a link (its invitation id, nonce and kind, from verified token claims) may be used
 * now: the invitation exists in this record, the nonce is the current one (`replaced` after a
 * resend), and it is pending (`used` once accepted, `declined`, `revoked`, `expired`).
 */
export function checkLink(record: InvitationRecord, link: { id: string; nonce: string; kind: string }, now: Date): { ok: true; invitation: Invitation } | { ok: false; problem: LinkProblem; invitation?: Invitation } {
  const invitation = record.invitations.find((i) => i.id === link.id && i.kind === link.kind);
  if (!invitation) return { ok: false, problem: 'notFound' };
  const state = invitationState(invitation, now);
  if (state === 'accepted') return { ok: false, problem: 'used', invitation };
  if (state === 'declined' || state === 'revoked' || state === 'expired') return { ok: false, problem: state, invitation };
  if (invitation.nonce !== link.nonce) return { ok: false, problem: 'replaced', invitation };
  return { ok: true, invitation };
}

/** The {@link InvitationError} a link problem maps to when it shows up while changing the record. */
function linkError(problem: LinkProblem, invitation?: Invitation, now?: Date): InvitationError {
  if (problem === 'notFound' || problem === 'replaced' || !invitation || !now) return { code: 'notFound' };
  return { code: 'notAllowedInState', state: invitationState(invitation, now) };
}

/**
 * Accepts the invitation a link points to (single use: the invitation must still be pending and
 * the link's nonce current). The caller checks who may accept (roles) before calling.
 */
export function acceptInvitation(record: InvitationRecord, link: { id: string; nonce: string; kind: string }, acceptance: Omit<Acceptance, 'at'>, now: Date): InvitationResult {
  const check = checkLink(record, link, now);
  if (!check.ok) return { ok: false, error: linkError(check.problem, check.invitation, now) };
  return change(record, link.id, now, undefined, (inv) => {
    inv.status = 'accepted';
    inv.accepted = { ...acceptance, at: now.toISOString() };
    return inv;
  });
}

/** Declines the invitation a link points to (single use, like {@link acceptInvitation}). */
export function declineInvitation(record: InvitationRecord, link: { id: string; nonce: string; kind: string }, by: Actor, now: Date): InvitationResult {
  const check = checkLink(record, link, now);
  if (!check.ok) return { ok: false, error: linkError(check.problem, check.invitation, now) };
  return change(record, link.id, now, undefined, (inv) => {
    inv.status = 'declined';
    inv.declined = { by, at: now.toISOString() };
    return inv;
  });
}
