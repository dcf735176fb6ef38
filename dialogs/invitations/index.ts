/**
 * The invitations and relationships journey: partnership requests, reseller relationship
 * invitations, relationships and follow-ups. Registered in `dialogs/registry.ts`.
 */
import type { LoopJourney } from '../journey.js';
import { INVITATION_DIALOG, InvitationDialog, type InvitationOptions } from './dialog.js';
import { invitationSubmits } from './submits.js';
import { recognizeInvitations } from './triggers.js';

const menu = [{ id: 'invitations', position: 3, options: { stage: 'hub' } }] as const satisfies readonly {
  id: string;
  position: number;
  options: InvitationOptions;
}[];

export const invitationJourney = {
  kind: 'loop',
  id: 'invitations',
  verbPrefix: 'invitations.',
  submits: invitationSubmits,
  menu,
  dialogId: INVITATION_DIALOG,
  answerNow: { handleCurrentActivity: true },
  recognize: (t, activity) => recognizeInvitations(t, activity.text),
  create: (services, router) =>
    new InvitationDialog(
      {
        service: services.invitations,
        checklist: services.checklist,
        ...(services.identity ? { identity: services.identity } : {}),
        ...(services.customers.partnerCenterMode ? { customers: services.customers } : {}),
      },
      menu,
      router,
    ),
} satisfies LoopJourney<InvitationOptions>;
