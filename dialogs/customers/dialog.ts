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
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { markdownLiteral } from '../../cards/markdown.js';
import { csvSource, readCsv } from '../../src/customers/csvAttachment.js';
import type { CustomerService } from '../../src/customers/customerService.js';
import { listCustomers, type CustomerClass, type CustomerProviderRef } from '../../src/domain/customers.js';
import type { InvitationService } from '../../src/invitations/invitationService.js';
import type { PartnerCenterRefresh } from '../../src/customers/partnerCenterRefresh.js';
import type { PartnerCenterToken } from '../../src/partnerCenter/connection.js';
import type { HandlerMap, JourneyRouter, MenuEntry } from '../journey.js';
import { LoopDialog, type JourneyTurn, type LoopOptions } from '../loopDialog.js';
import { connectedFailureText } from '../signIn.js';
import { matches } from '../recognizer.js';
import type { CustomerSubmit } from './submits.js';
import { looksLikeCsv } from './triggers.js';
import { addCard, customerFieldErrors, importCard, importReportCard, listCard, PAGE_SIZE, questionCard, rulesCard, summaryCard } from './views.js';

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

type Turn = JourneyTurn<CustomerOptions>;
type Submit<V extends CustomerSubmit['verb']> = Extract<CustomerSubmit, { verb: V }>;

/** The customer classification journey. */
export class CustomerDialog extends LoopDialog<CustomerOptions, CustomerSubmit> {
  protected readonly helpKey = 'customers.help';

  constructor(
    private readonly customers: CustomerService,
    private readonly invitations: InvitationService,
    menu: readonly MenuEntry<CustomerOptions>[],
    router: JourneyRouter,
    private readonly refresh?: PartnerCenterRefresh,
  ) {
    super(CUSTOMER_DIALOG, 'customers', menu, router);
  }

  protected home(): CustomerOptions {
    return { stage: 'summary' };
  }

  protected override async onText(turn: Turn, text: string): Promise<DialogTurnResult> {
    const { t } = turn;
    if (await this.importAttachments(turn)) return turn.stay({ stage: 'summary' });
    if (looksLikeCsv(text)) return this.importText(turn, text);
    if (matches(t, 'commands.customers', text)) return turn.loop({ stage: 'summary' });
    if (matches(t, 'commands.addCustomer', text)) return turn.loop({ stage: 'add' });
    if (matches(t, 'commands.importCustomers', text)) return turn.loop({ stage: 'import' });
    if (matches(t, 'commands.exportCustomers', text)) {
      await this.sendExport(turn);
      return turn.stay();
    }
    await turn.say(t(turn.options.stage === 'import' ? 'customers.import.notCsv' : 'errors.notUnderstood'));
    return turn.stay();
  }

  protected readonly handlers: HandlerMap<CustomerSubmit, Turn> = {
    'customers.summary': (turn) => turn.loop({ stage: 'summary', ...(turn.options.skipped ? { skipped: turn.options.skipped } : {}) }),
    'customers.rules': async (turn) => {
      await turn.send(rulesCard(turn.t));
      return turn.stay();
    },
    'customers.list': (turn, s) => turn.loop({ ...turn.options, stage: 'list', filter: s.filter, page: s.page ?? 0 }),
    'customers.add.open': (turn) => turn.loop({ ...turn.options, stage: 'add' }),
    'customers.add': (turn, s) => this.add(turn, s),
    'customers.import.open': (turn) => turn.loop({ ...turn.options, stage: 'import' }),
    'customers.import': async (turn, s) => {
      if (await this.importAttachments(turn)) return turn.stay({ stage: 'summary' });
      const text = s.csv ?? '';
      if (text.trim()) return this.importText(turn, text);
      await turn.send(importCard(turn.t, [turn.t('customers.import.problem.empty')]));
      return turn.stay({ stage: 'import' });
    },
    'customers.classifyNext': (turn) => turn.loop({ ...turn.options, stage: 'classify', domain: undefined }),
    'customers.partnerCenter.refresh': async (turn) => {
      await this.sendSummary(turn, true);
      return turn.stay({ stage: 'summary' });
    },
    'customers.classify': (turn, s) => turn.loop({ ...turn.options, stage: 'classify', domain: s.domain }),
    'customers.answer': (turn, s) => this.answerQuestion(turn, s),
  };

  private async add(turn: Turn, s: Submit<'customers.add'>): Promise<DialogTurnResult> {
    const { t } = turn;
    const values = { name: s.name ?? '', domain: s.domain ?? '', tenantId: s.tenantId ?? '' };
    const added = await this.customers.add(turn.tenantId, turn.actor, values);
    if (!added.ok) {
      const errors = 'errors' in added ? customerFieldErrors(t, added.errors) : [t('customers.tooMany', { limit: added.tooMany })];
      await turn.send(addCard(t, values, errors));
      return turn.stay({ stage: 'add' });
    }
    const c = added.customer;
    await turn.say(t(added.existed ? 'customers.add.updated' : 'customers.add.added', { name: markdownLiteral(c.name), domain: markdownLiteral(c.domain) }));
    if (c.class === 'unknown') return turn.loop({ ...turn.options, stage: 'classify', domain: c.domain });
    await turn.say(t('customers.classified.fromRelationship', { name: c.name, label: t(`customers.class.${c.class}`), provider: c.provider?.name ?? '' }));
    return turn.loop({ ...turn.options, stage: 'summary' });
  }

  private async answerQuestion(turn: Turn, s: Submit<'customers.answer'>): Promise<DialogTurnResult> {
    const { t, tenantId } = turn;
    const o = turn.options;
    const provider = await this.providerRef(tenantId, s.answer === 'cannotAddProducts' ? s.provider : undefined);
    const result = await this.customers.answer(tenantId, turn.actor, s.domain, s.answer, provider, s.rev);
    if (!result.ok) {
      await turn.say(t(result.error.code === 'stale' ? 'customers.stale' : 'customers.notFound'));
      return turn.loop({ ...o, stage: 'classify', domain: result.error.code === 'stale' ? s.domain : undefined });
    }
    const c = result.customer;
    const skipped = s.answer === 'notSure' ? [...new Set([...(o.skipped ?? []), c.domain])] : (o.skipped ?? []).filter((d) => d !== c.domain);
    await turn.say(
      s.answer === 'notSure'
        ? t('customers.classified.later', { name: c.name })
        : t(`customers.classified.${c.class}`, { name: c.name, provider: c.provider?.name ?? '' }),
    );
    return turn.loop({ stage: 'classify', skipped });
  }

  protected override async render(turn: Turn, o: CustomerOptions): Promise<void> {
    const { t, tenantId } = turn;
    switch (o.stage) {
      case 'add':
        await turn.send(addCard(t));
        return;
      case 'import':
        await turn.send(importCard(t));
        return;
      case 'list': {
        const record = await this.customers.synced(tenantId);
        const filter = o.filter ?? 'all';
        const list = listCustomers(record, filter, o.page ?? 0, PAGE_SIZE);
        const page = Math.min(o.page ?? 0, Math.max(0, list.pages - 1));
        const hasProvider = (await this.invitations.relationships.get(tenantId)).indirectProviders.length > 0;
        await turn.send(listCard(t, list, filter, page, await this.customers.invitationsOf(tenantId), turn.now, hasProvider));
        return;
      }
      case 'classify':
        await this.renderQuestion(turn, o);
        return;
      case 'summary':
      default:
        await this.sendSummary(turn, false);
    }
  }

  /**
   * The summary card. Connected: Partner Center is read first when the last read is old (or
   * `force`), the counts of the read are said, and a failed read is explained before the card,
   * which then shows what the assistant had.
   */
  private async sendSummary(turn: Turn, force: boolean): Promise<void> {
    const { t, tenantId } = turn;
    const mode = this.customers.partnerCenterMode;
    let record;
    try {
      const token = await this.partnerCenterToken(turn, force);
      const synced = token === 'signIn' ? { record: await this.customers.synced(tenantId) } : await this.customers.connectedSynced(tenantId, force, token);
      record = synced.record;
      if ('report' in synced && synced.report) {
        const r = synced.report;
        // read as this user: the background reads go on as them (their token stays with the token service)
        if (token) await this.refresh?.remember(tenantId, { userId: turn.activity.from.id, channelId: turn.activity.channelId });
        await turn.say(t('customers.partnerCenter.read', { total: r.customers, direct: r.directBill, indirect: r.indirectReseller }));
      }
    } catch (err) {
      const failure = connectedFailureText(t, err);
      if (failure === undefined) throw err;
      await turn.say(`${failure} ${t('customers.partnerCenter.notRead')}`);
      record = await this.customers.synced(tenantId);
    }
    await turn.send(summaryCard(t, record, this.customers.exportUrl(tenantId), mode ? { mode } : undefined));
  }

  /**
   * How this turn reads Partner Center: with connected identity, as the signed-in user (a Partner
   * Center token minted on their behalf); `signIn` when a read is due but the user is not signed in
   * (sign-in is asked for after the card, and the summary is read again once signed in). Without
   * connected identity, undefined (the demo's own token).
   */
  private async partnerCenterToken(turn: Turn, force: boolean): Promise<PartnerCenterToken | 'signIn' | undefined> {
    if (!this.customers.partnerCenterMode) return undefined;
    if (!force && !(await this.customers.partnerCenterStale(turn.tenantId))) return undefined;
    const token = await turn.partnerCenterToken();
    if (token !== 'signIn') return token;
    await turn.say(turn.t('customers.partnerCenter.signIn'));
    turn.requestSignIn();
    return 'signIn';
  }

  /** The identifying question for `o.domain`, else for the next unclassified customer not skipped; the summary when none is left. */
  private async renderQuestion(turn: Turn, o: CustomerOptions): Promise<void> {
    const { t, tenantId } = turn;
    const record = await this.customers.synced(tenantId);
    const skipped = new Set(o.skipped ?? []);
    const unknown = record.customers.filter((c) => c.class === 'unknown' && !skipped.has(c.domain));
    const customer = o.domain ? record.customers.find((c) => c.domain === o.domain) : unknown[0];
    if (!customer) {
      await turn.say(t(record.customers.some((c) => c.class === 'unknown') ? 'customers.question.onlySkipped' : 'customers.question.noneLeft'));
      const mode = this.customers.partnerCenterMode;
      await turn.send(summaryCard(t, record, this.customers.exportUrl(tenantId), mode ? { mode } : undefined));
      turn.options = { stage: 'summary', ...(o.skipped ? { skipped: o.skipped } : {}) };
      return;
    }
    const providers = (await this.invitations.relationships.get(tenantId)).indirectProviders;
    await turn.send(questionCard(t, customer, providers, record.revision, customer.class === 'unknown' ? unknown.length : 1));
    turn.options = { ...o, domain: customer.domain };
  }

  /** Imports CSV text and reports; a whole-file problem shows the import form again with the reason. */
  private async importText(turn: Turn, text: string): Promise<DialogTurnResult> {
    return turn.stay({ stage: (await this.importAndReport(turn, text)) ? 'summary' : 'import' });
  }

  /**
   * Imports one CSV text and sends the import report, or the import form with the reason the whole
   * file was refused (a file problem, or too many customers).
   * @returns true when the file was imported.
   */
  private async importAndReport(turn: Turn, text: string): Promise<boolean> {
    const { t } = turn;
    const result = await this.customers.importCsv(turn.tenantId, turn.actor, text);
    if (result.ok) {
      await turn.send(importReportCard(t, result.report));
      return true;
    }
    const why =
      'problem' in result
        ? t(`customers.import.problem.${result.problem}`, { detail: result.detail ?? '' })
        : t('customers.tooMany', { limit: result.tooMany });
    await turn.send(importCard(t, [why]));
    return false;
  }

  /** Imports every CSV file attached to this turn's message; true when there was one. */
  private async importAttachments(turn: Turn): Promise<boolean> {
    const { t } = turn;
    const sources = (turn.activity.attachments ?? []).map(csvSource).filter((s): s is string => s !== undefined);
    if (sources.length === 0) return false;
    for (const source of sources) {
      const read = await readCsv(source);
      if (read.ok) await this.importAndReport(turn, read.text);
      else await turn.send(importCard(t, [t(`customers.import.read.${read.problem}`)]));
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

  private async sendExport(turn: Turn): Promise<void> {
    await turn.say(turn.t('customers.export.link', { url: this.customers.exportUrl(turn.tenantId) }));
  }
}
