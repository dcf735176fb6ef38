/**
 * The signed links of invitations (HMAC tokens, `src/domain/invitationToken.ts`): the
 * personalized link in the invitation email, the sender's copy page, the accept page session a
 * signed-in reseller gets from the assistant, and their verification. Reads invitations only.
 */
import { checkLink, type Invitation, type InvitationRecord } from '../domain/invitations.js';
import { signToken, verifyToken } from '../domain/invitationToken.js';
import type { TenantRecords } from '../store/tenantRecords.js';
import type { OpenedLink, PartnerAcceptor, ServiceResult } from './serviceTypes.js';

/** How long the accept-page session the assistant hands a signed-in reseller stays valid, in ms (15 minutes). */
export const ACCEPT_SESSION_MS = 15 * 60_000;
/** How long the sender's copy page link stays valid, in ms (1 day). */
export const DRAFT_PAGE_MS = 24 * 3_600_000;

/** What {@link InvitationLinks} needs. */
export interface InvitationLinksDeps {
  invitations: TenantRecords<InvitationRecord>;
  /** HMAC secret, at least 32 bytes (`loadInvitationSecret`). */
  secret: Buffer;
  /** Absolute base URL links start with, e.g. `https://assistant.contoso.com` (no trailing slash). */
  publicBaseUrl: () => string;
  clock: () => Date;
}

/** Issues and verifies invitation links (see the module comment). */
export class InvitationLinks {
  constructor(private readonly deps: InvitationLinksDeps) {}

  /**
   * The link for the invitation's email: Partner Center's own when the invitation carries one
   * (connected mode), else the personalized `<base>/invitations/<token>`, valid until the invitation expires.
   */
  linkFor(invitation: Invitation): string {
    if (invitation.partnerCenterLink) return invitation.partnerCenterLink.url;
    return `${this.deps.publicBaseUrl()}/invitations/${this.tokenFor(invitation, 'invite', Date.parse(invitation.expiresAt))}`;
  }

  /** The sender's copy-to-clipboard page for the draft, valid for {@link DRAFT_PAGE_MS} (never past the invitation's expiry). */
  draftPageUrl(invitation: Invitation): string {
    const until = Math.min(Date.parse(invitation.expiresAt), this.deps.clock().getTime() + DRAFT_PAGE_MS);
    return `${this.deps.publicBaseUrl()}/invitations/draft/${this.tokenFor(invitation, 'draft', until)}`;
  }

  /**
   * The accept page for a signed-in reseller: the invitation link plus a session token binding the
   * accepting tenant and user, valid for {@link ACCEPT_SESSION_MS}.
   */
  acceptPageUrl(opened: OpenedLink, acceptor: PartnerAcceptor): string {
    const until = Math.min(opened.claims.e, this.deps.clock().getTime() + ACCEPT_SESSION_MS);
    const session = signToken(this.deps.secret, { ...opened.claims, p: 'accept', e: until, s: { t: acceptor.tenantId, u: acceptor.actor.id } });
    return `${this.deps.publicBaseUrl()}/invitations/${opened.token}?session=${session}`;
  }

  private tokenFor(invitation: Invitation, purpose: 'invite' | 'draft', until: number): string {
    return signToken(this.deps.secret, { v: 1, p: purpose, t: invitation.from.tenantId, k: invitation.kind, i: invitation.id, n: invitation.nonce, e: until });
  }

  /**
   * Verifies an invitation link token and checks the invitation can still be used.
   * @returns the invitation and claims, or `{ code: 'link', problem }` (bad signature, expired,
   *   replaced by a resend, revoked, already used, declined) with the invitation when known.
   */
  async open(token: string, purpose: 'invite' | 'draft' = 'invite'): Promise<ServiceResult<OpenedLink>> {
    const now = this.deps.clock();
    const verified = verifyToken(this.deps.secret, token, now, { purpose });
    if (!verified.ok) {
      // an expired but genuine link: find its invitation so the page can say who to ask for a new one
      const c = verified.expiredClaims;
      const invitation = c && c.p === purpose ? (await this.deps.invitations.get(c.t)).invitations.find((i) => i.id === c.i) : undefined;
      return { ok: false, error: { code: 'link', problem: verified.problem, ...(invitation ? { invitation } : {}) } };
    }
    const { claims } = verified;
    const record = await this.deps.invitations.get(claims.t);
    const check = checkLink(record, { id: claims.i, nonce: claims.n, kind: claims.k }, now);
    if (!check.ok) return { ok: false, error: { code: 'link', problem: check.problem, ...(check.invitation ? { invitation: check.invitation } : {}) } };
    return { ok: true, invitation: check.invitation, claims, token };
  }

  /**
   * Verifies an accept-page session token issued by {@link acceptPageUrl} for the link `opened`.
   * @returns the signed-in acceptor's tenant and user id, or undefined when the session is
   *   missing, forged, expired or for another invitation.
   */
  openSession(opened: OpenedLink, session: unknown): { tenantId: string; userId: string } | undefined {
    const verified = verifyToken(this.deps.secret, session, this.deps.clock(), { purpose: 'accept', tenantId: opened.claims.t, kind: opened.claims.k });
    if (!verified.ok || !verified.claims.s) return undefined;
    if (verified.claims.i !== opened.claims.i || verified.claims.n !== opened.claims.n) return undefined;
    return { tenantId: verified.claims.s.t, userId: verified.claims.s.u };
  }
}
