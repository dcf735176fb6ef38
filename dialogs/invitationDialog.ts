/**
 * The invitations and relationships journey (ComponentDialog): a provider sends partnership
 * requests; a reseller accepts them (here or on the accept page), invites customers (reseller
 * alone, or reseller and provider at once), moves direct bill customers to its provider; both
 * follow their invitations (resend, revoke, reminders) and relationships; a provider records its
 * follow-ups for a reseller.
 *
 * Sources: indirect-provider-tasks seed ("Connect with indirect resellers", "Connect with
 * customers"); seed 003 ("Connect with an indirect provider", "Connect with customers", role
 * table); transition seed ("Accept a partnership invitation", "Acquire new customers", "Move your
 * direct bill customers"). The use cases live in `InvitationService`; this dialog asks, shows and
 * routes.
 */
import { MessageFactory, type TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { findTokenInText } from '../src/domain/invitationToken.js';
import { invitationState, type Invitation } from '../src/domain/invitations.js';
import { mayDo, type RoleAction } from '../src/domain/roles.js';
import { applyCommand, globalAdminNames } from '../src/domain/transition.js';
import { draftBody, draftSubject, mailtoUrl } from '../src/invitations/emailDraft.js';
import type { InvitationService, ServiceError } from '../src/invitations/invitationService.js';
import type { TransitionRepository } from '../src/store/transitionRepository.js';
import { infoCard, submit as submitAction } from './cardKit.js';
import { LoopDialog, type LoopOptions } from './loopDialog.js';
import {
  alreadyPartnerCard,
  composeCard,
  customerKindsCard,
  draftCard,
  fieldErrorTexts,
  followUpCard,
  hubCard,
  listCard,
  moveCard,
  noResellersCard,
  organizationCard,
  pasteCard,
  relationshipsCard,
  reviewCard,
  revokeConfirmCard,
  roleQuestionCard,
  roleRefusalCard,
  stateName,
  type ListFilter,
} from './invitationViews.js';
import { asksForCustomers, matches, recognizeIntent, recognizeProviderQuery } from './recognizer.js';
import { REROUTE, type Submit } from './submits.js';
import { turnInfo } from './turnInfo.js';

export const INVITATION_DIALOG = 'invitationDialog';

/** Where the journey stands and what it resumes after a question (organization or role) is answered. */
export interface InvitationOptions extends LoopOptions {
  /** `hub` (default), `paste` (waiting for a pasted link), `review` (a partnership request, `token`). */
  stage?: 'hub' | 'paste' | 'review';
  token?: string;
  /** A card answer put on hold while the organization or role question is asked; replayed after. */
  pending?: Submit;
  /** The action a role question or refusal was about. */
  roleAction?: RoleAction;
}

type Step = WaterfallStepContext;

/** The invitations and relationships journey. */
export class InvitationDialog extends LoopDialog<InvitationOptions> {
  constructor(
    private readonly service: InvitationService,
    private readonly journeys: TransitionRepository,
  ) {
    super(INVITATION_DIALOG);
  }

  // ---- the loop ----------------------------------------------------------------------------

  protected override async onText(step: Step, text: string, o: InvitationOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    const token = findTokenInText(text);
    if (token) return this.loop(step, { stage: 'review', token });
    if (matches(t, 'commands.haveInvitation', text)) return this.loop(step, { stage: 'paste' });
    if (matches(t, 'commands.invitations', text)) return this.loop(step, { stage: 'hub' });
    if (recognizeIntent(t, text) || recognizeProviderQuery(t, text) || matches(t, 'commands.providerListing', text) || asksForCustomers(t, text)) return step.endDialog(REROUTE);
    if (o.stage === 'paste') {
      await ctx.sendActivity(t('invitations.paste.noLink'));
      return this.loop(step, { ...o, render: false });
    }
    await ctx.sendActivity(t('errors.notUnderstood'));
    return this.loop(step, { ...o, render: false });
  }

  // ---- commands that work at any prompt --------------------------------------------------

  protected readonly helpKey = 'invitations.help';

  protected home(): InvitationOptions {
    return { stage: 'hub' };
  }

  // ---- answers ---------------------------------------------------------------------------

  protected openJourney(journey: string): InvitationOptions | undefined {
    return journey === 'invitations' ? this.home() : undefined;
  }

  protected override async onSubmit(step: Step, submit: Submit, o: InvitationOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t, actor } = info;
    const tenantId = info.tenantId!;
    switch (submit.verb) {
      case 'invitations.hub':
        return this.loop(step, { stage: 'hub' });
      case 'invitations.changeOrg': {
        const org = (await this.service.relationships.get(tenantId)).organization;
        await this.send(ctx, organizationCard(t, org ?? {}));
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.org': {
        if (!submit.side) {
          await this.send(ctx, organizationCard(t, { name: submit.name, partnerId: submit.partnerId }, [`${t('invitations.fields.side')}: ${t('invitations.validation.required')}`]));
          return this.loop(step, { ...o, render: false });
        }
        const saved = await this.service.setOrganization(tenantId, actor, { name: submit.name, partnerId: submit.partnerId, side: submit.side });
        if (!saved.ok) {
          const errors = saved.error.code === 'invalid' ? fieldErrorTexts(t, saved.error.errors) : [t('invitations.nothingChanged')];
          await this.send(ctx, organizationCard(t, { name: submit.name, partnerId: submit.partnerId, side: submit.side }, errors));
          return this.loop(step, { ...o, render: false });
        }
        await ctx.sendActivity(t('invitations.org.saved', { name: saved.record.organization!.name, side: t(`invitations.side.${submit.side}`) }));
        return this.resume(step, o);
      }
      case 'invitations.role': {
        await this.journeys.update(tenantId, (r) => applyCommand(r, { type: 'setRole', role: submit.role }, actor, info.now));
        await ctx.sendActivity(t('role.recorded', { role: t(`roles.${submit.role}`) }));
        return this.resume(step, o);
      }
      case 'invitations.roleChange':
        await this.send(ctx, roleQuestionCard(t, o.roleAction ?? 'inviteCustomer'));
        return this.loop(step, { ...o, render: false });
      case 'invitations.customerKinds': {
        const rel = await this.requireOrganization(step, submit, o);
        if (!rel) return this.loop(step, { ...this.optionsOf(step), render: false });
        await this.send(ctx, customerKindsCard(t, rel.indirectProviders));
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.start': {
        const rel = await this.requireOrganization(step, submit, o);
        if (!rel) return this.loop(step, { ...this.optionsOf(step), render: false });
        const action: RoleAction = submit.kind === 'partnership' ? 'requestPartnership' : 'inviteCustomer';
        if (!(await this.requireRole(step, action, submit, o))) return this.loop(step, { ...this.optionsOf(step), render: false });
        if (submit.kind === 'resellerAndProvider' && rel.indirectProviders.length === 0) {
          await this.send(ctx, moveCard(t, []));
          return this.loop(step, { ...o, render: false });
        }
        const prefill = { ...(submit.company ? { company: submit.company } : {}), ...(submit.domain ? { domain: submit.domain } : {}) };
        await this.send(ctx, composeCard(t, submit.kind, submit.purpose, rel.indirectProviders, prefill));
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.create':
        return this.create(step, submit, o);
      case 'invitations.draft.show': {
        const inv = await this.service.get(tenantId, submit.invitationId);
        if (!inv) return this.notFound(step, o);
        const state = invitationState(inv, info.now);
        if (state !== 'pending') {
          await ctx.sendActivity(t('invitations.notPending', { state: stateName(t, state) }));
          return this.loop(step, { ...o, render: false });
        }
        await this.sendDraft(ctx, inv);
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.draft.save': {
        const saved = await this.service.saveDraft(tenantId, submit.invitationId, submit.body);
        if (!saved.ok) {
          const inv = await this.service.get(tenantId, submit.invitationId);
          if (!inv || saved.error.code !== 'invalid') return this.refused(step, o, saved.error);
          await this.sendDraft(ctx, inv, fieldErrorTexts(t, saved.error.errors), submit.body ?? '');
          return this.loop(step, { ...o, render: false });
        }
        await ctx.sendActivity(t('invitations.draft.saved'));
        await this.sendDraft(ctx, saved.invitation);
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.draft.done': {
        const done = await this.service.markSent(tenantId, actor, submit.invitationId);
        if (!done.ok) return this.refused(step, o, done.error);
        await this.send(
          ctx,
          infoCard({
            title: t('invitations.sent.title'),
            paragraphs: [t(`invitations.sent.body.${done.invitation.kind}`, { email: done.invitation.to.email, provider: done.invitation.provider?.name ?? '' }), t('invitations.sent.tracking', { date: t.shortDate(done.invitation.expiresAt) })],
            actions: [submitAction(t('invitations.actions.list'), 'invitations.list', { filter: 'pending' }), submitAction(t('invitations.actions.hub'), 'invitations.hub')],
          }),
        );
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.list':
        await this.send(ctx, listCard(t, await this.service.invitations.get(tenantId), info.now, (submit.filter ?? 'all') as ListFilter));
        return this.loop(step, { ...o, render: false });
      case 'invitations.resend': {
        const result = await this.service.manage(tenantId, actor, submit.invitationId, 'resend', submit.rev);
        if (!result.ok) return this.refused(step, { ...o, pending: submit }, result.error);
        await ctx.sendActivity(t('invitations.resent', { email: result.invitation.to.email, date: t.shortDate(result.invitation.expiresAt) }));
        await this.sendDraft(ctx, result.invitation);
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.revoke': {
        if (!submit.confirm) {
          const inv = await this.service.get(tenantId, submit.invitationId);
          if (!inv) return this.notFound(step, o);
          await this.send(ctx, revokeConfirmCard(t, inv, submit.rev));
          return this.loop(step, { ...o, render: false });
        }
        const result = await this.service.manage(tenantId, actor, submit.invitationId, 'revoke', submit.rev);
        if (!result.ok) return this.refused(step, { ...o, pending: submit }, result.error);
        await ctx.sendActivity(t('invitations.revoked', { email: result.invitation.to.email }));
        await this.send(ctx, listCard(t, await this.service.invitations.get(tenantId), info.now, 'all'));
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.have':
        return this.loop(step, { stage: 'paste' });
      case 'invitations.paste': {
        const token = findTokenInText(submit.link);
        if (!token) {
          await this.send(ctx, pasteCard(t, [t('invitations.paste.noLink')]));
          return this.loop(step, { stage: 'paste', render: false });
        }
        return this.loop(step, { stage: 'review', token });
      }
      case 'invitations.accept':
        return this.accept(step, submit, o);
      case 'invitations.decline': {
        const declined = await this.service.decline(submit.token, actor, tenantId);
        if (!declined.ok) return this.refused(step, { ...o, pending: submit }, declined.error);
        await ctx.sendActivity(t('invitations.declined', { from: declined.invitation.from.name }));
        return this.loop(step, { stage: 'hub', render: false });
      }
      case 'invitations.relationships':
        await this.send(ctx, relationshipsCard(t, await this.service.relationships.get(tenantId)));
        return this.loop(step, { ...o, render: false });
      case 'invitations.move': {
        const rel = await this.requireOrganization(step, submit, o);
        if (!rel) return this.loop(step, { ...this.optionsOf(step), render: false });
        await this.send(ctx, moveCard(t, rel.indirectProviders));
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.followUp': {
        const rel = await this.requireOrganization(step, submit, o);
        if (!rel) return this.loop(step, { ...this.optionsOf(step), render: false });
        if (!(await this.requireRole(step, 'providerFollowUp', submit, o))) return this.loop(step, { ...this.optionsOf(step), render: false });
        await this.send(ctx, rel.indirectResellers.length === 0 ? noResellersCard(t) : followUpCard(t, submit.type, rel.indirectResellers, rel.revision));
        return this.loop(step, { ...o, render: false });
      }
      case 'invitations.followUp.submit': {
        const fields = { customer: submit.customer, domain: submit.domain, subscription: submit.subscription };
        const result = await this.service.followUp(tenantId, actor, { type: submit.type, resellerTenantId: submit.resellerTenantId ?? '', fields }, submit.rev);
        if (!result.ok) {
          const rel = await this.service.relationships.get(tenantId);
          const e = result.error;
          if (e.code === 'invalid' || e.code === 'stale' || e.code === 'unknownReseller') {
            const errors = e.code === 'invalid' ? fieldErrorTexts(t, e.errors) : [t(`invitations.followUp.${e.code}`)];
            const values = Object.fromEntries(Object.entries({ ...fields, resellerTenantId: submit.resellerTenantId }).filter(([, v]) => v !== undefined)) as Record<string, string>;
            await this.send(ctx, followUpCard(t, submit.type, rel.indirectResellers, rel.revision, values, errors));
            return this.loop(step, { ...o, render: false });
          }
          return this.refused(step, { ...o, pending: submit }, e);
        }
        const f = result.followUp;
        await ctx.sendActivity(t(`invitations.followUp.${f.type}.done`, { reseller: f.reseller.name, customer: f.customer, subscription: f.subscription ?? '', partnerId: f.reseller.partnerId ?? t('invitations.followUp.partnerIdUnknown') }));
        return this.loop(step, { stage: 'hub' });
      }
      default:
        return step.endDialog(REROUTE);
    }
  }

  /** Creates an invitation from the form and shows its draft; errors show the form again with the values kept. */
  private async create(step: Step, submit: Extract<Submit, { verb: 'invitations.create' }>, o: InvitationOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    const to = { email: submit.email, name: submit.name, company: submit.company, domain: submit.domain };
    const created = await this.service.create(info.tenantId!, info.actor, {
      kind: submit.kind,
      purpose: submit.purpose,
      to,
      ...(submit.providerTenantId ? { providerTenantId: submit.providerTenantId } : {}),
    });
    if (created.ok) {
      await this.sendDraft(ctx, created.invitation);
      return this.loop(step, { ...o, render: false });
    }
    const e = created.error;
    if (e.code === 'invalid') {
      const rel = await this.service.relationships.get(info.tenantId!);
      const values = Object.fromEntries(Object.entries({ ...to, providerTenantId: submit.providerTenantId }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      await this.send(ctx, composeCard(t, submit.kind, submit.purpose, rel.indirectProviders, values, fieldErrorTexts(t, e.errors)));
      return this.loop(step, { ...o, render: false });
    }
    if (e.code === 'duplicatePending') {
      const existing = await this.service.get(info.tenantId!, e.invitationId);
      await ctx.sendActivity(t('invitations.duplicate', { email: existing?.to.email ?? '' }));
      if (existing) await this.sendDraft(ctx, existing);
      return this.loop(step, { ...o, render: false });
    }
    if (e.code === 'alreadyPartner') {
      await this.send(ctx, alreadyPartnerCard(t, e.reseller));
      return this.loop(step, { ...o, render: false });
    }
    if (e.code === 'organizationRequired') {
      await this.send(ctx, organizationCard(t, {}));
      return this.loop(step, { ...o, pending: submit, render: false });
    }
    if (e.code === 'providerRequired') {
      await this.send(ctx, moveCard(t, []));
      return this.loop(step, { ...o, render: false });
    }
    return this.refused(step, { ...o, pending: submit }, e);
  }

  /** The reseller authorizes a provider in the chat: consent tick, then the service checks link, tenant and role. */
  private async accept(step: Step, submit: Extract<Submit, { verb: 'invitations.accept' }>, o: InvitationOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    if (submit.consent !== 'true') {
      await ctx.sendActivity(t('invitations.review.tickFirst'));
      return this.loop(step, { ...o, render: false });
    }
    const result = await this.service.acceptPartnership(submit.token, { tenantId: info.tenantId!, actor: info.actor });
    if (!result.ok) return this.refused(step, { ...o, pending: submit }, result.error);
    const provider = result.invitation.from.name;
    if (result.alreadyAccepted) {
      await ctx.sendActivity(t('invitations.alreadyAccepted', { provider }));
      return this.loop(step, { stage: 'hub', render: false });
    }
    await this.send(
      ctx,
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
    return this.loop(step, { stage: 'hub', render: false });
  }

  /** Explains a refused change; a missing role or organization asks for it and keeps the answer pending. */
  private async refused(step: Step, o: InvitationOptions, e: ServiceError): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    const { pending, ...rest } = o;
    switch (e.code) {
      case 'roleRequired':
        if (!e.role || e.role === 'notSure') {
          await this.send(ctx, roleQuestionCard(t, e.action));
          return this.loop(step, { ...rest, ...(pending ? { pending } : {}), roleAction: e.action, render: false });
        }
        await this.send(ctx, roleRefusalCard(t, e.action, e.role, e.globalAdmins));
        return this.loop(step, { ...rest, roleAction: e.action, render: false });
      case 'organizationRequired':
        await this.send(ctx, organizationCard(t, {}));
        return this.loop(step, { ...rest, ...(pending ? { pending } : {}), render: false });
      case 'stale':
        await ctx.sendActivity(t('invitations.stale'));
        await this.send(ctx, listCard(t, await this.service.invitations.get(turnInfo(ctx).tenantId!), turnInfo(ctx).now, 'all'));
        return this.loop(step, { ...rest, render: false });
      case 'link': {
        const from = e.invitation?.from.name ?? '';
        await ctx.sendActivity(t(`invitations.link.${e.problem}`, { from }));
        return this.loop(step, { ...rest, stage: 'hub', render: false });
      }
      case 'notAllowedInState':
        await ctx.sendActivity(t('invitations.notPending', { state: stateName(t, e.state) }));
        return this.loop(step, { ...rest, render: false });
      case 'wrongSide':
        await ctx.sendActivity(t(`invitations.refused.wrongSide.${e.side}`));
        return this.loop(step, { ...rest, render: false });
      case 'ownInvitation':
      case 'wrongKind':
      case 'notFound':
      case 'providerRequired':
      case 'unknownReseller':
        await ctx.sendActivity(t(`invitations.refused.${e.code}`));
        return this.loop(step, { ...rest, render: false });
      default:
        await ctx.sendActivity(t('invitations.nothingChanged'));
        return this.loop(step, { ...rest, render: false });
    }
  }

  private async notFound(step: Step, o: InvitationOptions): Promise<DialogTurnResult> {
    await step.context.sendActivity(turnInfo(step.context).t('invitations.refused.notFound'));
    return this.loop(step, { ...o, render: false });
  }

  /** Replays the answer put on hold by the organization or role question, else shows the hub. */
  private async resume(step: Step, o: InvitationOptions): Promise<DialogTurnResult> {
    const { pending, ...rest } = o;
    if (pending) {
      this.setOptions(step, rest);
      return this.onSubmit(step, pending, rest);
    }
    return this.loop(step, { ...rest, stage: rest.stage ?? 'hub' });
  }

  /** The tenant's relationships when its organization is known; else asks for it (the answer is kept pending). */
  private async requireOrganization(step: Step, submit: Submit, o: InvitationOptions) {
    const { t, tenantId } = turnInfo(step.context);
    const rel = await this.service.relationships.get(tenantId!);
    if (rel.organization) return rel;
    await this.send(step.context, organizationCard(t, {}));
    this.setOptions(step, { ...o, pending: submit });
    return undefined;
  }

  /** True when the user's declared role may do `action`; else asks for the role or refuses (state updated). */
  private async requireRole(step: Step, action: RoleAction, submit: Submit, o: InvitationOptions): Promise<boolean> {
    const { t, tenantId, actor } = turnInfo(step.context);
    const journey = await this.journeys.get(tenantId!);
    const role = journey.people[actor.id]?.role;
    if (mayDo(role, action)) return true;
    if (!role || role === 'notSure') {
      await this.send(step.context, roleQuestionCard(t, action));
      this.setOptions(step, { ...o, pending: submit, roleAction: action });
      return false;
    }
    await this.send(step.context, roleRefusalCard(t, action, role, globalAdminNames(journey)));
    this.setOptions(step, { ...o, roleAction: action });
    return false;
  }

  // ---- rendering -------------------------------------------------------------------------

  protected override async render(step: Step, o: InvitationOptions): Promise<void> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    switch (o.stage) {
      case 'paste':
        await this.send(ctx, pasteCard(t));
        return;
      case 'review':
        await this.review(step, o.token ?? '');
        return;
      case 'hub':
      default: {
        const rel = await this.service.relationships.get(info.tenantId!);
        if (!rel.organization) {
          await this.send(ctx, organizationCard(t, {}));
          this.setOptions(step, { ...o, pending: { verb: 'invitations.hub' } });
          return;
        }
        await this.send(ctx, hubCard(t, rel.organization, rel, await this.service.invitations.get(info.tenantId!), info.now));
      }
    }
  }

  /** Shows a pasted partnership request for review, or says why the link can't be used here. */
  private async review(step: Step, token: string): Promise<void> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    const opened = await this.service.open(token);
    if (!opened.ok) {
      const e = opened.error;
      if (e.code === 'link') {
        const prior = e.invitation;
        if (e.problem === 'used' && prior?.kind === 'partnership' && prior.accepted?.tenantId === info.tenantId) {
          await ctx.sendActivity(t('invitations.alreadyAccepted', { provider: prior.from.name }));
        } else {
          await ctx.sendActivity(t(`invitations.link.${e.problem}`, { from: prior?.from.name ?? '' }));
        }
      }
      this.setOptions(step, { stage: 'hub' });
      return;
    }
    const inv = opened.invitation;
    if (inv.kind !== 'partnership') {
      await ctx.sendActivity(t(inv.from.tenantId === info.tenantId ? 'invitations.refused.customerLinkOwn' : 'invitations.refused.customerLink'));
      this.setOptions(step, { stage: 'hub' });
      return;
    }
    if (inv.from.tenantId === info.tenantId) {
      await ctx.sendActivity(t('invitations.refused.ownInvitation'));
      this.setOptions(step, { stage: 'hub' });
      return;
    }
    await this.send(ctx, reviewCard(t, inv, token, this.service.acceptPageUrl(opened, { tenantId: info.tenantId!, actor: info.actor })));
  }

  private async sendDraft(ctx: TurnContext, inv: Invitation, errors: string[] = [], typedBody?: string): Promise<void> {
    const { t, actor } = turnInfo(ctx);
    const link = this.service.linkFor(inv);
    const subject = draftSubject(t, inv);
    const body = draftBody(t, inv, link, actor.name);
    await this.send(
      ctx,
      draftCard(t, { invitation: inv, link, subject, body: typedBody ?? body, mailto: mailtoUrl(inv.to.email, subject, body), copyPage: this.service.draftPageUrl(inv) }, errors),
    );
  }

  private async send(ctx: TurnContext, card: ReturnType<typeof infoCard>): Promise<void> {
    await ctx.sendActivity(MessageFactory.attachment(card));
  }

}

