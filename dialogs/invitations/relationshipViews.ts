/**
 * The relationships card (indirect providers and resellers), moving a direct bill customer to the
 * provider, a provider's follow-ups for a reseller, and the refusal of a second partnership request.
 * Pure presentation (`invitations.*` locale keys).
 */
import type { Attachment } from 'botbuilder';
import { markdownLiteral } from '../../cards/markdown.js';
import type { FollowUpType, PartnerLink, RelationshipsRecord } from '../../src/domain/relationships.js';
import type { Translator } from '../../src/i18n/index.js';
import { command, entryCard, infoCard, submit, type EntryField } from '../cardKit.js';
import { partyLine } from './views.js';

/**
 * A partnership request to a reseller that is already the provider's indirect reseller: says so
 * (since when) and offers the existing relationship and its follow-ups instead of a second request.
 */
export function alreadyPartnerCard(t: Translator, reseller: PartnerLink): Attachment {
  const name = markdownLiteral(reseller.name);
  return infoCard({
    title: t('invitations.alreadyPartner.title', { reseller: name }),
    paragraphs: [
      t('invitations.alreadyPartner.body', { reseller: name, date: t.shortDate(reseller.since) }),
      t('invitations.alreadyPartner.instead', { reseller: name }),
    ],
    actions: [
      submit(t('invitations.actions.relationships'), 'invitations.relationships', {}, 'positive'),
      submit(t('invitations.alreadyPartner.followUp'), 'invitations.followUp', { type: 'newCustomer' }),
      submit(t('invitations.actions.hub'), 'invitations.hub'),
    ],
  });
}

/** The tenant's partnerships and customers. */
export function relationshipsCard(t: Translator, rel: RelationshipsRecord): Attachment {
  const side = rel.organization?.side ?? 'reseller';
  const partners = side === 'reseller' ? rel.indirectProviders : rel.indirectResellers;
  const lines = [`**${t(`invitations.relationships.partners.${side}`)}**`];
  if (partners.length === 0) lines.push(t(`invitations.relationships.noPartners.${side}`));
  for (const p of partners) lines.push(`• ${partyLine(t, p)}: ${t('invitations.relationships.since', { date: t.shortDate(p.since) })}`);
  lines.push(`**${t('invitations.relationships.customersTitle', { count: rel.customers.length })}**`);
  if (rel.customers.length === 0) lines.push(t('invitations.relationships.noCustomers'));
  for (const c of rel.customers.slice(0, 20)) {
    const via =
      side === 'reseller'
        ? c.provider
          ? t('invitations.relationships.withProvider', { provider: c.provider.name })
          : t('invitations.relationships.resellerOnly')
        : t('invitations.relationships.forReseller', { reseller: c.reseller?.name ?? '' });
    const moved = c.movedFromDirectBill ? ` ${t('invitations.relationships.moved')}` : '';
    lines.push(`• ${c.name} (${c.domain}): ${via}${moved}`);
  }
  if (rel.customers.length > 20) lines.push(t('invitations.relationships.more', { count: rel.customers.length - 20 }));
  return infoCard({
    title: t('invitations.relationships.title'),
    paragraphs: [t(`invitations.relationships.intro.${side}`)],
    lines,
    actions: [submit(t('invitations.actions.list'), 'invitations.list', { filter: 'all' }), submit(t('invitations.actions.hub'), 'invitations.hub')],
  });
}

/** Moving a direct bill customer: what changes, the caveats, and the button to write the invitation. */
export function moveCard(t: Translator, providers: PartnerLink[]): Attachment {
  const provider = providers[0]?.name;
  return infoCard({
    title: t('invitations.move.title'),
    paragraphs: [t('invitations.move.body')],
    bulletsTitle: t('invitations.move.changesTitle'),
    bullets: [t('invitations.move.changeOrders'), t('invitations.move.changeManage'), t('invitations.move.changeUntil')],
    lines: [t('invitations.move.caveatsTitle'), `• ${t('invitations.move.caveatStore')}`, `• ${t('invitations.move.caveatGdap')}`],
    note: provider ? { text: t('invitations.move.withProvider', { provider }), style: 'accent' } : { text: t('invitations.move.noProvider'), style: 'warning' },
    actions: provider
      ? [
          submit(t('invitations.move.start'), 'invitations.start', { kind: 'resellerAndProvider', purpose: 'moveDirect' }, 'positive'),
          submit(t('invitations.actions.hub'), 'invitations.hub'),
        ]
      : [
          submit(t('invitations.actions.have'), 'invitations.have', {}, 'positive'),
          command(t('invitations.move.findProvider'), 'menu'),
          submit(t('invitations.actions.hub'), 'invitations.hub'),
        ],
  });
}

/** The follow-up form's fields: the reseller, the customer, and the new customer's domain or the subscription. */
function followUpFields(t: Translator, type: FollowUpType, resellers: PartnerLink[], values: Record<string, string>): EntryField[] {
  const required = { isRequired: true, errorMessage: t('invitations.validation.required') };
  const text = (id: 'customer' | 'domain' | 'subscription', maxLength: number, placeholder?: string): EntryField => ({
    kind: 'text',
    id,
    label: t(`invitations.fields.${id}`),
    value: values[id] ?? '',
    ...(placeholder ? { placeholder } : {}),
    maxLength,
    ...required,
  });
  return [
    {
      kind: 'choice',
      id: 'resellerTenantId',
      label: t('invitations.fields.reseller'),
      value: values.resellerTenantId ?? resellers[0]?.tenantId ?? '',
      ...required,
      choices: resellers.map((r) => ({ title: partyLine(t, r), value: r.tenantId })),
    },
    text('customer', 200),
    type === 'newCustomer' ? text('domain', 253, t('invitations.compose.domainPlaceholder')) : text('subscription', 200),
  ];
}

/** A provider's follow-up for a reseller: the Partner Center steps, then what to record. */
export function followUpCard(
  t: Translator,
  type: FollowUpType,
  resellers: PartnerLink[],
  rev: number,
  values: Record<string, string> = {},
  errors: string[] = [],
): Attachment {
  return entryCard({
    title: t(`invitations.followUp.${type}.title`),
    paragraphs: [t(`invitations.followUp.${type}.body`)],
    bulletsTitle: t('invitations.followUp.stepsTitle'),
    bullets: t.list(`invitations.followUp.${type}.steps`),
    errors,
    errorIntro: t('invitations.fixThese'),
    fields: followUpFields(t, type, resellers, values),
    note: { text: t(`invitations.followUp.${type}.note`), style: type === 'newCustomer' ? 'warning' : 'accent' },
    footer: t('invitations.followUp.footer'),
    actions: [
      submit(t('invitations.followUp.record'), 'invitations.followUp.submit', { type, rev }, 'positive'),
      submit(t('invitations.actions.hub'), 'invitations.hub'),
    ],
  });
}

/** When a provider has no indirect reseller yet, follow-ups can't be recorded: say what comes first. */
export function noResellersCard(t: Translator): Attachment {
  return infoCard({
    title: t('invitations.followUp.noResellersTitle'),
    paragraphs: [t('invitations.followUp.noResellers')],
    actions: [
      submit(t('invitations.actions.requestPartnership'), 'invitations.start', { kind: 'partnership', purpose: 'new' }, 'positive'),
      submit(t('invitations.actions.hub'), 'invitations.hub'),
    ],
  });
}
