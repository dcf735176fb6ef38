/**
 * The shapes of invitations and of one inviting tenant's invitation record: kinds, purposes,
 * states, parties, recipients, acceptance, errors; the product limits (validity, reminders, sizes).
 * Kinds: see the module comment of ../invitations.ts (seed 003 and the transition and
 * indirect-provider-tasks seeds).
 */
import type { Mark } from '../transition.js';

/** The three invitation kinds (see the module comment). */
export const INVITATION_KINDS = ['partnership', 'reseller', 'resellerAndProvider'] as const;
/** One of {@link INVITATION_KINDS}. */
export type InvitationKind = (typeof INVITATION_KINDS)[number];

/** Why a reseller sends a customer invitation: a new customer, or moving a direct bill customer to the provider. */
export const INVITATION_PURPOSES = ['new', 'moveDirect'] as const;
/** One of {@link INVITATION_PURPOSES}. */
export type InvitationPurpose = (typeof INVITATION_PURPOSES)[number];

/** Stored states; `expired` is derived from `expiresAt` (see {@link invitationState}). */
export const INVITATION_STATES = ['pending', 'accepted', 'declined', 'revoked', 'expired'] as const;
/** One of {@link INVITATION_STATES}. */
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
  /**
   * Connected mode, `reseller` kind: Partner Center's own reseller relationship request link
   * (`GET /v1/customers/relationshiprequests`, read at `readAt`), sent instead of the assistant's
   * signed link. The customer's global admin accepts in the Microsoft 365 admin center, so the
   * acceptance is seen when the customer shows up in the partner's Partner Center customer list.
   */
  partnerCenterLink?: { url: string; readAt: string };
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

/** The new record and the changed invitation, or why the change was refused. */
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
