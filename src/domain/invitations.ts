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
 *
 * This file is the public entry; the code lives in `./invitations/`: `model.ts` (kinds, states,
 * the record and its limits), `state.ts` (derived state, pending days, reminders), `validation.ts`
 * (recipient, accept form, draft), `lifecycle.ts` (create, resend, revoke, draft, sent) and
 * `links.ts` (check, accept, decline a link).
 */
export {
  INVITATION_KINDS,
  INVITATION_PURPOSES,
  INVITATION_STATES,
  INVITATION_VALID_DAYS,
  isCustomerKind,
  MAX_DRAFT_LENGTH,
  MAX_INVITATIONS,
  newInvitationRecord,
  PENDING_REMINDER_DAYS,
  type Acceptance,
  type Invitation,
  type InvitationError,
  type InvitationFieldError,
  type InvitationKind,
  type InvitationPurpose,
  type InvitationRecord,
  type InvitationResult,
  type InvitationState,
  type LinkProblem,
  type Party,
  type Recipient,
} from './invitations/model.js';
export { invitationState, needsReminder, pendingDays, summarizeInvitations } from './invitations/state.js';
export { validateCustomerAcceptance, validateDraft, validateRecipient, type CustomerAcceptance } from './invitations/validation.js';
export {
  acceptSeenInPartnerCenter,
  createInvitation,
  markSent,
  resendInvitation,
  revokeInvitation,
  saveDraft,
  type NewInvitation,
} from './invitations/lifecycle.js';
export { acceptInvitation, checkLink, declineInvitation } from './invitations/links.js';
