/**
 * Invitations journey handlers for following invitations (drafts, the list, resend, revoke) and
 * for answering a partnership request (paste the link, accept, decline).
 * Sources: transition seed ("Accept a partnership invitation"); indirect-provider-tasks seed
 * ("Connect with indirect resellers": the request link, its expiry).
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { findTokenInText } from '../../src/domain/invitationToken.js';
import { invitationState } from '../../src/domain/invitations.js';
import { infoCard, submit as submitAction } from '../cardKit.js';
import type { HandlerMap } from '../journey.js';
import { notFound, refused, sendDraft, type InvitationKit, type Turn } from './kit.js';
import type { InvitationSubmit } from './submits.js';
import { listCard, revokeConfirmCard, stateName, type ListFilter } from './listViews.js';
import { fieldErrorTexts, pasteCard } from './views.js';

type Verb =
  | 'invitations.hub'
  | 'invitations.draft.show'
  | 'invitations.draft.save'
  | 'invitations.draft.done'
  | 'invitations.list'
  | 'invitations.resend'
  | 'invitations.revoke';
type Submit<V extends InvitationSubmit['verb']> = Extract<InvitationSubmit, { verb: V }>;

/** Drafts, the list, resend and revoke. */
export function trackingHandlers(kit: InvitationKit): Pick<HandlerMap<InvitationSubmit, Turn>, Verb> {
  const list = async (turn: Turn, filter: ListFilter) => turn.send(listCard(turn.t, await kit.service.invitations.get(turn.tenantId), turn.now, filter));
  return {
    'invitations.hub': (turn) => turn.loop({ stage: 'hub' }),
    'invitations.draft.show': async (turn, s) => {
      const inv = await kit.service.get(turn.tenantId, s.invitationId);
      if (!inv) return notFound(turn);
      const state = invitationState(inv, turn.now);
      if (state !== 'pending') await turn.say(turn.t('invitations.notPending', { state: stateName(turn.t, state) }));
      else await sendDraft(kit, turn, inv);
      return turn.stay();
    },
    'invitations.draft.save': async (turn, s) => {
      const saved = await kit.service.saveDraft(turn.tenantId, s.invitationId, s.body);
      if (!saved.ok) {
        const inv = await kit.service.get(turn.tenantId, s.invitationId);
        if (!inv || saved.error.code !== 'invalid') return refused(kit, turn, saved.error);
        await sendDraft(kit, turn, inv, fieldErrorTexts(turn.t, saved.error.errors), s.body ?? '');
        return turn.stay();
      }
      await turn.say(turn.t('invitations.draft.saved'));
      await sendDraft(kit, turn, saved.invitation);
      return turn.stay();
    },
    'invitations.draft.done': (turn, s) => markSent(kit, turn, s),
    'invitations.list': async (turn, s) => {
      await list(turn, (s.filter ?? 'all') as ListFilter);
      return turn.stay();
    },
    'invitations.resend': async (turn, s) => {
      const result = await kit.service.manage(turn.tenantId, turn.actor, s.invitationId, 'resend', s.rev);
      if (!result.ok) return refused(kit, turn, result.error, s);
      await turn.say(turn.t('invitations.resent', { email: result.invitation.to.email, date: turn.t.shortDate(result.invitation.expiresAt) }));
      await sendDraft(kit, turn, result.invitation);
      return turn.stay();
    },
    'invitations.revoke': async (turn, s) => {
      if (!s.confirm) {
        const inv = await kit.service.get(turn.tenantId, s.invitationId);
        if (!inv) return notFound(turn);
        await turn.send(revokeConfirmCard(turn.t, inv, s.rev));
        return turn.stay();
      }
      const result = await kit.service.manage(turn.tenantId, turn.actor, s.invitationId, 'revoke', s.rev);
      if (!result.ok) return refused(kit, turn, result.error, s);
      await turn.say(turn.t('invitations.revoked', { email: result.invitation.to.email }));
      await list(turn, 'all');
      return turn.stay();
    },
  };
}

/** "I've sent it": the invitation is tracked from now on. */
async function markSent(kit: InvitationKit, turn: Turn, s: Submit<'invitations.draft.done'>): Promise<DialogTurnResult> {
  const { t } = turn;
  const done = await kit.service.markSent(turn.tenantId, turn.actor, s.invitationId);
  if (!done.ok) return refused(kit, turn, done.error);
  const inv = done.invitation;
  await turn.send(
    infoCard({
      title: t('invitations.sent.title'),
      paragraphs: [
        t(`invitations.sent.body.${inv.kind}`, { email: inv.to.email, provider: inv.provider?.name ?? '' }),
        t('invitations.sent.tracking', { date: t.shortDate(inv.expiresAt) }),
      ],
      actions: [
        submitAction(t('invitations.actions.list'), 'invitations.list', { filter: 'pending' }),
        submitAction(t('invitations.actions.hub'), 'invitations.hub'),
      ],
    }),
  );
  return turn.stay();
}

/** Answering a partnership request: paste its link, accept (consent first) or decline. */
export function partnershipHandlers(
  kit: InvitationKit,
): Pick<HandlerMap<InvitationSubmit, Turn>, 'invitations.have' | 'invitations.paste' | 'invitations.accept' | 'invitations.decline'> {
  return {
    'invitations.have': (turn) => turn.loop({ stage: 'paste' }),
    'invitations.paste': async (turn, s) => {
      const token = findTokenInText(s.link);
      if (token) return turn.loop({ stage: 'review', token });
      await turn.send(pasteCard(turn.t, [turn.t('invitations.paste.noLink')]));
      return turn.loop({ stage: 'paste', render: false });
    },
    'invitations.accept': (turn, s) => accept(kit, turn, s),
    'invitations.decline': async (turn, s) => {
      const declined = await kit.service.decline(s.token, turn.actor, turn.tenantId);
      if (!declined.ok) return refused(kit, turn, declined.error, s);
      await turn.say(turn.t('invitations.declined', { from: declined.invitation.from.name }));
      return turn.loop({ stage: 'hub', render: false });
    },
  };
}

/** The reseller authorizes a provider in the chat: consent tick, then the service checks link, tenant and role (and ticks the checklist). */
async function accept(kit: InvitationKit, turn: Turn, s: Submit<'invitations.accept'>): Promise<DialogTurnResult> {
  const { t } = turn;
  if (s.consent !== 'true') {
    await turn.say(t('invitations.review.tickFirst'));
    return turn.stay();
  }
  const result = await kit.service.acceptPartnership(s.token, { tenantId: turn.tenantId, actor: turn.actor });
  if (!result.ok) return refused(kit, turn, result.error, s);
  const provider = result.invitation.from.name;
  if (result.alreadyAccepted) {
    await turn.say(t('invitations.alreadyAccepted', { provider }));
    return turn.loop({ stage: 'hub', render: false });
  }
  await turn.send(
    infoCard({
      title: t('invitations.accepted.title', { provider }),
      paragraphs: [t('invitations.accepted.body', { provider })],
      bullets: [t('invitations.accepted.next1'), t('invitations.accepted.next2', { provider })],
      actions: [
        submitAction(t('invitations.actions.inviteCustomer'), 'invitations.customerKinds', {}, 'positive'),
        submitAction(t('invitations.actions.moveDirect'), 'invitations.move'),
        submitAction(t('invitations.actions.relationships'), 'invitations.relationships'),
      ],
    }),
  );
  return turn.loop({ stage: 'hub', render: false });
}
