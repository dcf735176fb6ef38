/**
 * Cards of the customer classification journey: the summary (counts and a bar per class, what to
 * do next), what each class allows, a filtered list with each direct bill customer's move status,
 * the add and import forms, the import report and the identifying question. Pure presentation;
 * every word from the locale file (`customers.*`).
 */
import { markdownLiteral } from '../../cards/markdown.js';
import type { Attachment } from 'botbuilder';
import { renderCard } from '../../cards/render.js';
import {
  CLASS_RULES,
  CUSTOMER_CLASSES,
  moveStatus,
  summarizeCustomers,
  type Customer,
  type CustomerClass,
  type CustomerFieldError,
  type CsvRowError,
  type CustomerRecord,
} from '../../src/domain/customers.js';
import type { Invitation } from '../../src/domain/invitations.js';
import type { PartnerLink } from '../../src/domain/relationships.js';
import type { Translator } from '../../src/i18n/index.js';
import type { ImportReport } from '../../src/customers/customerService.js';
import { entryCard, infoCard, link, submit, type Action, type SubmitAction } from '../cardKit.js';

/** Customers one list card shows. */
export const PAGE_SIZE = 8;
/** Import errors shown on the report card (the rest are counted). */
export const ERRORS_SHOWN = 10;

const BAR_STYLE: Record<CustomerClass, 'accent' | 'good' | 'warning'> = { directBill: 'accent', indirectReseller: 'good', unknown: 'warning' };

/** Localized field errors of the add form ("Primary domain: …"). */
export function customerFieldErrors(t: Translator, errors: CustomerFieldError[]): string[] {
  return errors.map((e) => `${t(`customers.fields.${e.field}`)}: ${t(`customers.validation.${e.code}`)}`);
}

/** One import error as a line: "Line 4, primary domain: … (“contoso”)". */
export function rowErrorText(t: Translator, e: CsvRowError): string {
  const where = e.field
    ? t('customers.import.lineField', { line: e.line, field: t(`customers.fields.${e.field}`) })
    : t('customers.import.line', { line: e.line });
  const what = e.code === 'duplicateInFile' ? t('customers.import.duplicateInFile', { firstLine: e.firstLine ?? '?' }) : t(`customers.validation.${e.code}`);
  return `${where}: ${what}${e.value ? ` (“${e.value}”)` : ''}`;
}

/** Connected mode on the summary: which mode (`fake`: demo data, said on the card). */
export interface SummaryConnection {
  mode: 'fake' | 'live';
}

/**
 * The summary: counts and a bar per class, the providers, what to do next, filters, export. In
 * connected mode, when Partner Center was read and a button to read it again; in the demo
 * (`fake`), that the customers are demo data.
 */
export function summaryCard(t: Translator, record: CustomerRecord, exportUrl: string, connection?: SummaryConnection): Attachment {
  const s = summarizeCustomers(record);
  const bars = CUSTOMER_CLASSES.map((cls) => {
    const count = s.counts[cls];
    const filled = s.total === 0 ? 0 : Math.max(count > 0 ? 1 : 0, Math.round((count / s.total) * 100));
    return {
      label: t(`customers.class.${cls}`),
      countText: t('customers.summary.count', { count, percent: s.total === 0 ? 0 : Math.round((count / s.total) * 100) }),
      style: BAR_STYLE[cls],
      filled,
      empty: s.total === 0 ? 100 : Math.max(0, 100 - filled),
    };
  });
  const lines = s.byProvider.map((p) => t('customers.summary.provider', { name: p.name || t('customers.summary.providerUnknown'), count: p.count }));
  const note =
    s.total === 0
      ? { text: t('customers.summary.empty'), style: 'accent' }
      : s.counts.unknown > 0
        ? { text: t('customers.summary.unknownNote', { count: s.counts.unknown }), style: 'warning' }
        : s.counts.directBill > 0
          ? { text: t('customers.summary.directNote', { count: s.counts.directBill }), style: 'accent' }
          : { text: t('customers.summary.allIndirect'), style: 'good' };
  const filters: SubmitAction[] = CUSTOMER_CLASSES.map((cls) =>
    submit(t('customers.summary.filter', { label: t(`customers.class.${cls}`), count: s.counts[cls] }), 'customers.list', { filter: cls, page: 0 }),
  );
  const actions: Action[] = [
    ...(connection ? [submit(t('customers.partnerCenter.refresh'), 'customers.partnerCenter.refresh')] : []),
    ...(s.counts.unknown > 0 ? [submit(t('customers.actions.classify', { count: s.counts.unknown }), 'customers.classifyNext', {}, 'positive')] : []),
    submit(t('customers.actions.add'), 'customers.add.open'),
    submit(t('customers.actions.import'), 'customers.import.open'),
    ...(s.total > 0 ? [link(t('customers.actions.export'), exportUrl)] : []),
    submit(t('customers.actions.rules'), 'customers.rules'),
  ];
  return renderCard('summary', {
    title: t('customers.summary.title'),
    paragraphs: [
      t('customers.summary.intro', { count: s.total }),
      ...(connection && record.partnerCenter ? [t('customers.partnerCenter.verified', { when: t.shortDateTime(record.partnerCenter.readAt) })] : []),
      ...(connection?.mode === 'fake' ? [t('customers.partnerCenter.demo')] : []),
    ],
    bars,
    lines,
    note,
    actionRows: [{ actions: filters }],
    footer: s.total > 0 ? t('customers.summary.exportNote') : '',
    actions,
  });
}

/** What each class allows, and how to tell them apart (transition seed). */
export function rulesCard(t: Translator): Attachment {
  const r = CLASS_RULES;
  return infoCard({
    title: t('customers.rules.title'),
    paragraphs: [t('customers.rules.intro')],
    lines: [
      `**${t('customers.class.directBill')}**`,
      ...r.directBill.youCan.map((id) => `✓ ${t(`customers.rules.item.${id}`)}`),
      `**${t('customers.class.indirectReseller')}**`,
      ...r.indirectReseller.providerDoes.map((id) => `→ ${t(`customers.rules.item.${id}`)}`),
      ...r.indirectReseller.youCan.map((id) => `✓ ${t(`customers.rules.item.${id}`)}`),
      ...r.indirectReseller.youCannot.map((id) => `✗ ${t(`customers.rules.item.${id}`)}`),
    ],
    note: { title: t('customers.rules.identifyTitle'), text: t('customers.rules.identify'), style: 'emphasis' },
    actions: [submit(t('customers.actions.summary'), 'customers.summary')],
  });
}

function moveText(t: Translator, c: Customer, invitations: Invitation[], now: Date): string {
  const { state, invitation } = moveStatus(c, invitations, now);
  return t(`customers.move.${state}`, { date: invitation ? t.shortDate(invitation.resent?.at ?? invitation.created.at) : '' });
}

/** One page of customers of a class (or all), each with its class, provider or move status, and what can be done. */
export function listCard(
  t: Translator,
  page: { items: Customer[]; total: number; pages: number },
  filter: CustomerClass | 'all',
  pageIndex: number,
  invitations: Invitation[],
  now: Date,
  hasProvider: boolean,
): Attachment {
  const lines: string[] = [];
  const rows: Array<{ actions: SubmitAction[] }> = [];
  page.items.forEach((c, index) => {
    const n = pageIndex * PAGE_SIZE + index + 1;
    let detail = t(`customers.class.${c.class}`);
    if (c.class === 'indirectReseller') detail += c.provider?.name ? ` · ${t('customers.list.with', { provider: c.provider.name })}` : '';
    if (c.class === 'directBill' || c.basis === 'moved') detail += ` · ${moveText(t, c, invitations, now)}`;
    if (c.basis) detail += ` · ${t(`customers.basis.${c.basis}`)}`;
    lines.push(`**${n}. ${markdownLiteral(c.name)}** (${markdownLiteral(c.domain)}): ${detail}`);
    const actions: SubmitAction[] = [];
    if (c.class === 'unknown') actions.push(submit(t('customers.list.classify', { n }), 'customers.classify', { domain: c.domain }, 'positive'));
    if (c.class === 'directBill') {
      const state = moveStatus(c, invitations, now).state;
      if (state !== 'moved' && state !== 'invited' && hasProvider) {
        actions.push(
          submit(
            t('customers.list.move', { n }),
            'invitations.start',
            { kind: 'resellerAndProvider', purpose: 'moveDirect', company: c.name, domain: c.domain },
            'positive',
          ),
        );
      }
    }
    if (c.class !== 'unknown') actions.push(submit(t('customers.list.reclassify', { n }), 'customers.classify', { domain: c.domain }));
    rows.push({ actions });
  });
  const label = filter === 'all' ? t('customers.list.all') : t(`customers.class.${filter}`);
  const nav: Action[] = [];
  if (pageIndex > 0) nav.push(submit(t('customers.list.previous'), 'customers.list', { filter, page: pageIndex - 1 }));
  if (pageIndex + 1 < page.pages) nav.push(submit(t('customers.list.next'), 'customers.list', { filter, page: pageIndex + 1 }));
  return infoCard({
    title: t('customers.list.title', { label }),
    paragraphs: [
      page.total === 0
        ? t('customers.list.empty', { label })
        : t('customers.list.showing', { from: pageIndex * PAGE_SIZE + 1, to: pageIndex * PAGE_SIZE + page.items.length, count: page.total }),
    ],
    lines,
    ...(filter === 'directBill' && page.total > 0
      ? { note: { text: t(hasProvider ? 'customers.list.moveNote' : 'customers.list.moveNoProvider'), style: 'accent' as const } }
      : {}),
    actionRows: rows,
    actions: [...nav, submit(t('customers.actions.summary'), 'customers.summary')],
  });
}

/** The add-a-customer form. */
export function addCard(t: Translator, values: Partial<Record<'name' | 'domain' | 'tenantId', string>> = {}, errors: string[] = []): Attachment {
  const required = t('customers.validation.required');
  return entryCard({
    title: t('customers.add.title'),
    paragraphs: [t('customers.add.body')],
    errors,
    errorIntro: t('invitations.fixThese'),
    fields: [
      { kind: 'text', id: 'name', label: t('customers.fields.name'), value: values.name ?? '', maxLength: 200, isRequired: true, errorMessage: required },
      {
        kind: 'text',
        id: 'domain',
        label: t('customers.fields.domain'),
        value: values.domain ?? '',
        placeholder: 'fabrikam.onmicrosoft.com',
        maxLength: 253,
        isRequired: true,
        errorMessage: required,
      },
      {
        kind: 'text',
        id: 'tenantId',
        label: t('customers.fields.tenantIdOptional'),
        value: values.tenantId ?? '',
        placeholder: '00000000-0000-0000-0000-000000000000',
        maxLength: 36,
        hint: t('customers.add.tenantIdHint'),
      },
    ],
    actions: [submit(t('customers.add.submit'), 'customers.add', {}, 'positive'), submit(t('customers.actions.summary'), 'customers.summary')],
  });
}

/** The import form: paste CSV, or attach a .csv file to a message. */
export function importCard(t: Translator, errors: string[] = []): Attachment {
  return entryCard({
    title: t('customers.import.title'),
    paragraphs: [t('customers.import.body')],
    bullets: [t('customers.import.columns'), t('customers.import.attach'), t('customers.import.again')],
    errors,
    errorIntro: t('customers.import.problemIntro'),
    fields: [
      {
        kind: 'text',
        id: 'csv',
        label: t('customers.import.label'),
        placeholder: 'Customer name,Primary domain,Tenant ID',
        isMultiline: true,
        maxLength: 100_000,
      },
    ],
    actions: [submit(t('customers.import.submit'), 'customers.import', {}, 'positive'), submit(t('customers.actions.summary'), 'customers.summary')],
  });
}

/** What an import did: counts, rows to fix (by line and field), and what comes next. */
export function importReportCard(t: Translator, report: ImportReport): Attachment {
  const errors = report.errors.slice(0, ERRORS_SHOWN).map((e) => rowErrorText(t, e));
  if (report.errors.length > ERRORS_SHOWN) errors.push(t('customers.import.moreErrors', { count: report.errors.length - ERRORS_SHOWN }));
  return infoCard({
    title: t('customers.import.reportTitle'),
    paragraphs: [t('customers.import.counts', { added: report.added, updated: report.updated, unchanged: report.unchanged })],
    ...(report.classified > 0 ? { bullets: [t('customers.import.classified', { count: report.classified })] } : {}),
    lines: errors.length > 0 ? [`**${t('customers.import.errorsTitle', { count: report.errors.length })}**`, ...errors.map((e) => `• ${e}`)] : [],
    note:
      report.unknown > 0
        ? { text: t('customers.summary.unknownNote', { count: report.unknown }), style: 'warning' }
        : { text: t('customers.import.allKnown'), style: 'good' },
    actions: [
      ...(report.unknown > 0 ? [submit(t('customers.actions.classify', { count: report.unknown }), 'customers.classifyNext', {}, 'positive')] : []),
      submit(t('customers.actions.summary'), 'customers.summary'),
      ...(report.errors.length > 0 ? [submit(t('customers.import.fixAndRetry'), 'customers.import.open')] : []),
    ],
  });
}

/** The identifying question for one customer (transition seed, "To identify customers that you acquired as a direct bill partner"). */
export function questionCard(t: Translator, c: Customer, providers: PartnerLink[], rev: number, remaining: number): Attachment {
  const choices = [
    ...providers.map((p) => ({ title: p.name, value: `tenant:${p.tenantId}` })),
    { title: t('customers.question.providerUnknown'), value: 'unknown' },
  ];
  return entryCard({
    title: t('customers.question.title', { name: c.name }),
    paragraphs: [t('customers.question.body', { name: markdownLiteral(c.name), domain: markdownLiteral(c.domain) }), t('customers.question.ask')],
    bullets: [t('customers.question.yesMeans'), t('customers.question.noMeans')],
    fields: [
      {
        kind: 'choice',
        id: 'provider',
        label: t('customers.question.providerLabel'),
        value: providers.length === 1 ? `tenant:${providers[0]!.tenantId}` : 'unknown',
        choices,
      },
    ],
    ...(c.class !== 'unknown'
      ? { note: { text: t('customers.question.current', { label: t(`customers.class.${c.class}`) }), style: 'emphasis' as const } }
      : {}),
    footer: remaining > 1 ? t('customers.question.remaining', { count: remaining - 1 }) : '',
    actions: [
      submit(t('customers.question.yes'), 'customers.answer', { rev, domain: c.domain, answer: 'canAddProducts' }),
      submit(t('customers.question.no'), 'customers.answer', { rev, domain: c.domain, answer: 'cannotAddProducts' }),
      submit(t('customers.question.notSure'), 'customers.answer', { rev, domain: c.domain, answer: 'notSure' }),
      submit(t('customers.actions.summary'), 'customers.summary'),
    ],
  });
}
