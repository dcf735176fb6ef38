/**
 * The customer classification journey: after the transition a partner is both a direct bill
 * partner and an indirect reseller, and handles each customer by how it was acquired. Customers
 * are added one by one or imported from CSV (pasted, or a .csv file attached to a message);
 * relationships made through indirect reseller invitations classify what they can, and the
 * identifying question classifies the rest, one customer at a time. The summary shows each class,
 * what it allows, and the next step for each direct bill customer (an indirect reseller invitation
 * from the invitations journey), tracked until the customer is indirect.
 *
 * Source: transition seed, "Managing your direct bill customers and your indirect reseller
 * customers" and "Move your direct bill customers to your indirect provider".
 */
import { markdownLiteral } from '../cards/markdown.js';
import { MessageFactory, type Attachment, type TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { csvSource, readCsv } from '../src/customers/csvAttachment.js';
import type { CustomerService } from '../src/customers/customerService.js';
import { listCustomers, type CustomerClass, type CustomerProviderRef } from '../src/domain/customers.js';
import type { InvitationService } from '../src/invitations/invitationService.js';
import { addCard, customerFieldErrors, importCard, importReportCard, listCard, PAGE_SIZE, questionCard, rulesCard, summaryCard } from './customerViews.js';
import { LoopDialog, type LoopOptions } from './loopDialog.js';
import { asksForInvitations, looksLikeCsv, matches, recognizeIntent, recognizeProviderQuery } from './recognizer.js';
import { REROUTE, type Submit } from './submits.js';
import { turnInfo } from './turnInfo.js';

export const CUSTOMER_DIALOG = 'customerDialog';

/** Where the journey stands. */
export interface CustomerOptions extends LoopOptions {
  /** `summary` (default), `list`, `add`, `import` (waiting for CSV), `classify` (the question for `domain`). */
  stage?: 'summary' | 'list' | 'add' | 'import' | 'classify';
  filter?: CustomerClass | 'all';
  page?: number;
  domain?: string;
  /** Customers the user answered "not sure" for in this conversation (the next question skips them). */
  skipped?: string[];
}

type Step = WaterfallStepContext;

/** The customer classification journey. */
export class CustomerDialog extends LoopDialog<CustomerOptions> {
  constructor(
    private readonly customers: CustomerService,
    private readonly invitations: InvitationService,
  ) {
    super(CUSTOMER_DIALOG);
  }

  // ---- the loop ----------------------------------------------------------------------------

  protected override async onText(step: Step, text: string, o: CustomerOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    if (await this.importAttachments(step)) return this.loop(step, { ...o, stage: 'summary', render: false });
    if (looksLikeCsv(text)) return this.importText(step, text, o);
    if (matches(t, 'commands.customers', text)) return this.loop(step, { stage: 'summary' });
    if (matches(t, 'commands.addCustomer', text)) return this.loop(step, { stage: 'add' });
    if (matches(t, 'commands.importCustomers', text)) return this.loop(step, { stage: 'import' });
    if (matches(t, 'commands.exportCustomers', text)) {
      await this.sendExport(ctx);
      return this.loop(step, { ...o, render: false });
    }
    if (recognizeIntent(t, text) || recognizeProviderQuery(t, text) || asksForInvitations(t, text) || matches(t, 'commands.providerListing', text)) return step.endDialog(REROUTE);
    await ctx.sendActivity(t(o.stage === 'import' ? 'customers.import.notCsv' : 'errors.notUnderstood'));
    return this.loop(step, { ...o, render: false });
  }

  protected readonly helpKey = 'customers.help';

  protected home(): CustomerOptions {
    return { stage: 'summary' };
  }

  protected openJourney(journey: string): CustomerOptions | undefined {
    return journey === 'customers' ? this.home() : undefined;
  }

  protected override async onSubmit(step: Step, submit: Submit, o: CustomerOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t, actor } = info;
    const tenantId = info.tenantId!;
    switch (submit.verb) {
      case 'customers.summary':
        return this.loop(step, { stage: 'summary', ...(o.skipped ? { skipped: o.skipped } : {}) });
      case 'customers.rules':
        await this.send(ctx, rulesCard(t));
        return this.loop(step, { ...o, render: false });
      case 'customers.list':
        return this.loop(step, { ...o, stage: 'list', filter: submit.filter, page: submit.page ?? 0 });
      case 'customers.add.open':
        return this.loop(step, { ...o, stage: 'add' });
      case 'customers.add': {
        const values = { name: submit.name ?? '', domain: submit.domain ?? '', tenantId: submit.tenantId ?? '' };
        const added = await this.customers.add(tenantId, actor, values);
        if (!added.ok) {
          const errors = 'errors' in added ? customerFieldErrors(t, added.errors) : [t('customers.tooMany', { limit: added.tooMany })];
          await this.send(ctx, addCard(t, values, errors));
          return this.loop(step, { ...o, stage: 'add', render: false });
        }
        const c = added.customer;
        await ctx.sendActivity(t(added.existed ? 'customers.add.updated' : 'customers.add.added', { name: markdownLiteral(c.name), domain: markdownLiteral(c.domain) }));
        if (c.class === 'unknown') return this.loop(step, { ...o, stage: 'classify', domain: c.domain });
        await ctx.sendActivity(t('customers.classified.fromRelationship', { name: c.name, label: t(`customers.class.${c.class}`), provider: c.provider?.name ?? '' }));
        return this.loop(step, { ...o, stage: 'summary' });
      }
      case 'customers.import.open':
        return this.loop(step, { ...o, stage: 'import' });
      case 'customers.import': {
        if (await this.importAttachments(step)) return this.loop(step, { ...o, stage: 'summary', render: false });
        const text = submit.csv ?? '';
        if (!text.trim()) {
          await this.send(ctx, importCard(t, [t('customers.import.problem.empty')]));
          return this.loop(step, { ...o, stage: 'import', render: false });
        }
        return this.importText(step, text, o);
      }
      case 'customers.classifyNext':
        return this.loop(step, { ...o, stage: 'classify', domain: undefined });
      case 'customers.classify':
        return this.loop(step, { ...o, stage: 'classify', domain: submit.domain });
      case 'customers.answer': {
        const provider = await this.providerRef(tenantId, submit.answer === 'cannotAddProducts' ? submit.provider : undefined);
        const result = await this.customers.answer(tenantId, actor, submit.domain, submit.answer, provider, submit.rev);
        if (!result.ok) {
          await ctx.sendActivity(t(result.error.code === 'stale' ? 'customers.stale' : 'customers.notFound'));
          return this.loop(step, { ...o, stage: 'classify', domain: result.error.code === 'stale' ? submit.domain : undefined });
        }
        const c = result.customer;
        const skipped = submit.answer === 'notSure' ? [...new Set([...(o.skipped ?? []), c.domain])] : (o.skipped ?? []).filter((d) => d !== c.domain);
        await ctx.sendActivity(
          submit.answer === 'notSure'
            ? t('customers.classified.later', { name: c.name })
            : t(`customers.classified.${c.class}`, { name: c.name, provider: c.provider?.name ?? '' }),
        );
        return this.loop(step, { stage: 'classify', skipped });
      }
      default:
        return step.endDialog(REROUTE);
    }
  }

  // ---- rendering -------------------------------------------------------------------------

  protected override async render(step: Step, o: CustomerOptions): Promise<void> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    const tenantId = info.tenantId!;
    switch (o.stage) {
      case 'add':
        await this.send(ctx, addCard(t));
        return;
      case 'import':
        await this.send(ctx, importCard(t));
        return;
      case 'list': {
        const record = await this.customers.synced(tenantId);
        const filter = o.filter ?? 'all';
        const list = listCustomers(record, filter, o.page ?? 0, PAGE_SIZE);
        const page = Math.min(o.page ?? 0, Math.max(0, list.pages - 1));
        const hasProvider = (await this.invitations.relationships.get(tenantId)).indirectProviders.length > 0;
        await this.send(ctx, listCard(t, list, filter, page, await this.customers.invitationsOf(tenantId), info.now, hasProvider));
        return;
      }
      case 'classify': {
        const record = await this.customers.synced(tenantId);
        const skipped = new Set(o.skipped ?? []);
        const unknown = record.customers.filter((c) => c.class === 'unknown' && !skipped.has(c.domain));
        const customer = o.domain ? record.customers.find((c) => c.domain === o.domain) : unknown[0];
        if (!customer) {
          await ctx.sendActivity(t(record.customers.some((c) => c.class === 'unknown') ? 'customers.question.onlySkipped' : 'customers.question.noneLeft'));
          await this.send(ctx, summaryCard(t, record, this.customers.exportUrl(tenantId)));
          this.setOptions(step, { stage: 'summary', ...(o.skipped ? { skipped: o.skipped } : {}) });
          return;
        }
        const providers = (await this.invitations.relationships.get(tenantId)).indirectProviders;
        await this.send(ctx, questionCard(t, customer, providers, record.revision, customer.class === 'unknown' ? unknown.length : 1));
        this.setOptions(step, { ...o, domain: customer.domain });
        return;
      }
      case 'summary':
      default: {
        const record = await this.customers.synced(tenantId);
        await this.send(ctx, summaryCard(t, record, this.customers.exportUrl(tenantId)));
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Imports CSV text and reports; a whole-file problem shows the import form again with the reason. */
  private async importText(step: Step, text: string, o: CustomerOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t, tenantId, actor } = turnInfo(ctx);
    const result = await this.customers.importCsv(tenantId!, actor, text);
    if (!result.ok) {
      const why = 'problem' in result ? t(`customers.import.problem.${result.problem}`, { detail: result.detail ?? '' }) : t('customers.tooMany', { limit: result.tooMany });
      await this.send(ctx, importCard(t, [why]));
      return this.loop(step, { ...o, stage: 'import', render: false });
    }
    await this.send(ctx, importReportCard(t, result.report));
    return this.loop(step, { ...o, stage: 'summary', render: false });
  }

  /** Imports every CSV file attached to this turn's message; true when there was one. */
  private async importAttachments(step: Step): Promise<boolean> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    const sources = (ctx.activity.attachments ?? []).map(csvSource).filter((s): s is string => s !== undefined);
    if (sources.length === 0) return false;
    for (const source of sources) {
      const read = await readCsv(source);
      if (!read.ok) {
        await this.send(ctx, importCard(t, [t(`customers.import.read.${read.problem}`)]));
        continue;
      }
      const result = await this.customers.importCsv(turnInfo(ctx).tenantId!, turnInfo(ctx).actor, read.text);
      if (!result.ok) {
        const why = 'problem' in result ? t(`customers.import.problem.${result.problem}`, { detail: result.detail ?? '' }) : t('customers.tooMany', { limit: result.tooMany });
        await this.send(ctx, importCard(t, [why]));
        continue;
      }
      await this.send(ctx, importReportCard(t, result.report));
    }
    return true;
  }

  /** The provider a "No, those options are missing" answer names: one of the tenant's indirect providers, or none. */
  private async providerRef(tenantId: string, choice: string | undefined): Promise<CustomerProviderRef | undefined> {
    if (!choice?.startsWith('tenant:')) return undefined;
    const id = choice.slice('tenant:'.length);
    const link = (await this.invitations.relationships.get(tenantId)).indirectProviders.find((p) => p.tenantId === id);
    return link ? { tenantId: link.tenantId, name: link.name } : undefined;
  }

  private async sendExport(ctx: TurnContext): Promise<void> {
    const { t, tenantId } = turnInfo(ctx);
    await ctx.sendActivity(t('customers.export.link', { url: this.customers.exportUrl(tenantId!) }));
  }

  private async send(ctx: TurnContext, card: Attachment): Promise<void> {
    await ctx.sendActivity(MessageFactory.attachment(card));
  }
}
