/**
 * The invitations and relationships journey: a provider sends partnership requests; a reseller
 * accepts them (here or on the accept page), invites customers (reseller alone, or reseller and
 * provider at once), moves direct bill customers to its provider; both follow their invitations
 * (resend, revoke, reminders) and relationships; a provider records its follow-ups for a reseller.
 *
 * Sources: indirect-provider-tasks seed ("Connect with indirect resellers", "Connect with
 * customers"); seed 003 ("Connect with an indirect provider", "Connect with customers", role
 * table); transition seed ("Accept a partnership invitation", "Acquire new customers", "Move your
 * direct bill customers"). The use cases live in `InvitationService`; the handlers (organizing.ts,
 * tracking.ts) ask, show and route.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { dispatch, type HandlerMap, type JourneyRouter, type MenuEntry } from '../journey.js';
import { LoopDialog } from '../loopDialog.js';
import type { SignInResult } from '../signIn.js';
import type { InvitationKit, InvitationOptions, Turn } from './kit.js';
import { createInvitation, organizingHandlers, relationshipHandlers } from './organizing.js';
import type { InvitationSubmit } from './submits.js';
import { partnershipHandlers, trackingHandlers } from './tracking.js';
import { recognizeInvitations } from './triggers.js';
import { hubCard, organizationCard, pasteCard, reviewCard } from './views.js';

export const INVITATION_DIALOG = 'invitationDialog';
export type { InvitationOptions } from './kit.js';

/** The invitations and relationships journey. */
export class InvitationDialog extends LoopDialog<InvitationOptions, InvitationSubmit> {
  protected readonly helpKey = 'invitations.help';
  protected readonly handlers: HandlerMap<InvitationSubmit, Turn>;

  constructor(
    private readonly kit: InvitationKit,
    menu: readonly MenuEntry<InvitationOptions>[],
    router: JourneyRouter,
  ) {
    super(INVITATION_DIALOG, 'invitations', menu, router);
    this.handlers = {
      ...organizingHandlers(kit, (turn) => this.resume(turn)),
      ...trackingHandlers(kit),
      ...partnershipHandlers(kit),
      ...relationshipHandlers(kit),
      'invitations.create': (turn, s) => createInvitation(kit, turn, s),
    };
  }

  protected home(): InvitationOptions {
    return { stage: 'hub' };
  }

  protected override async onText(turn: Turn, text: string): Promise<DialogTurnResult> {
    const start = recognizeInvitations(turn.t, text);
    if (start) return turn.loop(start);
    await turn.say(turn.t(turn.options.stage === 'paste' ? 'invitations.paste.noLink' : 'errors.notUnderstood'));
    return turn.stay();
  }

  /** After sign-in (connected mode): the answer that needed a verified role is replayed. */
  protected override afterSignIn(turn: Turn, result: SignInResult): Promise<DialogTurnResult> {
    return result.signedIn && result.handled ? this.resume(turn) : super.afterSignIn(turn, result);
  }

  /** Replays the answer put on hold by the organization or role question (or sign-in), else shows the hub. */
  private resume(turn: Turn): Promise<DialogTurnResult> {
    const { pending, ...rest } = turn.options;
    if (pending) {
      turn.options = rest;
      return dispatch(this.handlers, turn, pending);
    }
    return turn.loop({ ...rest, stage: rest.stage ?? 'hub' });
  }

  protected override async render(turn: Turn, o: InvitationOptions): Promise<void> {
    const { t, tenantId } = turn;
    if (o.stage === 'paste') {
      await turn.send(pasteCard(t));
      return;
    }
    if (o.stage === 'review') {
      await this.review(turn, o.token ?? '');
      return;
    }
    const rel = await this.kit.service.relationships.get(tenantId);
    if (!rel.organization) {
      await turn.send(organizationCard(t, {}));
      turn.options = { ...o, pending: { verb: 'invitations.hub' } };
      return;
    }
    await turn.send(hubCard(t, rel.organization, rel, await this.kit.service.invitations.get(tenantId), turn.now));
  }

  /** Shows a pasted partnership request for review, or says why the link can't be used here. */
  private async review(turn: Turn, token: string): Promise<void> {
    const { t, tenantId } = turn;
    const opened = await this.kit.service.open(token);
    if (!opened.ok) {
      const e = opened.error;
      if (e.code === 'link') {
        const prior = e.invitation;
        const acceptedHere = e.problem === 'used' && prior?.kind === 'partnership' && prior.accepted?.tenantId === tenantId;
        await turn.say(
          acceptedHere ? t('invitations.alreadyAccepted', { provider: prior.from.name }) : t(`invitations.link.${e.problem}`, { from: prior?.from.name ?? '' }),
        );
      }
      turn.options = { stage: 'hub' };
      return;
    }
    const inv = opened.invitation;
    const refusal =
      inv.kind !== 'partnership'
        ? inv.from.tenantId === tenantId
          ? 'customerLinkOwn'
          : 'customerLink'
        : inv.from.tenantId === tenantId
          ? 'ownInvitation'
          : undefined;
    if (refusal) {
      await turn.say(t(`invitations.refused.${refusal}`));
      turn.options = { stage: 'hub' };
      return;
    }
    await turn.send(reviewCard(t, inv, token, this.kit.service.acceptPageUrl(opened, { tenantId, actor: turn.actor })));
  }
}
