/**
 * Using an invitation link (its id, nonce and kind come from verified token claims): checking it,
 * then accepting or declining. A link works once: accepting or declining closes the invitation,
 * and resending replaces the nonce so older links stop working.
 */
import type { Actor } from '../transition.js';
import { change } from './lifecycle.js';
import type { Acceptance, Invitation, InvitationError, InvitationRecord, InvitationResult, LinkProblem } from './model.js';
import { invitationState } from './state.js';

/**
 * Checks that a link (its invitation id, nonce and kind, from verified token claims) may be used
 * now: the invitation exists in this record, the nonce is the current one (`replaced` after a
 * resend), and it is pending (`used` once accepted, `declined`, `revoked`, `expired`).
 */
export function checkLink(
  record: InvitationRecord,
  link: { id: string; nonce: string; kind: string },
  now: Date,
): { ok: true; invitation: Invitation } | { ok: false; problem: LinkProblem; invitation?: Invitation } {
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
export function acceptInvitation(
  record: InvitationRecord,
  link: { id: string; nonce: string; kind: string },
  acceptance: Omit<Acceptance, 'at'>,
  now: Date,
): InvitationResult {
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
