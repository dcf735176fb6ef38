/**
 * The state people see for an invitation (a pending one past its expiry is `expired`), how long
 * it has been pending, and when the sender should follow up.
 */
import { INVITATION_STATES, PENDING_REMINDER_DAYS, type Invitation, type InvitationRecord, type InvitationState } from './model.js';

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
