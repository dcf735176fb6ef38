/**
 * The invitations and relationships use cases, shared by the chat (dialogs) and the accept pages
 * (HTTP): create, resend, revoke, open a link, accept, decline, and a provider's follow-ups.
 * It orchestrates tenant records (each read and write names its tenant) and the signed links;
 * the rules themselves are pure functions in `src/domain/invitations.ts`, `relationships.ts`,
 * `roles.ts` and `invitationToken.ts`. No botbuilder import besides the `Storage` type.
 *
 * Acceptance writes three records: the inviting tenant's invitation (pending -> accepted, with the
 * eTag, so only one acceptance can win), then each side's relationships (idempotent upserts). If
 * the process stops between them, opening the same link again as the same acceptor completes the
 * lists instead of refusing it as used.
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from 'botbuilder';
import {
  acceptInvitation,
  checkLink,
  createInvitation,
  declineInvitation,
  isCustomerKind,
  markSent,
  newInvitationRecord,
  resendInvitation,
  revokeInvitation,
  saveDraft,
  validateCustomerAcceptance,
  validateDraft,
  validateRecipient,
  type Invitation,
  type InvitationError,
  type InvitationFieldError,
  type InvitationKind,
  type InvitationPurpose,
  type InvitationRecord,
  type InvitationResult,
  type LinkProblem,
  type Party,
} from '../domain/invitations.js';
import { signToken, verifyToken, type TokenClaims, type TokenProblem } from '../domain/invitationToken.js';
import {
  addCustomer,
  addIndirectProvider,
  addIndirectReseller,
  findExistingReseller,
  newRelationshipsRecord,
  recordFollowUp,
  setOrganization,
  type FollowUp,
  type FollowUpType,
  type OrganizationSide,
  type PartnerLink,
  type RelationshipsError,
  type RelationshipsRecord,
} from '../domain/relationships.js';
import { mayDo, type PartnerRole, type RoleAction } from '../domain/roles.js';
import { PARTNERSHIP_ITEMS, globalAdminNames, tickFromFact, type Actor, type TransitionRecord } from '../domain/transition.js';
import { TenantRecords } from '../store/tenantRecords.js';
import type { TransitionRepository } from '../store/transitionRepository.js';

/** How long the accept-page session the assistant hands a signed-in reseller stays valid, in ms (15 minutes). */
export const ACCEPT_SESSION_MS = 15 * 60_000;
/** How long the sender's copy page link stays valid, in ms (1 day). */
export const DRAFT_PAGE_MS = 24 * 3_600_000;

/** Why a use case was refused (shown to the user, localized by `code`). */
export type ServiceError =
  | InvitationError
  | RelationshipsError
  | { code: 'roleRequired'; action: RoleAction; role?: PartnerRole; globalAdmins: string[] }
  | { code: 'organizationRequired' }
  | { code: 'ownInvitation' }
  | { code: 'link'; problem: TokenProblem | LinkProblem; invitation?: Invitation }
  | { code: 'wrongKind'; kind: InvitationKind }
  /** A partnership request to a reseller that is already this provider's indirect reseller. */
  | { code: 'alreadyPartner'; reseller: PartnerLink }
  /** Partnership requests come from a provider; invitations including a provider from a reseller. */
  | { code: 'wrongSide'; side: OrganizationSide };

export type ServiceResult<T> = ({ ok: true } & T) | { ok: false; error: ServiceError };

/** A verified, usable invitation link. */
export interface OpenedLink {
  invitation: Invitation;
  claims: TokenClaims;
  token: string;
}

/** The person accepting in the chat or through an assistant-issued page session. */
export interface PartnerAcceptor {
  tenantId: string;
  actor: Actor;
}

/** What {@link InvitationService} needs. */
export interface InvitationServiceDeps {
  storage: Storage;
  journeys: TransitionRepository;
  /** HMAC secret, at least 32 bytes (`loadInvitationSecret`). */
  secret: Buffer;
  /** Absolute base URL links start with, e.g. `https://assistant.contoso.com` (no trailing slash). */
  publicBaseUrl: () => string;
  clock?: () => Date;
}

const newId = (bytes: number) => randomBytes(bytes).toString('base64url');

/** The invitations and relationships use cases (see the module comment). */
export class InvitationService {
  readonly invitations: TenantRecords<InvitationRecord>;
  readonly relationships: TenantRecords<RelationshipsRecord>;
  private readonly clock: () => Date;

  constructor(private readonly deps: InvitationServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.invitations = new TenantRecords(deps.storage, 'invitations', newInvitationRecord, 1, this.clock);
    this.relationships = new TenantRecords(deps.storage, 'relationships', newRelationshipsRecord, 1, this.clock);
  }

  // ---- links -------------------------------------------------------------------------------

  /** The personalized link for the invitation's email: `<base>/invitations/<token>`, valid until the invitation expires. */
  linkFor(invitation: Invitation): string {
    return `${this.deps.publicBaseUrl()}/invitations/${this.tokenFor(invitation, 'invite', Date.parse(invitation.expiresAt))}`;
  }

  /** The sender's copy-to-clipboard page for the draft, valid for {@link DRAFT_PAGE_MS}. */
  draftPageUrl(invitation: Invitation): string {
    const until = Math.min(Date.parse(invitation.expiresAt), this.clock().getTime() + DRAFT_PAGE_MS);
    return `${this.deps.publicBaseUrl()}/invitations/draft/${this.tokenFor(invitation, 'draft', until)}`;
  }

  /**
   * The accept page for a signed-in reseller: the invitation link plus a session token binding the
   * accepting tenant and user, valid for {@link ACCEPT_SESSION_MS}.
   */
  acceptPageUrl(opened: OpenedLink, acceptor: PartnerAcceptor): string {
    const until = Math.min(opened.claims.e, this.clock().getTime() + ACCEPT_SESSION_MS);
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
    const now = this.clock();
    const verified = verifyToken(this.deps.secret, token, now, { purpose });
    if (!verified.ok) {
      // an expired but genuine link: find its invitation so the page can say who to ask for a new one
      const c = verified.expiredClaims;
      const invitation = c && c.p === purpose ? (await this.invitations.get(c.t)).invitations.find((i) => i.id === c.i) : undefined;
      return { ok: false, error: { code: 'link', problem: verified.problem, ...(invitation ? { invitation } : {}) } };
    }
    const { claims } = verified;
    const record = await this.invitations.get(claims.t);
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
    const verified = verifyToken(this.deps.secret, session, this.clock(), { purpose: 'accept', tenantId: opened.claims.t, kind: opened.claims.k });
    if (!verified.ok || !verified.claims.s) return undefined;
    if (verified.claims.i !== opened.claims.i || verified.claims.n !== opened.claims.n) return undefined;
    return { tenantId: verified.claims.s.t, userId: verified.claims.s.u };
  }

  // ---- sender side -------------------------------------------------------------------------

  /** The declared Partner Center role of a user in a tenant (from the "Who you are" answer). */
  async roleOf(tenantId: string, userId: string): Promise<PartnerRole | undefined> {
    return (await this.deps.journeys.get(tenantId)).people[userId]?.role;
  }

  private async requireRole(tenantId: string, actor: Actor, action: RoleAction): Promise<ServiceError | undefined> {
    const journey = await this.deps.journeys.get(tenantId);
    const role = journey.people[actor.id]?.role;
    if (mayDo(role, action)) return undefined;
    return { code: 'roleRequired', action, ...(role ? { role } : {}), globalAdmins: globalAdminNames(journey) };
  }

  /** Sets the tenant's organization (name, optional PartnerID, side) used as the sender of invitations. */
  async setOrganization(tenantId: string, actor: Actor, input: { name?: unknown; partnerId?: unknown; side: OrganizationSide }): Promise<ServiceResult<{ record: RelationshipsRecord }>> {
    const now = this.clock();
    const result = await this.relationships.update(tenantId, (r) => setOrganization(r, input, actor, now));
    return result.ok ? { ok: true, record: result.record } : result;
  }

  /**
   * Creates an invitation from the tenant's organization to the recipient typed in the form.
   * Needs: a role allowed to `requestPartnership` (partnership) or `inviteCustomer` (customer kinds);
   * the tenant's organization set, on the provider side for a partnership request and on the
   * reseller side for an invitation that includes a provider (`wrongSide` otherwise); for `resellerAndProvider`, a provider from the tenant's indirect
   * providers list (`providerTenantId`); a partnership request is refused as `alreadyPartner` when
   * the recipient is already the provider's indirect reseller (see `findExistingReseller`).
   */
  async create(
    tenantId: string,
    actor: Actor,
    input: { kind: InvitationKind; purpose: InvitationPurpose; to: Partial<Record<string, unknown>>; providerTenantId?: string },
  ): Promise<ServiceResult<{ invitation: Invitation; link: string }>> {
    const denied = await this.requireRole(tenantId, actor, input.kind === 'partnership' ? 'requestPartnership' : 'inviteCustomer');
    if (denied) return { ok: false, error: denied };
    const rel = await this.relationships.get(tenantId);
    if (!rel.organization) return { ok: false, error: { code: 'organizationRequired' } };
    const side = rel.organization.side;
    if ((input.kind === 'partnership' && side !== 'provider') || (input.kind === 'resellerAndProvider' && side !== 'reseller')) {
      return { ok: false, error: { code: 'wrongSide', side } };
    }
    const from: Party = { tenantId, name: rel.organization.name, ...(rel.organization.partnerId ? { partnerId: rel.organization.partnerId } : {}) };
    let provider: Party | undefined;
    if (input.kind === 'resellerAndProvider') {
      const link = rel.indirectProviders.find((p) => p.tenantId === input.providerTenantId) ?? (input.providerTenantId ? undefined : rel.indirectProviders[0]);
      if (!link) return { ok: false, error: { code: 'providerRequired' } };
      provider = { tenantId: link.tenantId, name: link.name, ...(link.partnerId ? { partnerId: link.partnerId } : {}) };
    }
    const to = validateRecipient(input.kind, input.to);
    if (!to.ok) return { ok: false, error: { code: 'invalid', errors: to.errors } };
    if (input.kind === 'partnership') {
      const reseller = findExistingReseller(await this.invitations.get(tenantId), rel.indirectResellers, to.value);
      if (reseller) return { ok: false, error: { code: 'alreadyPartner', reseller } };
    }
    const now = this.clock();
    const ids = { id: newId(9), nonce: newId(12) };
    const result = await this.invitations.update(tenantId, (r) =>
      createInvitation(r, { kind: input.kind, purpose: input.purpose, from, ...(provider ? { provider } : {}), to: to.value }, actor, now, ids),
    );
    if (!result.ok) return result;
    const invitation = result.record.invitations.find((i) => i.id === ids.id)!;
    return { ok: true, invitation, link: this.linkFor(invitation) };
  }

  /** One of the tenant's own invitations (never another tenant's). */
  async get(tenantId: string, invitationId: string): Promise<Invitation | undefined> {
    return (await this.invitations.get(tenantId)).invitations.find((i) => i.id === invitationId);
  }

  /** Saves the sender's edited draft; it must keep the invitation's personalized link. */
  async saveDraft(tenantId: string, invitationId: string, body: unknown): Promise<ServiceResult<{ invitation: Invitation }>> {
    // the link is computed from the record being changed: a resend in between changes it
    const result = await this.invitations.update(tenantId, (r) => {
      const inv = r.invitations.find((i) => i.id === invitationId);
      return inv ? saveDraft(r, invitationId, body, this.linkFor(inv), this.clock()) : { ok: false as const, error: { code: 'notFound' as const } };
    });
    return result.ok ? { ok: true, invitation: result.invitation } : result;
  }

  /** Marks the draft as sent (the sender selected Done). Idempotent. */
  async markSent(tenantId: string, actor: Actor, invitationId: string): Promise<ServiceResult<{ invitation: Invitation }>> {
    const result = await this.invitations.update(tenantId, (r) => markSent(r, invitationId, actor, this.clock()));
    return result.ok ? { ok: true, invitation: result.invitation } : result;
  }

  /**
   * Resends (new link, new expiry; the old link stops working) or revokes one of the tenant's own
   * invitations. Needs the role that may create that kind of invitation.
   * @param expectedRevision the invitations record revision the user's card showed (stale-card guard)
   */
  async manage(
    tenantId: string,
    actor: Actor,
    invitationId: string,
    action: 'resend' | 'revoke',
    expectedRevision?: number,
  ): Promise<ServiceResult<{ invitation: Invitation; link: string }>> {
    const inv = await this.get(tenantId, invitationId);
    if (!inv) return { ok: false, error: { code: 'notFound' } };
    const denied = await this.requireRole(tenantId, actor, inv.kind === 'partnership' ? 'requestPartnership' : 'inviteCustomer');
    if (denied) return { ok: false, error: denied };
    const now = this.clock();
    const nonce = newId(12);
    const result = await this.invitations.update(tenantId, (r) => {
      if (action === 'revoke') return revokeInvitation(r, invitationId, actor, now, expectedRevision);
      const resent = resendInvitation(r, invitationId, actor, now, nonce, expectedRevision);
      const before = r.invitations.find((i) => i.id === invitationId);
      return resent.ok && before?.draft ? this.carryDraft(resent, before) : resent;
    });
    if (!result.ok) return result;
    return { ok: true, invitation: result.invitation, link: this.linkFor(result.invitation) };
  }

  /**
   * After a resend: the sender's edited draft (dropped by the resend, it held the old link) with
   * the old link replaced by the new one. Left out when the old link is not found in it (the
   * public base URL changed) or the new text is not a valid draft; the default text is used then.
   */
  private carryDraft(resent: Extract<InvitationResult, { ok: true }>, before: Invitation): InvitationResult {
    const oldLink = this.linkFor(before);
    const newLink = this.linkFor(resent.invitation);
    if (!before.draft?.includes(oldLink)) return resent;
    const v = validateDraft(before.draft.split(oldLink).join(newLink), newLink);
    if (!v.ok) return resent;
    const invitation: Invitation = { ...resent.invitation, draft: v.value };
    return { ...resent, invitation, record: { ...resent.record, invitations: resent.record.invitations.map((i) => (i.id === invitation.id ? invitation : i)) } };
  }

  // ---- recipient side ----------------------------------------------------------------------

  /**
   * A reseller accepts a provider's partnership request (in the chat, or on the page through an
   * assistant-issued session). Only a global admin may (seed 003 role table); a tenant cannot
   * accept its own request. Afterwards the provider is in the reseller's indirect providers and
   * the reseller in the provider's indirect resellers.
   * @returns `alreadyAccepted: true` when this tenant had accepted the same invitation before (the
   *   lists are completed again, nothing else changes).
   */
  async acceptPartnership(token: string, acceptor: PartnerAcceptor): Promise<ServiceResult<{ invitation: Invitation; alreadyAccepted: boolean }>> {
    const opened = await this.open(token);
    if (!opened.ok) {
      const e = opened.error;
      const prior = e.code === 'link' && e.problem === 'used' ? e.invitation : undefined;
      if (prior?.kind === 'partnership' && prior.accepted?.tenantId === acceptor.tenantId) {
        await this.linkPartners(prior, prior.accepted.tenantId, prior.accepted.company);
        return { ok: true, invitation: prior, alreadyAccepted: true };
      }
      return opened;
    }
    const inv = opened.invitation;
    if (inv.kind !== 'partnership') return { ok: false, error: { code: 'wrongKind', kind: inv.kind } };
    if (acceptor.tenantId === inv.from.tenantId) return { ok: false, error: { code: 'ownInvitation' } };
    const denied = await this.requireRole(acceptor.tenantId, acceptor.actor, 'acceptPartnership');
    if (denied) return { ok: false, error: denied };
    const company = await this.companyName(acceptor.tenantId, inv.to.company);
    const now = this.clock();
    const link = { id: opened.claims.i, nonce: opened.claims.n, kind: opened.claims.k };
    const result = await this.invitations.update(inv.from.tenantId, (r) =>
      acceptInvitation(r, link, { by: acceptor.actor, tenantId: acceptor.tenantId, company }, now),
    );
    if (!result.ok) {
      // a colleague of the same tenant accepted a moment earlier (double click, two admins): same outcome
      const latest = await this.get(inv.from.tenantId, inv.id);
      if (latest?.status === 'accepted' && latest.accepted?.tenantId === acceptor.tenantId) {
        await this.linkPartners(latest, acceptor.tenantId, latest.accepted.company);
        return { ok: true, invitation: latest, alreadyAccepted: true };
      }
      return result;
    }
    await this.linkPartners(result.invitation, acceptor.tenantId, company);
    return { ok: true, invitation: result.invitation, alreadyAccepted: false };
  }

  /** The name a tenant gave itself: its organization (invitations journey), else the legal name of its enrollment details; undefined when it gave none. */
  async organizationName(tenantId: string): Promise<string | undefined> {
    const rel = await this.relationships.get(tenantId);
    if (rel.organization) return rel.organization.name;
    return (await this.deps.journeys.get(tenantId)).details?.legalName;
  }

  /** The name a tenant goes by: {@link organizationName}, else `fallback`, else the tenant id. */
  private async companyName(tenantId: string, fallback?: string): Promise<string> {
    return (await this.organizationName(tenantId)) ?? fallback ?? tenantId;
  }

  private async linkPartners(inv: Invitation, resellerTenantId: string, company: string): Promise<void> {
    const now = this.clock();
    const rel = await this.relationships.get(resellerTenantId);
    const journey = await this.deps.journeys.get(resellerTenantId);
    const partnerId = rel.organization?.partnerId ?? journey.details?.partnerId;
    const reseller: Party = { tenantId: resellerTenantId, name: company, ...(partnerId ? { partnerId } : {}) };
    await this.relationships.update(resellerTenantId, (r) => ({ ok: true, record: addIndirectProvider(r, inv.from, inv.id, now) }));
    await this.relationships.update(inv.from.tenantId, (r) => ({ ok: true, record: addIndirectReseller(r, reseller, inv.id, now) }));
    const accepted = inv.accepted ?? { by: { id: resellerTenantId }, at: now.toISOString() };
    await this.tickPartnershipItems(resellerTenantId, { by: accepted.by, at: accepted.at });
  }

  /** Ticks the reseller's "Find an indirect provider" and "Accept your provider's partnership invitation" (no write when already ticked). */
  private async tickPartnershipItems(resellerTenantId: string, mark: { by: Actor; at: string }): Promise<void> {
    await this.deps.journeys.update(resellerTenantId, (r) => tickFromFact(r, PARTNERSHIP_ITEMS, { ...mark, action: 'next.partnership.accepted' }));
  }

  /**
   * Brings the tenant's checklist in line with its relationships: a tenant that already has an
   * indirect provider (a partnership accepted in the chat, on the accept page, or before this rule
   * existed) gets the partnership items ticked, credited to whoever accepted and when. Cheap when
   * nothing is missing (two reads, no write).
   * @returns the tenant's checklist record as it is now.
   */
  async reconcileChecklist(tenantId: string): Promise<TransitionRecord> {
    const journey = await this.deps.journeys.get(tenantId);
    if (PARTNERSHIP_ITEMS.every((i) => journey.nextItems[i])) return journey;
    const link = (await this.relationships.get(tenantId)).indirectProviders[0];
    if (!link) return journey;
    const accepted = (await this.get(link.tenantId, link.invitationId))?.accepted;
    const mark = accepted && accepted.tenantId === tenantId ? { by: accepted.by, at: accepted.at } : { by: { id: tenantId }, at: link.since };
    const result = await this.deps.journeys.update(tenantId, (r) => tickFromFact(r, PARTNERSHIP_ITEMS, { ...mark, action: 'next.partnership.accepted' }));
    return result.ok ? result.record : this.deps.journeys.get(tenantId);
  }

  /**
   * A customer's global admin accepts a reseller relationship invitation on the accept page.
   * The form is validated first (errors by field; nothing changes). Afterwards the customer is in
   * the reseller's customers (with the provider for `resellerAndProvider`) and in the provider's
   * customers (associated with the reseller).
   */
  async acceptCustomer(token: string, form: Partial<Record<string, unknown>>): Promise<ServiceResult<{ invitation: Invitation }>> {
    const opened = await this.open(token);
    if (!opened.ok) return opened;
    const inv = opened.invitation;
    if (!isCustomerKind(inv.kind)) return { ok: false, error: { code: 'wrongKind', kind: inv.kind } };
    const v = validateCustomerAcceptance(form);
    if (!v.ok) return { ok: false, error: { code: 'invalid', errors: v.errors } };
    const now = this.clock();
    const { company, domain, name, email } = v.value;
    const link = { id: opened.claims.i, nonce: opened.claims.n, kind: opened.claims.k };
    const result = await this.invitations.update(inv.from.tenantId, (r) =>
      acceptInvitation(r, link, { by: { id: `customer:${email}`, name }, company, domain, email }, now),
    );
    if (!result.ok) return result;
    const accepted = result.invitation;
    const relationship = accepted.kind === 'resellerAndProvider' ? 'resellerAndProvider' : 'reseller';
    const moved = accepted.purpose === 'moveDirect' ? { movedFromDirectBill: true } : {};
    await this.relationships.update(accepted.from.tenantId, (r) => ({
      ok: true,
      record: addCustomer(r, { domain, name: company, email, relationship, ...(accepted.provider ? { provider: accepted.provider } : {}), source: 'invitation', invitationId: accepted.id, ...moved }, now),
    }));
    if (accepted.provider) {
      await this.relationships.update(accepted.provider.tenantId, (r) => ({
        ok: true,
        record: addCustomer(r, { domain, name: company, email, relationship, reseller: accepted.from, source: 'invitation', invitationId: accepted.id, ...moved }, now),
      }));
    }
    return { ok: true, invitation: accepted };
  }

  /**
   * The recipient declines: the invitation closes and the link stops working. A partnership
   * request is declined by the one who could accept it: the global admin of another tenant
   * (`tenantId` required; `roleRequired` / `ownInvitation` otherwise). A customer declines on the page.
   */
  async decline(token: string, by: Actor, tenantId?: string): Promise<ServiceResult<{ invitation: Invitation }>> {
    const opened = await this.open(token);
    if (!opened.ok) return opened;
    if (opened.invitation.kind === 'partnership') {
      if (tenantId === opened.invitation.from.tenantId) return { ok: false, error: { code: 'ownInvitation' } };
      const denied = tenantId ? await this.requireRole(tenantId, by, 'acceptPartnership') : { code: 'roleRequired' as const, action: 'acceptPartnership' as const, globalAdmins: [] };
      if (denied) return { ok: false, error: denied };
    }
    const link = { id: opened.claims.i, nonce: opened.claims.n, kind: opened.claims.k };
    const result = await this.invitations.update(opened.invitation.from.tenantId, (r) => declineInvitation(r, link, by, this.clock()));
    return result.ok ? { ok: true, invitation: result.invitation } : result;
  }

  // ---- provider follow-ups -----------------------------------------------------------------

  /**
   * Records a provider's follow-up for one of its indirect resellers (new customer with the
   * reseller associated, reseller's PartnerID on a subscription, reseller as designated support
   * contact). A new customer also appears in the reseller's customers with this provider.
   * Needs a role allowed to `providerFollowUp`.
   */
  async followUp(
    tenantId: string,
    actor: Actor,
    input: { type: FollowUpType; resellerTenantId: string; fields: Partial<Record<string, unknown>> },
    expectedRevision?: number,
  ): Promise<ServiceResult<{ followUp: FollowUp; record: RelationshipsRecord }>> {
    const denied = await this.requireRole(tenantId, actor, 'providerFollowUp');
    if (denied) return { ok: false, error: denied };
    const now = this.clock();
    const id = newId(9);
    // the reseller may have set its company name or PartnerID since the partnership: use its current ones
    const resellerOrg = (await this.relationships.get(input.resellerTenantId)).organization;
    const refresh = (r: RelationshipsRecord): RelationshipsRecord =>
      resellerOrg
        ? { ...r, indirectResellers: r.indirectResellers.map((p) => (p.tenantId === input.resellerTenantId ? { ...p, name: resellerOrg.name, ...(resellerOrg.partnerId ? { partnerId: resellerOrg.partnerId } : {}) } : p)) }
        : r;
    const result = await this.relationships.update(tenantId, (r) => recordFollowUp(refresh(r), input, actor, now, { id }, expectedRevision));
    if (!result.ok) return result;
    const followUp = result.record.followUps.find((f) => f.id === id)!;
    if (followUp.type === 'newCustomer' && followUp.domain) {
      const org = result.record.organization;
      const provider: Party = { tenantId, name: org?.name ?? tenantId, ...(org?.partnerId ? { partnerId: org.partnerId } : {}) };
      const domain = followUp.domain;
      await this.relationships.update(followUp.reseller.tenantId, (r) => ({
        ok: true,
        record: addCustomer(r, { domain, name: followUp.customer, relationship: 'resellerAndProvider', provider, source: 'addedByProvider' }, now),
      }));
    }
    return { ok: true, followUp, record: result.record };
  }
}

/** Field errors of a refused change, if it was refused for invalid input. */
export function fieldErrorsOf(error: ServiceError): InvitationFieldError[] {
  return error.code === 'invalid' ? (error.errors as InvitationFieldError[]) : [];
}
