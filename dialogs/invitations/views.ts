/**
 * Cards of the invitations and relationships journey: the hub, the organization and role
 * questions, the invitation form, the email draft, pasting a received link, reviewing a
 * partnership request, the invitations list, relationships, moving a direct bill customer and a
 * provider's follow-ups. Pure presentation; every word from the locale file (`invitations.*`).
 */
import type { Attachment } from 'botbuilder';
import {
  INVITATION_STATES,
  PENDING_REMINDER_DAYS,
  summarizeInvitations,
  type Invitation,
  type InvitationFieldError,
  type InvitationKind,
  type InvitationPurpose,
  type InvitationRecord,
} from '../../src/domain/invitations.js';
import {
  ORGANIZATION_SIDES,
  type Organization,
  type PartnerLink,
  type RelationshipFieldError,
  type RelationshipsRecord,
} from '../../src/domain/relationships.js';
import { PARTNER_ROLES, ROLES_FOR_ACTION, type PartnerRole, type RoleAction } from '../../src/domain/roles.js';
import type { Translator } from '../../src/i18n/index.js';
import { chunk, entryCard, infoCard, link, submit, type Action, type EntryField, type SubmitAction } from '../cardKit.js';

/** Localized field errors ("Work email: enter a valid address"). */
export function fieldErrorTexts(t: Translator, errors: Array<InvitationFieldError | RelationshipFieldError>): string[] {
  return errors.map((e) => `${t(`invitations.fields.${e.field}`)}: ${t(`invitations.validation.${e.code}`)}`);
}

/** A party as the cards name it: "Contoso (PartnerID 1234567)", or the name alone. */
export function partyLine(t: Translator, p: { name: string; partnerId?: string }): string {
  return p.partnerId ? t('invitations.partyWithId', { name: p.name, partnerId: p.partnerId }) : p.name;
}

/** The hub: who the tenant is, its lists in brief, invitations waiting too long, and what it can do. */
export function hubCard(t: Translator, org: Organization, rel: RelationshipsRecord, invitations: InvitationRecord, now: Date): Attachment {
  const { counts, reminders } = summarizeInvitations(invitations, now);
  const countText = INVITATION_STATES.filter((s) => counts[s] > 0)
    .map((s) => t(`invitations.stateCount.${s}`, { count: counts[s] }))
    .join(', ');
  const lines = [
    t('invitations.hub.org', { org: partyLine(t, org), side: t(`invitations.side.${org.side}`) }),
    t('invitations.hub.invitations', { summary: countText || t('invitations.hub.none') }),
  ];
  if (org.side === 'reseller') {
    lines.push(t('invitations.hub.providers', { list: rel.indirectProviders.map((p) => p.name).join(', ') || t('invitations.hub.none') }));
  } else {
    lines.push(t('invitations.hub.resellers', { list: rel.indirectResellers.map((p) => p.name).join(', ') || t('invitations.hub.none') }));
  }
  lines.push(t('invitations.hub.customers', { count: rel.customers.length }));
  const note =
    reminders.length > 0
      ? { text: t('invitations.hub.reminder', { count: reminders.length, days: PENDING_REMINDER_DAYS }), style: 'warning' as const }
      : undefined;
  const actions: Action[] =
    org.side === 'reseller'
      ? [
          submit(t('invitations.actions.have'), 'invitations.have', {}, 'positive'),
          submit(t('invitations.actions.inviteCustomer'), 'invitations.customerKinds'),
          submit(t('invitations.actions.moveDirect'), 'invitations.move'),
          submit(t('invitations.actions.list'), 'invitations.list', { filter: reminders.length > 0 ? 'pending' : 'all' }),
          submit(t('invitations.actions.relationships'), 'invitations.relationships'),
        ]
      : [
          submit(t('invitations.actions.requestPartnership'), 'invitations.start', { kind: 'partnership', purpose: 'new' }, 'positive'),
          submit(t('invitations.actions.list'), 'invitations.list', { filter: reminders.length > 0 ? 'pending' : 'all' }),
          submit(t('invitations.actions.relationships'), 'invitations.relationships'),
        ];
  const rows: Array<{ actions: SubmitAction[] }> = [];
  if (org.side === 'provider') {
    rows.push({
      actions: (['newCustomer', 'partnerIdOnSubscription', 'supportContact'] as const).map((type) =>
        submit(t(`invitations.followUp.${type}.button`), 'invitations.followUp', { type }),
      ),
    });
  }
  rows.push({ actions: [submit(t('invitations.actions.changeOrg'), 'invitations.changeOrg')] });
  return infoCard({
    title: t('invitations.hub.title'),
    paragraphs: [t(`invitations.hub.intro.${org.side}`)],
    lines,
    ...(note ? { note } : {}),
    actionRows: rows,
    actions,
  });
}

/** Who the tenant is: company name, PartnerID (optional) and side; asked once, changeable. */
export function organizationCard(t: Translator, current: { name?: string; partnerId?: string; side?: string }, errors: string[] = []): Attachment {
  return entryCard({
    title: t('invitations.org.title'),
    paragraphs: [t('invitations.org.body')],
    errors,
    errorIntro: t('invitations.fixThese'),
    fields: [
      {
        kind: 'choice',
        id: 'side',
        label: t('invitations.org.sideLabel'),
        style: 'expanded',
        value: current.side ?? '',
        isRequired: true,
        errorMessage: t('invitations.validation.required'),
        choices: ORGANIZATION_SIDES.map((s) => ({ title: t(`invitations.org.sides.${s}`), value: s })),
      },
      {
        kind: 'text',
        id: 'name',
        label: t('invitations.fields.name'),
        value: current.name ?? '',
        maxLength: 200,
        isRequired: true,
        errorMessage: t('invitations.validation.required'),
      },
      {
        kind: 'text',
        id: 'partnerId',
        label: t('invitations.fields.partnerId'),
        value: current.partnerId ?? '',
        maxLength: 10,
        hint: t('invitations.org.partnerIdHint'),
      },
    ],
    actions: [submit(t('invitations.org.save'), 'invitations.org', {}, 'positive')],
  });
}

/** "Which Partner Center role do you have?" asked before an action that needs one. */
export function roleQuestionCard(t: Translator, action: RoleAction): Attachment {
  return infoCard({
    title: t('invitations.role.title'),
    paragraphs: [t('invitations.role.body'), t(`invitations.role.why.${action}`, { roles: rolesText(t, action) })],
    actions: [],
    actionRows: chunk(
      PARTNER_ROLES.map((role) => submit(t(`roles.${role}`), 'invitations.role', { role }, role === 'globalAdmin' ? 'positive' : 'default')),
      3,
    ).map((actions) => ({ actions })),
  });
}

/** The roles allowed to do `action`, as a localized list ("Global admin, Admin agent or Sales agent"). */
export function rolesText(t: Translator, action: RoleAction): string {
  const names = ROLES_FOR_ACTION[action].map((r) => t(`roles.${r}`));
  return new Intl.ListFormat(t.locale, { type: 'disjunction' }).format(names);
}

/**
 * Refusal for a role that may not do `action`, naming who can. `verified`: the role was read from
 * Microsoft Entra ID (connected mode), so the card offers to read it again instead of changing it.
 */
export function roleRefusalCard(t: Translator, action: RoleAction, role: PartnerRole | undefined, globalAdmins: string[], verified = false): Attachment {
  const paragraphs = [
    t(verified ? 'invitations.role.refusedVerified' : 'invitations.role.refused', {
      role: role ? t(`roles.${role}`) : t('roles.notSure'),
      action: t(`invitations.role.actions.${action}`),
      roles: rolesText(t, action),
    }),
  ];
  if (globalAdmins.length > 0) paragraphs.push(t('invitations.role.askAdmins', { names: new Intl.ListFormat(t.locale).format(globalAdmins) }));
  return infoCard({
    title: t('invitations.role.refusedTitle'),
    paragraphs,
    note: { text: t('invitations.nothingChanged'), style: 'accent' },
    actions: [
      verified ? submit(t('identity.account.checkAgain'), 'signIn') : submit(t('invitations.role.change'), 'invitations.roleChange'),
      submit(t('invitations.actions.hub'), 'invitations.hub'),
    ],
  });
}

/** The two kinds of customer invitation, to choose from. */
export function customerKindsCard(t: Translator, providers: PartnerLink[]): Attachment {
  const hasProvider = providers.length > 0;
  return infoCard({
    title: t('invitations.customerKinds.title'),
    paragraphs: [t('invitations.customerKinds.body')],
    bullets: [t('invitations.customerKinds.reseller'), t('invitations.customerKinds.resellerAndProvider')],
    note: hasProvider
      ? { text: t('invitations.customerKinds.recommend'), style: 'accent' }
      : { text: t('invitations.customerKinds.noProvider'), style: 'warning' },
    actions: [
      ...(hasProvider
        ? [submit(t('invitations.customerKinds.withProvider'), 'invitations.start', { kind: 'resellerAndProvider', purpose: 'new' }, 'positive')]
        : []),
      submit(t('invitations.customerKinds.resellerOnly'), 'invitations.start', { kind: 'reseller', purpose: 'new' }),
      ...(hasProvider ? [] : [submit(t('invitations.actions.have'), 'invitations.have')]),
    ],
  });
}

/** What the form remembers when it is shown again with errors. */
export interface ComposeValues {
  email?: string;
  name?: string;
  company?: string;
  domain?: string;
  providerTenantId?: string;
}

/** The invitation form's fields: the customer's company and domain (or the reseller's company), email, contact, provider. */
function composeFields(t: Translator, kind: InvitationKind, providers: PartnerLink[], values: ComposeValues): EntryField[] {
  const required = t('invitations.validation.required');
  const fields: EntryField[] = [];
  if (kind !== 'partnership') {
    fields.push({
      kind: 'text',
      id: 'company',
      label: t('invitations.fields.company'),
      value: values.company ?? '',
      maxLength: 200,
      isRequired: true,
      errorMessage: required,
    });
    fields.push({
      kind: 'text',
      id: 'domain',
      label: t('invitations.fields.domain'),
      value: values.domain ?? '',
      placeholder: t('invitations.compose.domainPlaceholder'),
      maxLength: 253,
      isRequired: true,
      errorMessage: required,
    });
  } else {
    fields.push({ kind: 'text', id: 'company', label: t('invitations.fields.resellerCompany'), value: values.company ?? '', maxLength: 200 });
  }
  fields.push({
    kind: 'text',
    id: 'email',
    label: t(`invitations.compose.emailLabel.${kind === 'partnership' ? 'partner' : 'customer'}`),
    value: values.email ?? '',
    style: 'email',
    maxLength: 254,
    isRequired: true,
    errorMessage: required,
  });
  fields.push({ kind: 'text', id: 'name', label: t('invitations.fields.contactName'), value: values.name ?? '', maxLength: 100 });
  if (kind === 'resellerAndProvider') {
    fields.push({
      kind: 'choice',
      id: 'providerTenantId',
      label: t('invitations.fields.provider'),
      value: values.providerTenantId ?? providers[0]?.tenantId ?? '',
      isRequired: true,
      errorMessage: required,
      choices: providers.map((p) => ({ title: p.name, value: p.tenantId })),
    });
  }
  return fields;
}

/** The invitation form for `kind` (who it goes to; the provider for `resellerAndProvider`). */
export function composeCard(
  t: Translator,
  kind: InvitationKind,
  purpose: InvitationPurpose,
  providers: PartnerLink[],
  values: ComposeValues = {},
  errors: string[] = [],
): Attachment {
  const variant = kind === 'resellerAndProvider' && purpose === 'moveDirect' ? 'moveDirect' : kind;
  return entryCard({
    title: t(`invitations.compose.title.${variant}`),
    paragraphs: [t(`invitations.compose.body.${variant}`)],
    errors,
    errorIntro: t('invitations.fixThese'),
    fields: composeFields(t, kind, providers, values),
    footer: t('invitations.compose.footer'),
    actions: [
      submit(t('invitations.compose.submit'), 'invitations.create', { kind, purpose }, 'positive'),
      submit(t('invitations.actions.hub'), 'invitations.hub'),
    ],
  });
}

/** Everything the draft card shows. */
export interface DraftView {
  invitation: Invitation;
  link: string;
  subject: string;
  body: string;
  mailto: string;
  copyPage: string;
  /** Lines under the first paragraph (connected mode: which link the email carries and why). */
  notes?: string[];
}

/** The email draft: editable text with the personalized link, open in email, copy, save, done. */
export function draftCard(t: Translator, v: DraftView, errors: string[] = []): Attachment {
  const inv = v.invitation;
  return entryCard({
    title: t('invitations.draft.title'),
    paragraphs: [
      inv.partnerCenterLink
        ? t('invitations.draft.bodyPartnerCenter', { email: inv.to.email, read: t.shortDateTime(inv.partnerCenterLink.readAt), domain: inv.to.domain ?? '' })
        : t('invitations.draft.body', { email: inv.to.email, date: t.shortDate(inv.expiresAt) }),
      ...(v.notes ?? []),
    ],
    bullets: [
      t('invitations.draft.subject', { subject: v.subject }),
      t(inv.partnerCenterLink ? 'invitations.draft.linkPartnerCenter' : 'invitations.draft.link', { link: v.link }),
    ],
    errors,
    errorIntro: t('invitations.fixThese'),
    fields: [
      {
        kind: 'text',
        id: 'body',
        label: t('invitations.draft.textLabel'),
        value: v.body,
        isMultiline: true,
        maxLength: 4000,
        hint: t('invitations.draft.keepLink'),
      },
    ],
    footer: t('invitations.draft.footer'),
    actions: [
      link(t('invitations.draft.openInEmail'), v.mailto),
      link(t('invitations.draft.copy'), v.copyPage),
      submit(t('invitations.draft.save'), 'invitations.draft.save', { invitationId: inv.id }),
      submit(t('invitations.draft.done'), 'invitations.draft.done', { invitationId: inv.id }, 'positive'),
    ],
  });
}

/** "Paste the link from your provider's email." */
export function pasteCard(t: Translator, errors: string[] = []): Attachment {
  return entryCard({
    title: t('invitations.paste.title'),
    paragraphs: [t('invitations.paste.body')],
    errors,
    errorIntro: t('invitations.fixThese'),
    fields: [
      {
        kind: 'text',
        id: 'link',
        label: t('invitations.paste.label'),
        placeholder: t('invitations.paste.placeholder'),
        maxLength: 2000,
        isRequired: true,
        errorMessage: t('invitations.validation.required'),
      },
    ],
    footer: t('invitations.paste.footer'),
    actions: [submit(t('invitations.paste.submit'), 'invitations.paste', {}, 'positive'), submit(t('invitations.actions.hub'), 'invitations.hub')],
  });
}

/** A provider's partnership request, reviewed in the chat by the reseller: what it grants, a tick, Authorize. */
export function reviewCard(t: Translator, inv: Invitation, token: string, pageUrl: string): Attachment {
  return entryCard({
    title: t('invitations.review.title', { provider: inv.from.name }),
    paragraphs: [t('invitations.review.body', { provider: partyLine(t, inv.from), date: t.shortDate(inv.expiresAt) })],
    bulletsTitle: t('invitations.review.grantsTitle'),
    bullets: [t('invitations.review.grantOrders', { provider: inv.from.name }), t('invitations.review.grantAdmin', { provider: inv.from.name })],
    fields: [{ kind: 'toggle', id: 'consent', label: t('invitations.review.consent', { provider: inv.from.name }) }],
    note: { text: t('invitations.review.globalAdminOnly'), style: 'accent' },
    actions: [
      submit(t('invitations.review.authorize'), 'invitations.accept', { token }, 'positive'),
      link(t('invitations.review.onPage'), pageUrl),
      submit(t('invitations.review.decline'), 'invitations.decline', { token }, 'destructive'),
    ],
  });
}
