/** The customer invitation page (reseller, or reseller and provider; new or moving) and its accepted page. */
import type { ComponentChildren } from 'preact';
import type { Invitation } from '../../domain/invitations.js';
import type { Translator } from '../../i18n/index.js';
import type { OpenedLink } from '../../invitations/invitationService.js';
import {
  Card,
  CheckField,
  CsrfInput,
  ErrorSummary,
  Facts,
  FormActions,
  invitationPath,
  List,
  PartyName,
  Recipient,
  TextField,
  validUntilText,
} from './components.js';
import type { FieldError, Page, PageContext } from './types.js';

/** The customer form's values: prefilled from the invitation, or as typed in a refused POST. */
export interface CustomerValues {
  company: string;
  domain: string;
  name: string;
  email: string;
  globalAdmin: boolean;
  consent: boolean;
}

/** The form's first values: the company, domain and email the sender gave; nothing ticked. */
export function customerPrefill(inv: Invitation): CustomerValues {
  return { company: inv.to.company ?? '', domain: inv.to.domain ?? '', name: '', email: inv.to.email, globalAdmin: false, consent: false };
}

/** The variant of a customer invitation's words: with or without the provider, new or moving. */
function customerVariant(inv: Invitation): 'reseller' | 'resellerAndProvider' | 'moveDirect' | 'moveDirectReseller' {
  if (inv.purpose === 'moveDirect') return inv.provider ? 'moveDirect' : 'moveDirectReseller';
  return inv.provider ? 'resellerAndProvider' : 'reseller';
}

/** The four text fields of the accept form, with the values given and their errors. */
function CustomerFields({ t, values, errors }: { t: Translator; values: CustomerValues; errors: FieldError[] }) {
  const common = { t, errors, type: 'text' as const };
  return (
    <>
      <TextField {...common} name="company" label={t('pages.customer.form.company')} value={values.company} autocomplete="organization" maxLength={200} />
      <TextField
        {...common}
        name="domain"
        label={t('pages.customer.form.domain')}
        hint={t('pages.customer.form.domainHint')}
        value={values.domain}
        autocomplete="off"
        maxLength={253}
        inputmode="url"
      />
      <TextField {...common} name="name" label={t('pages.customer.form.name')} value={values.name} autocomplete="name" maxLength={100} />
      <TextField
        {...common}
        type="email"
        name="email"
        label={t('pages.customer.form.email')}
        value={values.email}
        autocomplete="email"
        maxLength={254}
        inputmode="email"
      />
    </>
  );
}

interface AcceptFormProps {
  ctx: PageContext;
  opened: OpenedLink;
  values: CustomerValues;
  errors: FieldError[];
  /** Whom the consent box authorizes (the reseller, or the reseller and the provider). */
  consentWho: string;
}

function AcceptForm({ ctx, opened, values, errors, consentWho }: AcceptFormProps) {
  const { t } = ctx;
  return (
    <Card>
      <h2>{t('pages.customer.form.title')}</h2>
      <p class="muted">{t('pages.customer.form.intro')}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={invitationPath(opened.token)} novalidate>
        <CsrfInput ctx={ctx} />
        <CustomerFields t={t} values={values} errors={errors} />
        <CheckField t={t} errors={errors} name="globalAdmin" label={t('pages.customer.form.globalAdmin')} checked={values.globalAdmin} />
        <CheckField t={t} errors={errors} name="consent" label={t('pages.customer.form.consent', { who: consentWho })} checked={values.consent} />
        <FormActions t={t} primaryKey="pages.customer.form.accept" />
      </form>
    </Card>
  );
}

/** The customer review page with its accept form; with `errors` it is the 422 re-render. */
export function customerPage(ctx: PageContext, opened: OpenedLink, values: CustomerValues, errors: FieldError[] = []): Page {
  const { t } = ctx;
  const inv = opened.invitation;
  const variant = customerVariant(inv);
  const params = { reseller: inv.from.name, provider: inv.provider?.name ?? '', company: inv.to.company ?? t('pages.common.yourOrganization') };
  const title = t(`pages.customer.${variant}.title`, params);
  const rows: Array<[string, ComponentChildren]> = [[t('pages.common.askingLabel'), <PartyName t={t} party={inv.from} />]];
  if (inv.provider) rows.push([t('pages.customer.providerLabel'), <PartyName t={t} party={inv.provider} />]);
  rows.push([t('pages.common.sentToLabel'), <Recipient inv={inv} />], [t('pages.common.validUntilLabel'), validUntilText(ctx, inv)]);
  const grants = [t('pages.customer.grants.reseller', params), ...(inv.provider ? [t('pages.customer.grants.provider', params)] : [])];
  const body = (
    <>
      <Card>
        <h1>{title}</h1>
        <p class="lead">{t(`pages.customer.${variant}.lead`, params)}</p>
        <Facts rows={rows} />
        <h2>{t('pages.customer.grants.title')}</h2>
        <List items={grants} />
        {inv.purpose === 'moveDirect' ? (
          <p class="note">{t(inv.provider ? 'pages.customer.moveDirect.stays' : 'pages.customer.moveDirectReseller.stays', params)}</p>
        ) : null}
        <p class="note">{t('pages.customer.grants.gdap', params)}</p>
      </Card>
      <AcceptForm ctx={ctx} opened={opened} values={values} errors={errors} consentWho={inv.provider ? t('pages.customer.form.both', params) : inv.from.name} />
    </>
  );
  return { status: errors.length > 0 ? 422 : 200, title, body };
}

/** The page after a customer accepted: who may now act for the customer, and what comes next. */
export function customerAcceptedPage(ctx: PageContext, inv: Invitation): Page {
  const { t } = ctx;
  const params = { reseller: inv.from.name, provider: inv.provider?.name ?? '' };
  const key = inv.provider ? 'pages.customer.accepted.both' : 'pages.customer.accepted.reseller';
  const title = t(`${key}.title`, params);
  const body = (
    <Card tone="done" status>
      <h1>{title}</h1>
      <h2>{t('pages.common.nextTitle')}</h2>
      <List items={t.list(`${key}.next`, params)} />
      <p class="muted">{t('pages.common.close')}</p>
    </Card>
  );
  return { status: 200, title, body };
}
