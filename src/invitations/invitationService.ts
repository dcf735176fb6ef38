/**
 * The invitations and relationships use cases, shared by the chat (dialogs) and the accept pages
 * (HTTP): create, resend, revoke, open a link, accept, decline, and a provider's follow-ups.
 * It orchestrates tenant records (each read and write names its tenant) and the signed links
 * (`invitationLinks.ts`); the rules themselves are pure functions in `src/domain/invitations.ts`,
 * `relationships.ts`, `roles.ts` and `invitationToken.ts`. No botbuilder import besides the
 * `Storage` type.
 *
 * Acceptance writes three records: the inviting tenant's invitation (pending -> accepted, with the
 * eTag, so only one acceptance can win), then each side's relationships (idempotent upserts), then
 * ticks the reseller's checklist through {@link ChecklistService}. If the process stops between
 * them, opening the same link again as the same acceptor completes the lists instead of refusing
 * it as used.
 *
 * Every use case that writes runs as a unit of work of the injected change log, so a write made
 * from an accept page re-plans reminders as a chat turn's does (see `src/store/changeLog.ts`).
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from 'botbuilder';
import {
  acceptSeenInPartnerCenter,
  createInvitation,
  markSent,
  resendInvitation,
  revokeInvitation,
  saveDraft,
  validateDraft,
  validateRecipient,
  type Invitation,
  type InvitationKind,
  type InvitationPurpose,
  type InvitationRecord,
  type InvitationResult,
  type Party,
} from '../domain/invitations.js';
import {
  addCustomer,
  findExistingReseller,
  recordFollowUp,
  setOrganization,
  type FollowUp,
  type FollowUpType,
  type OrganizationSide,
  type RelationshipsRecord,
} from '../domain/relationships.js';
import type { RoleAction } from '../domain/roles.js';
import { PARTNER_CENTER_ACTOR, type Actor, type TransitionRecord } from '../domain/transition.js';
import { ChecklistService } from '../checklist/checklistService.js';
import { inUnitOfWork, type ChangeLog } from '../store/changeLog.js';
import type { TenantRecords } from '../store/tenantRecords.js';
import type { TransitionRepository } from '../store/transitionRepository.js';
import { InvitationAcceptance, roleRefusal } from './invitationAcceptance.js';
import { InvitationLinks } from './invitationLinks.js';
import { createPartnerRecords, type PartnerRecords } from './partnerRecords.js';
import type { OpenedLink, PartnerAcceptor, ServiceError, ServiceResult } from './serviceTypes.js';

export { ACCEPT_SESSION_MS, DRAFT_PAGE_MS } from './invitationLinks.js';
export { fieldErrorsOf, type OpenedLink, type PartnerAcceptor, type ServiceError, type ServiceResult } from './serviceTypes.js';

/** What {@link InvitationService} needs. */
export interface InvitationServiceDeps {
  storage: Storage;
  /** Tenants' checklists (roles live there: `people`; the legal name: `details`). */
  transitions: TransitionRepository;
  /** HMAC secret, at least 32 bytes (`loadInvitationSecret`). */
  secret: Buffer;
  /** Absolute base URL links start with, e.g. `https://assistant.contoso.com` (no trailing slash). */
  publicBaseUrl: () => string;
  /** The bot's clock (tests pass a fixed one); stamps every change and checks expiry. */
  clock?: () => Date;
  /** Units of work for reminder planning (none: nothing is planned after a write). */
  changeLog?: ChangeLog;
  /** The invitation and relationship records, when shared with other services (default: built here over `storage`). */
  records?: PartnerRecords;
  /** Ticks the checklist when a partnership is accepted (default: one built here over `transitions` and `records`). */
  checklist?: ChecklistService;
}

const newId = (bytes: number) => randomBytes(bytes).toString('base64url');

/** The invitations and relationships use cases (see the module comment). */
export class InvitationService {
  readonly invitations: TenantRecords<InvitationRecord>;
  readonly relationships: TenantRecords<RelationshipsRecord>;
  /** The checklist use cases this service ticks through (shared with the journeys when injected). */
  readonly checklist: ChecklistService;
  private readonly links: InvitationLinks;
  private readonly acceptance: InvitationAcceptance;
  private readonly clock: () => Date;

  constructor(private readonly deps: InvitationServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    const records = deps.records ?? createPartnerRecords(deps.storage, this.clock, deps.changeLog);
    this.invitations = records.invitations;
    this.relationships = records.relationships;
    this.checklist =
      deps.checklist ??
      new ChecklistService({ transitions: deps.transitions, partners: records, clock: this.clock, ...(deps.changeLog ? { changeLog: deps.changeLog } : {}) });
    this.links = new InvitationLinks({ invitations: this.invitations, secret: deps.secret, publicBaseUrl: deps.publicBaseUrl, clock: this.clock });
    this.acceptance = new InvitationAcceptance({ records, checklist: this.checklist, links: this.links, clock: this.clock });
  }

  /** Runs `fn` as a unit of work (reminders are re-planned after its writes; see the module comment). */
  private work<T>(fn: () => Promise<T>): Promise<T> {
    return inUnitOfWork(this.deps.changeLog, fn);
  }

  // ---- links (see InvitationLinks) -----------------------------------------------------------

  /** The personalized link for the invitation's email, valid until the invitation expires. */
  linkFor(invitation: Invitation): string {
    return this.links.linkFor(invitation);
  }

  /** The sender's copy-to-clipboard page for the draft, valid for `DRAFT_PAGE_MS` (1 day). */
  draftPageUrl(invitation: Invitation): string {
    return this.links.draftPageUrl(invitation);
  }

  /** The accept page for a signed-in reseller (a session valid `ACCEPT_SESSION_MS`, 15 minutes). */
  acceptPageUrl(opened: OpenedLink, acceptor: PartnerAcceptor): string {
    return this.links.acceptPageUrl(opened, acceptor);
  }

  /**
   * Verifies an invitation link token and checks the invitation can still be used.
   * @returns the invitation and claims, or `{ code: 'link', problem }` with the invitation when known.
   */
  open(token: string, purpose: 'invite' | 'draft' = 'invite'): Promise<ServiceResult<OpenedLink>> {
    return this.links.open(token, purpose);
  }

  /** The signed-in acceptor of an accept-page session for `opened`, or undefined when the session is missing, forged, expired or for another invitation. */
  openSession(opened: OpenedLink, session: unknown): { tenantId: string; userId: string } | undefined {
    return this.links.openSession(opened, session);
  }

  // ---- sender side -------------------------------------------------------------------------

  private requireRole(tenantId: string, actor: Actor, action: RoleAction): Promise<ServiceError | undefined> {
    return roleRefusal(this.checklist, tenantId, actor, action);
  }

  /** Sets the tenant's organization (name, optional PartnerID, side) used as the sender of invitations. */
  setOrganization(
    tenantId: string,
    actor: Actor,
    input: { name?: unknown; partnerId?: unknown; side: OrganizationSide },
  ): Promise<ServiceResult<{ record: RelationshipsRecord }>> {
    return this.work(async () => {
      const now = this.clock();
      const result = await this.relationships.update(tenantId, (r) => setOrganization(r, input, actor, now));
      return result.ok ? { ok: true, record: result.record } : result;
    });
  }

  /**
   * Creates an invitation from the tenant's organization to the recipient typed in the form.
   * Needs: a role allowed to `requestPartnership` (partnership) or `inviteCustomer` (customer kinds);
   * the tenant's organization set, on the provider side for a partnership request and on the
   * reseller side for an invitation that includes a provider (`wrongSide` otherwise); for `resellerAndProvider`, a provider from the tenant's indirect
   * providers list (`providerTenantId`); a partnership request is refused as `alreadyPartner` when
   * the recipient is already the provider's indirect reseller (see `findExistingReseller`).
   */
  create(
    tenantId: string,
    actor: Actor,
    input: {
      kind: InvitationKind;
      purpose: InvitationPurpose;
      to: Partial<Record<string, unknown>>;
      providerTenantId?: string;
      partnerCenterLink?: { url: string; readAt: string };
    },
  ): Promise<ServiceResult<{ invitation: Invitation; link: string }>> {
    return this.work(async () => {
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
        const link =
          rel.indirectProviders.find((p) => p.tenantId === input.providerTenantId) ?? (input.providerTenantId ? undefined : rel.indirectProviders[0]);
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
        createInvitation(
          r,
          {
            kind: input.kind,
            purpose: input.purpose,
            from,
            ...(provider ? { provider } : {}),
            to: to.value,
            ...(input.partnerCenterLink ? { partnerCenterLink: input.partnerCenterLink } : {}),
          },
          actor,
          now,
          ids,
        ),
      );
      if (!result.ok) return result;
      const invitation = result.record.invitations.find((i) => i.id === ids.id)!;
      return { ok: true, invitation, link: this.linkFor(invitation) };
    });
  }

  /** One of the tenant's own invitations (never another tenant's). */
  async get(tenantId: string, invitationId: string): Promise<Invitation | undefined> {
    return (await this.invitations.get(tenantId)).invitations.find((i) => i.id === invitationId);
  }

  /** Saves the sender's edited draft; it must keep the invitation's personalized link. */
  saveDraft(tenantId: string, invitationId: string, body: unknown): Promise<ServiceResult<{ invitation: Invitation }>> {
    return this.work(async () => {
      // the link is computed from the record being changed: a resend in between changes it
      const result = await this.invitations.update(tenantId, (r) => {
        const inv = r.invitations.find((i) => i.id === invitationId);
        return inv ? saveDraft(r, invitationId, body, this.linkFor(inv), this.clock()) : { ok: false as const, error: { code: 'notFound' as const } };
      });
      return result.ok ? { ok: true, invitation: result.invitation } : result;
    });
  }

  /**
   * Connected mode: accepts the tenant's reseller invitations sent with Partner Center's own link
   * whose customer domain is now in the partner's Partner Center customer list (`customerDomains`,
   * read at `readAt`), credited to Partner Center (see `acceptSeenInPartnerCenter` in the domain).
   * @returns the ids accepted (none: nothing was written).
   */
  acceptSeenInPartnerCenter(tenantId: string, customerDomains: ReadonlySet<string>, readAt: string): Promise<string[]> {
    return this.work(async () => {
      let accepted: string[] = [];
      await this.invitations.update(tenantId, (r) => {
        const seen = acceptSeenInPartnerCenter(r, customerDomains, { ...PARTNER_CENTER_ACTOR }, readAt, this.clock());
        accepted = seen?.accepted ?? [];
        return seen ? { ok: true as const, record: seen.record } : { ok: false as const, error: { code: 'unchanged' as const } };
      });
      return accepted;
    });
  }

  /** Marks the draft as sent (the sender selected Done). Idempotent. */
  markSent(tenantId: string, actor: Actor, invitationId: string): Promise<ServiceResult<{ invitation: Invitation }>> {
    return this.work(async () => {
      const result = await this.invitations.update(tenantId, (r) => markSent(r, invitationId, actor, this.clock()));
      return result.ok ? { ok: true, invitation: result.invitation } : result;
    });
  }

  /**
   * Resends (new link, new expiry; the old link stops working) or revokes one of the tenant's own
   * invitations. Needs the role that may create that kind of invitation.
   * @param expectedRevision the invitations record revision the user's card showed (stale-card guard)
   */
  manage(
    tenantId: string,
    actor: Actor,
    invitationId: string,
    action: 'resend' | 'revoke',
    expectedRevision?: number,
  ): Promise<ServiceResult<{ invitation: Invitation; link: string }>> {
    return this.work(async () => {
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
    });
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
    return {
      ...resent,
      invitation,
      record: { ...resent.record, invitations: resent.record.invitations.map((i) => (i.id === invitation.id ? invitation : i)) },
    };
  }

  // ---- recipient side (see InvitationAcceptance) ---------------------------------------------

  /**
   * A reseller's global admin accepts a provider's partnership request (in the chat, or on the page
   * through an assistant-issued session): both relationship lists and the reseller's partnership
   * checklist items. `alreadyAccepted: true` when this tenant had accepted it before.
   */
  acceptPartnership(token: string, acceptor: PartnerAcceptor): Promise<ServiceResult<{ invitation: Invitation; alreadyAccepted: boolean }>> {
    return this.work(() => this.acceptance.acceptPartnership(token, acceptor));
  }

  /** A customer's global admin accepts a reseller relationship invitation on the accept page (form validated first). */
  acceptCustomer(token: string, form: Partial<Record<string, unknown>>): Promise<ServiceResult<{ invitation: Invitation }>> {
    return this.work(() => this.acceptance.acceptCustomer(token, form));
  }

  /** The recipient declines (a partnership request: only a global admin of another tenant, `tenantId` required). */
  decline(token: string, by: Actor, tenantId?: string): Promise<ServiceResult<{ invitation: Invitation }>> {
    return this.work(() => this.acceptance.decline(token, by, tenantId));
  }

  /** The name a tenant gave itself: its organization, else the legal name of its enrollment details; undefined when it gave none. */
  organizationName(tenantId: string): Promise<string | undefined> {
    return this.acceptance.organizationName(tenantId);
  }

  /**
   * The tenant's checklist with the items recorded facts prove done ticked (an indirect provider
   * ticks the partnership items). Same as `ChecklistService.get`; kept for the checklist journey,
   * which asks its `ChecklistFacts` for it until it calls the checklist service itself.
   * @returns the tenant's checklist record as it is now.
   */
  reconcileChecklist(tenantId: string): Promise<TransitionRecord> {
    return this.checklist.get(tenantId);
  }

  // ---- provider follow-ups -----------------------------------------------------------------

  /**
   * Records a provider's follow-up for one of its indirect resellers (new customer with the
   * reseller associated, reseller's PartnerID on a subscription, reseller as designated support
   * contact). A new customer also appears in the reseller's customers with this provider.
   * Needs a role allowed to `providerFollowUp`.
   */
  followUp(
    tenantId: string,
    actor: Actor,
    input: { type: FollowUpType; resellerTenantId: string; fields: Partial<Record<string, unknown>> },
    expectedRevision?: number,
  ): Promise<ServiceResult<{ followUp: FollowUp; record: RelationshipsRecord }>> {
    return this.work(async () => {
      const denied = await this.requireRole(tenantId, actor, 'providerFollowUp');
      if (denied) return { ok: false, error: denied };
      const now = this.clock();
      const id = newId(9);
      // the reseller may have set its company name or PartnerID since the partnership: use its current ones
      const resellerOrg = (await this.relationships.get(input.resellerTenantId)).organization;
      const refresh = (r: RelationshipsRecord): RelationshipsRecord =>
        resellerOrg
          ? {
              ...r,
              indirectResellers: r.indirectResellers.map((p) =>
                p.tenantId === input.resellerTenantId
                  ? { ...p, name: resellerOrg.name, ...(resellerOrg.partnerId ? { partnerId: resellerOrg.partnerId } : {}) }
                  : p,
              ),
            }
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
    });
  }
}
