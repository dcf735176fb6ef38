/**
 * The recipient side of invitations: a reseller accepts (or declines) a provider's partnership
 * request, a customer accepts (or declines) a reseller relationship invitation. Used through
 * `InvitationService`, which runs each call as a unit of work (reminders re-planned after it).
 *
 * Acceptance writes three records: the inviting tenant's invitation (pending -> accepted, with the
 * eTag, so only one acceptance can win), then each side's relationships (idempotent upserts), then
 * the reseller's checklist ticks (through `ChecklistService`). If the process stops between them,
 * opening the same link again as the same acceptor completes the lists instead of refusing it as
 * used. Sources: seed 003 role table (only a global admin accepts a partnership request);
 * transition seed, "Accept a partnership invitation".
 */
import { acceptInvitation, declineInvitation, isCustomerKind, validateCustomerAcceptance, type Invitation, type Party } from '../domain/invitations.js';
import { addCustomer, addIndirectProvider, addIndirectReseller } from '../domain/relationships.js';
import { globalAdminNames, rolesOf, type Actor } from '../domain/transition.js';
import { mayDoAny, type RoleAction } from '../domain/roles.js';
import type { ChecklistService } from '../checklist/checklistService.js';
import type { InvitationLinks } from './invitationLinks.js';
import type { PartnerRecords } from './partnerRecords.js';
import type { PartnerAcceptor, ServiceError, ServiceResult } from './serviceTypes.js';

/**
 * `roleRequired` (with the tenant's global admins, to name who may) unless a role of the user in
 * `tenantId` that counts may do `action` (seed 003 role table, `mayDoAny` in `src/domain/roles.ts`;
 * connected mode: only roles verified from Microsoft Entra ID count, see `rolesOf`). `role` is the
 * user's strongest role when one is known; `verified` is set in connected mode (no `role` then
 * means the user has not signed in).
 */
export async function roleRefusal(checklist: ChecklistService, tenantId: string, actor: Actor, action: RoleAction): Promise<ServiceError | undefined> {
  const journey = await checklist.read(tenantId);
  const roles = rolesOf(journey, actor.id);
  if (mayDoAny(roles, action)) return undefined;
  const role = roles?.[0];
  const verified = journey.roleSource === 'verified';
  return { code: 'roleRequired', action, ...(role ? { role } : {}), ...(verified ? { verified } : {}), globalAdmins: globalAdminNames(journey) };
}

/** What {@link InvitationAcceptance} needs (the parts of `InvitationService` it works with). */
export interface InvitationAcceptanceDeps {
  records: PartnerRecords;
  checklist: ChecklistService;
  links: InvitationLinks;
  clock: () => Date;
}

/** Accepting and declining invitations (see the module comment). */
export class InvitationAcceptance {
  constructor(private readonly deps: InvitationAcceptanceDeps) {}

  /**
   * A reseller accepts a provider's partnership request (in the chat, or on the page through an
   * assistant-issued session). Only a global admin may; a tenant cannot accept its own request.
   * Afterwards the provider is in the reseller's indirect providers, the reseller in the
   * provider's indirect resellers, and the reseller's partnership items are ticked.
   * @returns `alreadyAccepted: true` when this tenant had accepted the same invitation before (the
   *   lists are completed again, nothing else changes).
   */
  async acceptPartnership(token: string, acceptor: PartnerAcceptor): Promise<ServiceResult<{ invitation: Invitation; alreadyAccepted: boolean }>> {
    const opened = await this.deps.links.open(token);
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
    const denied = await roleRefusal(this.deps.checklist, acceptor.tenantId, acceptor.actor, 'acceptPartnership');
    if (denied) return { ok: false, error: denied };
    const company = await this.companyName(acceptor.tenantId, inv.to.company);
    const now = this.deps.clock();
    const link = { id: opened.claims.i, nonce: opened.claims.n, kind: opened.claims.k };
    const result = await this.deps.records.invitations.update(inv.from.tenantId, (r) =>
      acceptInvitation(r, link, { by: acceptor.actor, tenantId: acceptor.tenantId, company }, now),
    );
    if (!result.ok) {
      // a colleague of the same tenant accepted a moment earlier (double click, two admins): same outcome
      const latest = (await this.deps.records.invitations.get(inv.from.tenantId)).invitations.find((i) => i.id === inv.id);
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
    const rel = await this.deps.records.relationships.get(tenantId);
    if (rel.organization) return rel.organization.name;
    return (await this.deps.checklist.read(tenantId)).details?.legalName;
  }

  /** The name a tenant goes by: {@link organizationName}, else `fallback`, else the tenant id. */
  private async companyName(tenantId: string, fallback?: string): Promise<string> {
    return (await this.organizationName(tenantId)) ?? fallback ?? tenantId;
  }

  private async linkPartners(inv: Invitation, resellerTenantId: string, company: string): Promise<void> {
    const now = this.deps.clock();
    const { relationships } = this.deps.records;
    const rel = await relationships.get(resellerTenantId);
    const journey = await this.deps.checklist.read(resellerTenantId);
    const partnerId = rel.organization?.partnerId ?? journey.details?.partnerId;
    const reseller: Party = { tenantId: resellerTenantId, name: company, ...(partnerId ? { partnerId } : {}) };
    await relationships.update(resellerTenantId, (r) => ({ ok: true, record: addIndirectProvider(r, inv.from, inv.id, now) }));
    await relationships.update(inv.from.tenantId, (r) => ({ ok: true, record: addIndirectReseller(r, reseller, inv.id, now) }));
    const accepted = inv.accepted ?? { by: { id: resellerTenantId }, at: now.toISOString() };
    // the reseller's "Find an indirect provider" and "Accept your provider's partnership invitation" (no write when already ticked)
    await this.deps.checklist.tickPartnership(resellerTenantId, { by: accepted.by, at: accepted.at });
  }

  /**
   * A customer's global admin accepts a reseller relationship invitation on the accept page.
   * The form is validated first (errors by field; nothing changes). Afterwards the customer is in
   * the reseller's customers (with the provider for `resellerAndProvider`) and in the provider's
   * customers (associated with the reseller).
   */
  async acceptCustomer(token: string, form: Partial<Record<string, unknown>>): Promise<ServiceResult<{ invitation: Invitation }>> {
    const opened = await this.deps.links.open(token);
    if (!opened.ok) return opened;
    const inv = opened.invitation;
    if (!isCustomerKind(inv.kind)) return { ok: false, error: { code: 'wrongKind', kind: inv.kind } };
    const v = validateCustomerAcceptance(form);
    if (!v.ok) return { ok: false, error: { code: 'invalid', errors: v.errors } };
    const now = this.deps.clock();
    const { company, domain, name, email } = v.value;
    const link = { id: opened.claims.i, nonce: opened.claims.n, kind: opened.claims.k };
    const result = await this.deps.records.invitations.update(inv.from.tenantId, (r) =>
      acceptInvitation(r, link, { by: { id: `customer:${email}`, name }, company, domain, email }, now),
    );
    if (!result.ok) return result;
    const accepted = result.invitation;
    const relationship = accepted.kind === 'resellerAndProvider' ? 'resellerAndProvider' : 'reseller';
    const moved = accepted.purpose === 'moveDirect' ? { movedFromDirectBill: true } : {};
    const { relationships } = this.deps.records;
    await relationships.update(accepted.from.tenantId, (r) => ({
      ok: true,
      record: addCustomer(
        r,
        {
          domain,
          name: company,
          email,
          relationship,
          ...(accepted.provider ? { provider: accepted.provider } : {}),
          source: 'invitation',
          invitationId: accepted.id,
          ...moved,
        },
        now,
      ),
    }));
    if (accepted.provider) {
      await relationships.update(accepted.provider.tenantId, (r) => ({
        ok: true,
        record: addCustomer(
          r,
          { domain, name: company, email, relationship, reseller: accepted.from, source: 'invitation', invitationId: accepted.id, ...moved },
          now,
        ),
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
    const opened = await this.deps.links.open(token);
    if (!opened.ok) return opened;
    if (opened.invitation.kind === 'partnership') {
      if (tenantId === opened.invitation.from.tenantId) return { ok: false, error: { code: 'ownInvitation' } };
      const denied = tenantId
        ? await roleRefusal(this.deps.checklist, tenantId, by, 'acceptPartnership')
        : { code: 'roleRequired' as const, action: 'acceptPartnership' as const, globalAdmins: [] };
      if (denied) return { ok: false, error: denied };
    }
    const link = { id: opened.claims.i, nonce: opened.claims.n, kind: opened.claims.k };
    const result = await this.deps.records.invitations.update(opened.invitation.from.tenantId, (r) => declineInvitation(r, link, by, this.deps.clock()));
    return result.ok ? { ok: true, invitation: result.invitation } : result;
  }
}
