/**
 * What the invitations journey's handlers share: its loop options, the services it calls, and the
 * questions that put an answer on hold (the organization, the user's role) plus the refusal of a
 * change the service did not allow.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { Invitation } from '../../src/domain/invitations.js';
import type { RelationshipsRecord } from '../../src/domain/relationships.js';
import type { RoleAction } from '../../src/domain/roles.js';
import type { IdentityService } from '../../src/identity/identityService.js';
import { roleRefusal } from '../../src/invitations/invitationAcceptance.js';
import { draftBody, draftSubject, mailtoUrl } from '../../src/invitations/emailDraft.js';
import type { InvitationService, ServiceError } from '../../src/invitations/invitationService.js';
import type { JourneyTurn, LoopOptions } from '../loopDialog.js';
import type { ChecklistService } from '../../src/checklist/checklistService.js';
import type { CustomerService } from '../../src/customers/customerService.js';
import type { InvitationSubmit } from './submits.js';
import { listCard, stateName } from './listViews.js';
import { draftCard, organizationCard, roleQuestionCard, roleRefusalCard } from './views.js';

/** Where the journey stands and what it resumes after a question (organization or role) is answered. */
export interface InvitationOptions extends LoopOptions {
  /** `hub` (default), `paste` (waiting for a pasted link), `review` (a partnership request, `token`). */
  stage?: 'hub' | 'paste' | 'review';
  token?: string;
  /** A card answer put on hold while the organization or role question is asked; replayed after. */
  pending?: InvitationSubmit;
  /** The action a role question or refusal was about. */
  roleAction?: RoleAction;
}

/** One turn of the invitations journey. */
export type Turn = JourneyTurn<InvitationOptions>;

/** The services the invitations journey calls. */
export interface InvitationKit {
  service: InvitationService;
  checklist: ChecklistService;
  /** Connected to Partner Center: reads its own reseller relationship link for customer invitations. */
  customers?: CustomerService;
  /** Connected mode: roles are verified in Microsoft Entra ID (and read again when older than 15 minutes). */
  identity?: IdentityService;
}

/** The tenant's relationships when its organization is known; else asks for it and keeps `submit` pending. */
export async function requireOrganization(kit: InvitationKit, turn: Turn, submit: InvitationSubmit): Promise<RelationshipsRecord | undefined> {
  const rel = await kit.service.relationships.get(turn.tenantId);
  if (rel.organization) return rel;
  await turn.send(organizationCard(turn.t, {}));
  turn.options = { ...turn.options, pending: submit };
  return undefined;
}

/**
 * `true` when a role of the user that counts may do `action` (manual mode: the declared one;
 * connected mode: the roles verified in Microsoft Entra ID, read again first when never read or
 * older than 15 minutes). Otherwise the turn's result: the role question, sign-in (with `submit`
 * kept to replay once answered) or the refusal naming who may.
 */
export async function requireRole(kit: InvitationKit, turn: Turn, action: RoleAction, submit: InvitationSubmit): Promise<true | DialogTurnResult> {
  if (kit.identity && kit.identity.needsVerification(await kit.checklist.read(turn.tenantId), turn.actor, turn.now)) {
    turn.options = { ...turn.options, pending: submit, roleAction: action };
    return turn.signIn();
  }
  const refusal = await roleRefusal(kit.checklist, turn.tenantId, turn.actor, action);
  return refusal ? refused(kit, turn, refusal, submit) : true;
}

/** Shows an invitation's email draft (subject, body, link, mailto and copy page); `typedBody` keeps what the user typed, `notes` explain the link. */
export async function sendDraft(kit: InvitationKit, turn: Turn, inv: Invitation, errors: string[] = [], typedBody?: string, notes?: string[]): Promise<void> {
  const { t, actor } = turn;
  const link = kit.service.linkFor(inv);
  const subject = draftSubject(t, inv);
  const body = draftBody(t, inv, link, actor.name);
  const view = {
    invitation: inv,
    link,
    subject,
    body: typedBody ?? body,
    mailto: mailtoUrl(inv.to.email, subject, body),
    copyPage: kit.service.draftPageUrl(inv),
    ...(notes ? { notes } : {}),
  };
  await turn.send(draftCard(t, view, errors));
}

/** Says the invitation asked for is not there (revoked and removed, or another tenant's). */
export async function notFound(turn: Turn): Promise<DialogTurnResult> {
  await turn.say(turn.t('invitations.refused.notFound'));
  return turn.stay();
}

/**
 * Explains a change the service refused; a missing role or organization asks for it and keeps
 * `pending` (the answer; else the one already on hold) to replay once it is given.
 */
export async function refused(kit: InvitationKit, turn: Turn, e: ServiceError, pending?: InvitationSubmit): Promise<DialogTurnResult> {
  const { t } = turn;
  const { pending: held, ...rest } = turn.options;
  const answer = pending ?? held;
  const keep = answer ? { pending: answer } : {};
  const stay = (patch: InvitationOptions = {}) => turn.loop({ ...rest, ...patch, render: false });
  switch (e.code) {
    case 'roleRequired':
      if (e.verified && !e.role) {
        turn.options = { ...rest, ...keep, roleAction: e.action };
        return turn.signIn();
      }
      if (e.verified) {
        await turn.send(roleRefusalCard(t, e.action, e.role, e.globalAdmins, true));
        return stay({ roleAction: e.action });
      }
      if (!e.role || e.role === 'notSure') {
        await turn.send(roleQuestionCard(t, e.action));
        return stay({ ...keep, roleAction: e.action });
      }
      await turn.send(roleRefusalCard(t, e.action, e.role, e.globalAdmins));
      return stay({ roleAction: e.action });
    case 'organizationRequired':
      await turn.send(organizationCard(t, {}));
      return stay(keep);
    case 'stale':
      await turn.say(t('invitations.stale'));
      await turn.send(listCard(t, await kit.service.invitations.get(turn.tenantId), turn.now, 'all'));
      return stay();
    case 'link':
      await turn.say(t(`invitations.link.${e.problem}`, { from: e.invitation?.from.name ?? '' }));
      return stay({ stage: 'hub' });
    case 'notAllowedInState':
      await turn.say(t('invitations.notPending', { state: stateName(t, e.state) }));
      return stay();
    case 'wrongSide':
      await turn.say(t(`invitations.refused.wrongSide.${e.side}`));
      return stay();
    case 'ownInvitation':
    case 'wrongKind':
    case 'notFound':
    case 'providerRequired':
    case 'unknownReseller':
      await turn.say(t(`invitations.refused.${e.code}`));
      return stay();
    default:
      await turn.say(t('invitations.nothingChanged'));
      return stay();
  }
}
