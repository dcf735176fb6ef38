/**
 * The invitations list (newest first, by state), the revoke confirmation and the words for an
 * invitation's kind and state. Pure presentation (`invitations.*` locale keys).
 */
import type { Attachment } from 'botbuilder';
import {
  INVITATION_STATES,
  PENDING_REMINDER_DAYS,
  invitationState,
  needsReminder,
  pendingDays,
  type Invitation,
  type InvitationRecord,
  type InvitationState,
} from '../../src/domain/invitations.js';
import type { Translator } from '../../src/i18n/index.js';
import { infoCard, submit, type SubmitAction } from '../cardKit.js';

/** Most invitations one list card shows (newest first); the rest are counted. */
export const LIST_SHOWN = 8;

/** Filters of the invitations list. */
export const LIST_FILTERS = ['all', ...INVITATION_STATES] as const;

export type ListFilter = (typeof LIST_FILTERS)[number];

function stateText(t: Translator, inv: Invitation, now: Date): string {
  const state = invitationState(inv, now);
  switch (state) {
    case 'pending':
      if (inv.partnerCenterLink) return t('invitations.list.pendingPartnerCenter', { days: pendingDays(inv, now), domain: inv.to.domain ?? '' });
      return t('invitations.list.pending', { date: t.shortDate(inv.expiresAt), days: pendingDays(inv, now) });
    case 'accepted':
      return t('invitations.list.accepted', { by: inv.accepted?.company ?? '', date: t.shortDate(inv.accepted?.at ?? inv.created.at) });
    case 'declined':
      return t('invitations.list.declined', { date: t.shortDate(inv.declined?.at ?? inv.created.at) });
    case 'revoked':
      return t('invitations.list.revoked', { date: t.shortDate(inv.revoked?.at ?? inv.created.at) });
    case 'expired':
      // Partner Center's own link has no expiry of the assistant's: still waiting for the customer
      if (inv.partnerCenterLink) return t('invitations.list.pendingPartnerCenter', { days: pendingDays(inv, now), domain: inv.to.domain ?? '' });
      return t('invitations.list.expired', { date: t.shortDate(inv.expiresAt) });
  }
}

/** Short description of what an invitation is ("Reseller + provider (Alpha) · moving a direct bill customer"). */
export function kindText(t: Translator, inv: Invitation): string {
  const base = t(`invitations.kind.${inv.kind}`, { provider: inv.provider?.name ?? '' });
  return inv.purpose === 'moveDirect' ? `${base} · ${t('invitations.kind.moveDirect')}` : base;
}

/** The tenant's invitations, newest first, filtered; each with its state and what can be done. */
export function listCard(t: Translator, record: InvitationRecord, now: Date, filter: ListFilter): Attachment {
  const all = record.invitations;
  const matching = filter === 'all' ? all : all.filter((i) => invitationState(i, now) === filter);
  const shown = matching.slice(0, LIST_SHOWN);
  const lines: string[] = [];
  const rows: Array<{ actions: SubmitAction[] }> = [];
  shown.forEach((inv, index) => {
    const n = index + 1;
    const who = inv.to.company ? `${inv.to.company} (${inv.to.email})` : inv.to.email;
    lines.push(
      `**${n}. ${who}**: ${kindText(t, inv)}. ${stateText(t, inv, now)}${needsReminder(inv, now) ? ` ${t('invitations.list.remind', { days: pendingDays(inv, now) })}` : ''}`,
    );
    const state = invitationState(inv, now);
    const actions: SubmitAction[] = [];
    if (state === 'pending' || state === 'expired') {
      actions.push(
        submit(
          t('invitations.list.resend', { n }),
          'invitations.resend',
          { rev: record.revision, invitationId: inv.id },
          state === 'expired' || needsReminder(inv, now) ? 'positive' : 'default',
        ),
      );
      actions.push(submit(t('invitations.list.revoke', { n }), 'invitations.revoke', { rev: record.revision, invitationId: inv.id }, 'destructive'));
    }
    if (state === 'pending') actions.push(submit(t('invitations.list.showDraft', { n }), 'invitations.draft.show', { invitationId: inv.id }));
    if (actions.length > 0) rows.push({ actions });
  });
  const paragraphs = [
    matching.length === 0
      ? t(filter === 'all' ? 'invitations.list.empty' : 'invitations.list.emptyFilter', {
          state: t(`invitations.state.${filter === 'all' ? 'pending' : filter}`),
        })
      : t('invitations.list.showing', {
          shown: shown.length,
          count: matching.length,
          filter: filter === 'all' ? t('invitations.list.allStates') : t(`invitations.state.${filter}`),
        }),
  ];
  const filters = (['all', 'pending', 'accepted', 'expired'] as const).filter((f) => f !== filter);
  return infoCard({
    title: t('invitations.list.title'),
    paragraphs,
    lines,
    note: { text: t('invitations.list.rules', { days: PENDING_REMINDER_DAYS }), style: 'emphasis' },
    actionRows: rows,
    actions: [
      ...filters.map((f) => submit(t(`invitations.list.filter.${f}`), 'invitations.list', { filter: f })),
      submit(t('invitations.actions.hub'), 'invitations.hub'),
    ],
  });
}

/** "Revoke this invitation?" with what it means. */
export function revokeConfirmCard(t: Translator, inv: Invitation, rev: number): Attachment {
  return infoCard({
    title: t('invitations.revoke.title'),
    paragraphs: [t('invitations.revoke.body', { email: inv.to.email })],
    actions: [
      submit(t('invitations.revoke.confirm'), 'invitations.revoke', { rev, invitationId: inv.id, confirm: true }, 'destructive'),
      submit(t('invitations.revoke.keep'), 'invitations.list', { filter: 'pending' }),
    ],
  });
}

/** State names for messages. */
export function stateName(t: Translator, state: InvitationState): string {
  return t(`invitations.state.${state}`);
}
