/**
 * Changing an inviting tenant's invitation record: create, resend (new nonce and expiry), revoke,
 * save the edited draft, mark sent. Every change returns a new record with `revision + 1`, or the
 * reason it was refused; the input record is never mutated.
 */
import type { Actor } from '../transition.js';
import {
  INVITATION_VALID_DAYS,
  MAX_INVITATIONS,
  type Invitation,
  type InvitationError,
  type InvitationKind,
  type InvitationPurpose,
  type InvitationRecord,
  type InvitationResult,
  type InvitationState,
  type Party,
  type Recipient,
} from './model.js';
import { invitationState } from './state.js';
import { validateDraft } from './validation.js';

/** What {@link createInvitation} needs; `to` is already validated ({@link validateRecipient}). */
export interface NewInvitation {
  kind: InvitationKind;
  purpose: InvitationPurpose;
  from: Party;
  provider?: Party;
  to: Recipient;
  /** Connected mode: Partner Center's own link to send instead of the assistant's (`reseller` kind only; ignored otherwise). */
  partnerCenterLink?: { url: string; readAt: string };
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
export function createInvitation(
  record: InvitationRecord,
  input: NewInvitation,
  actor: Actor,
  now: Date,
  ids: { id: string; nonce: string },
): InvitationResult {
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
    ...(input.kind === 'reseller' && input.partnerCenterLink ? { partnerCenterLink: input.partnerCenterLink } : {}),
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

/**
 * Applies `apply` to a copy of invitation `id` (given its current state) and returns the new record
 * (`revision + 1`), or the error `apply` returned. Refused: `stale` when `expectedRevision` is given
 * and differs from the record's; `notFound` when no invitation has that id.
 */
export function change(
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
 * Connected mode: the reseller invitations sent with Partner Center's own link
 * ({@link Invitation.partnerCenterLink}) whose customer domain now shows up in the partner's
 * Partner Center customer list (`customerDomains`, lower-case, read at `readAt`) are accepted:
 * the customer's global admin accepted in the Microsoft 365 admin center. Credited to `by` (Partner
 * Center) at the read's time. Other invitations, and ones not pending, are left as they are.
 * @returns the ids accepted and the new record, or undefined when nothing changed (no write needed).
 */
export function acceptSeenInPartnerCenter(
  record: InvitationRecord,
  customerDomains: ReadonlySet<string>,
  by: Actor,
  readAt: string,
  now: Date,
): { record: InvitationRecord; accepted: string[] } | undefined {
  const accepted: string[] = [];
  const invitations = record.invitations.map((inv) => {
    const domain = inv.to.domain?.toLowerCase();
    if (!inv.partnerCenterLink || inv.status !== 'pending' || !domain || !customerDomains.has(domain)) return inv;
    accepted.push(inv.id);
    return { ...inv, status: 'accepted' as const, accepted: { by, at: readAt, company: inv.to.company ?? domain, domain } };
  });
  return accepted.length > 0 ? { record: { ...bump(record, now), invitations }, accepted } : undefined;
}
