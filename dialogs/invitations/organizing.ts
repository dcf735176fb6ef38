/**
 * Invitations journey handlers for setting up and sending: the organization and role questions,
 * choosing what to send, the invitation form, moving direct bill customers, relationships, and a
 * provider's follow-ups for a reseller.
 * Sources: indirect-provider-tasks seed ("Connect with indirect resellers"); seed 003 ("Connect with
 * an indirect provider", role table); transition seed ("Acquire new customers", "Move your direct
 * bill customers").
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { RoleAction } from '../../src/domain/roles.js';
import type { HandlerMap } from '../journey.js';
import { refused, requireOrganization, requireRole, sendDraft, type InvitationKit, type Turn } from './kit.js';
import { connectedFailureText } from '../signIn.js';
import type { InvitationSubmit } from './submits.js';
import { alreadyPartnerCard, followUpCard, moveCard, noResellersCard, relationshipsCard } from './relationshipViews.js';
import { composeCard, customerKindsCard, fieldErrorTexts, organizationCard, roleQuestionCard } from './views.js';

type Verb = 'invitations.org' | 'invitations.changeOrg' | 'invitations.role' | 'invitations.roleChange' | 'invitations.customerKinds' | 'invitations.start';
type Submit<V extends InvitationSubmit['verb']> = Extract<InvitationSubmit, { verb: V }>;

/** Defined only when `value` is (drops absent fields so a form shows them empty). */
function present(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/**
 * The organization and role questions and what they unlock.
 * @param resume replays the answer put on hold by a question (else shows the hub).
 */
export function organizingHandlers(kit: InvitationKit, resume: (turn: Turn) => Promise<DialogTurnResult>): Pick<HandlerMap<InvitationSubmit, Turn>, Verb> {
  return {
    'invitations.changeOrg': async (turn) => {
      await turn.send(organizationCard(turn.t, (await kit.service.relationships.get(turn.tenantId)).organization ?? {}));
      return turn.stay();
    },
    'invitations.org': async (turn, s) => {
      const { t } = turn;
      if (!s.side) {
        await turn.send(
          organizationCard(t, { name: s.name, partnerId: s.partnerId }, [`${t('invitations.fields.side')}: ${t('invitations.validation.required')}`]),
        );
        return turn.stay();
      }
      const saved = await kit.service.setOrganization(turn.tenantId, turn.actor, { name: s.name, partnerId: s.partnerId, side: s.side });
      if (!saved.ok) {
        const errors = saved.error.code === 'invalid' ? fieldErrorTexts(t, saved.error.errors) : [t('invitations.nothingChanged')];
        await turn.send(organizationCard(t, { name: s.name, partnerId: s.partnerId, side: s.side }, errors));
        return turn.stay();
      }
      await turn.say(t('invitations.org.saved', { name: saved.record.organization!.name, side: t(`invitations.side.${s.side}`) }));
      return resume(turn);
    },
    'invitations.role': async (turn, s) => {
      const recorded = await kit.checklist.setRole(turn.tenantId, turn.actor, s.role);
      if (!recorded.ok) {
        // connected mode: a role button of an older card; roles come from Microsoft Entra ID only
        await turn.say(turn.t('identity.rolesVerified'));
        return turn.stay();
      }
      await turn.say(turn.t('role.recorded', { role: turn.t(`roles.${s.role}`) }));
      return resume(turn);
    },
    'invitations.roleChange': async (turn) => {
      if (kit.identity) return turn.signIn();
      await turn.send(roleQuestionCard(turn.t, turn.options.roleAction ?? 'inviteCustomer'));
      return turn.stay();
    },
    'invitations.customerKinds': async (turn, s) => {
      const rel = await requireOrganization(kit, turn, s);
      if (rel) await turn.send(customerKindsCard(turn.t, rel.indirectProviders));
      return turn.stay();
    },
    'invitations.start': async (turn, s) => {
      const rel = await requireOrganization(kit, turn, s);
      if (!rel) return turn.stay();
      const action: RoleAction = s.kind === 'partnership' ? 'requestPartnership' : 'inviteCustomer';
      const allowed = await requireRole(kit, turn, action, s);
      if (allowed !== true) return allowed;
      if (s.kind === 'resellerAndProvider' && rel.indirectProviders.length === 0) await turn.send(moveCard(turn.t, []));
      else await turn.send(composeCard(turn.t, s.kind, s.purpose, rel.indirectProviders, present({ company: s.company, domain: s.domain })));
      return turn.stay();
    },
  };
}

/** The invitation form's submit: creates the invitation and shows its draft; errors show the form again with the values kept. */
export async function createInvitation(kit: InvitationKit, turn: Turn, s: Submit<'invitations.create'>): Promise<DialogTurnResult> {
  const { t, tenantId } = turn;
  const to = { email: s.email, name: s.name, company: s.company, domain: s.domain };
  const link = await partnerCenterLink(kit, turn, s);
  if (link === 'signIn') {
    turn.options = { ...turn.options, pending: s };
    return turn.signIn();
  }
  const created = await kit.service.create(tenantId, turn.actor, {
    kind: s.kind,
    purpose: s.purpose,
    to,
    ...(s.providerTenantId ? { providerTenantId: s.providerTenantId } : {}),
    ...(link.url ? { partnerCenterLink: link.url } : {}),
  });
  if (created.ok) {
    await sendDraft(kit, turn, created.invitation, [], undefined, link.notes);
    return turn.stay();
  }
  const e = created.error;
  switch (e.code) {
    case 'invalid': {
      const rel = await kit.service.relationships.get(tenantId);
      await turn.send(
        composeCard(t, s.kind, s.purpose, rel.indirectProviders, present({ ...to, providerTenantId: s.providerTenantId }), fieldErrorTexts(t, e.errors)),
      );
      return turn.stay();
    }
    case 'duplicatePending': {
      const existing = await kit.service.get(tenantId, e.invitationId);
      await turn.say(t('invitations.duplicate', { email: existing?.to.email ?? '' }));
      if (existing) await sendDraft(kit, turn, existing);
      return turn.stay();
    }
    case 'alreadyPartner':
      await turn.send(alreadyPartnerCard(t, e.reseller));
      return turn.stay();
    case 'organizationRequired':
      await turn.send(organizationCard(t, {}));
      return turn.stay({ pending: s });
    case 'providerRequired':
      await turn.send(moveCard(t, []));
      return turn.stay();
    default:
      return refused(kit, turn, e, s);
  }
}

/** Moving direct bill customers, the relationships card, and a provider's follow-ups for a reseller. */
export function relationshipHandlers(
  kit: InvitationKit,
): Pick<HandlerMap<InvitationSubmit, Turn>, 'invitations.move' | 'invitations.relationships' | 'invitations.followUp' | 'invitations.followUp.submit'> {
  return {
    'invitations.relationships': async (turn) => {
      await turn.send(relationshipsCard(turn.t, await kit.service.relationships.get(turn.tenantId)));
      return turn.stay();
    },
    'invitations.move': async (turn, s) => {
      const rel = await requireOrganization(kit, turn, s);
      if (rel) await turn.send(moveCard(turn.t, rel.indirectProviders));
      return turn.stay();
    },
    'invitations.followUp': async (turn, s) => {
      const rel = await requireOrganization(kit, turn, s);
      if (!rel) return turn.stay();
      const allowed = await requireRole(kit, turn, 'providerFollowUp', s);
      if (allowed !== true) return allowed;
      await turn.send(rel.indirectResellers.length === 0 ? noResellersCard(turn.t) : followUpCard(turn.t, s.type, rel.indirectResellers, rel.revision));
      return turn.stay();
    },
    'invitations.followUp.submit': (turn, s) => submitFollowUp(kit, turn, s),
  };
}

async function submitFollowUp(kit: InvitationKit, turn: Turn, s: Submit<'invitations.followUp.submit'>): Promise<DialogTurnResult> {
  const { t } = turn;
  const fields = { customer: s.customer, domain: s.domain, subscription: s.subscription };
  const result = await kit.service.followUp(turn.tenantId, turn.actor, { type: s.type, resellerTenantId: s.resellerTenantId ?? '', fields }, s.rev);
  if (!result.ok) {
    const e = result.error;
    if (e.code !== 'invalid' && e.code !== 'stale' && e.code !== 'unknownReseller') return refused(kit, turn, e, s);
    const rel = await kit.service.relationships.get(turn.tenantId);
    const errors = e.code === 'invalid' ? fieldErrorTexts(t, e.errors) : [t(`invitations.followUp.${e.code}`)];
    await turn.send(followUpCard(t, s.type, rel.indirectResellers, rel.revision, present({ ...fields, resellerTenantId: s.resellerTenantId }), errors));
    return turn.stay();
  }
  const f = result.followUp;
  const partnerId = f.reseller.partnerId ?? t('invitations.followUp.partnerIdUnknown');
  await turn.say(t(`invitations.followUp.${f.type}.done`, { reseller: f.reseller.name, customer: f.customer, subscription: f.subscription ?? '', partnerId }));
  return turn.loop({ stage: 'hub' });
}

/**
 * Connected to Partner Center: the link a customer invitation's email carries. A `reseller`
 * invitation gets Partner Center's own reseller relationship link, read as the signed-in user
 * (`signIn` when they must sign in first); when it cannot be read, the assistant's own link, with
 * the reason. An invitation with the indirect provider keeps the assistant's link: the API gives no
 * such link (said in a note). Manual mode and partnership requests: nothing (the assistant's link).
 */
async function partnerCenterLink(
  kit: InvitationKit,
  turn: Turn,
  s: Submit<'invitations.create'>,
): Promise<'signIn' | { url?: { url: string; readAt: string }; notes?: string[] }> {
  const { t } = turn;
  if (!kit.customers || s.kind === 'partnership') return {};
  if (s.kind === 'resellerAndProvider') return { notes: [t('invitations.draft.ownLinkWithProvider')] };
  const token = await turn.partnerCenterToken();
  if (token === 'signIn') return 'signIn';
  try {
    const url = await kit.customers.relationshipRequestLink(turn.tenantId, token);
    return url ? { url } : {};
  } catch (err) {
    const reason = connectedFailureText(t, err);
    if (reason === undefined) throw err;
    return { notes: [reason, t('invitations.draft.partnerCenterLinkFailed')] };
  }
}
