/** The partnership review page (a provider asks a reseller) and its accepted page. */
import type { VNode } from 'preact';
import type { Invitation } from '../../domain/invitations.js';
import type { OpenedLink } from '../../invitations/invitationService.js';
import {
  Card,
  CheckField,
  CsrfInput,
  ErrorSummary,
  Facts,
  FormActions,
  HowToAccept,
  invitationPath,
  List,
  PartyName,
  Recipient,
  validUntilText,
} from './components.js';
import type { FieldError, Page, PageContext, SignedIn } from './types.js';

/** What the partnership page shows besides the invitation. */
export interface PartnershipView {
  /** True when the URL carried a `?session=` (a forged or stale one gets a note). */
  sessionGiven: boolean;
  /** The reader, when the session is valid: then the form is shown. */
  signedIn: SignedIn | undefined;
  /** Errors of a refused POST (status 422). */
  errors?: FieldError[];
}

function AuthorizeForm({ ctx, opened, signedIn, errors }: { ctx: PageContext; opened: OpenedLink; signedIn: SignedIn; errors: FieldError[] }): VNode {
  const { t } = ctx;
  const provider = opened.invitation.from.name;
  const who = signedIn.organization ? t('pages.partnership.signedInNamed', { organization: signedIn.organization }) : t('pages.partnership.signedIn');
  return (
    <>
      <h2>{t('pages.partnership.form.title', { provider })}</h2>
      <p class="note">{who}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={invitationPath(opened.token)} novalidate>
        <CsrfInput ctx={ctx} />
        <input type="hidden" name="session" value={signedIn.token} />
        <CheckField t={t} name="understood" label={t('pages.partnership.form.understood', { provider })} checked={false} errors={errors} />
        <FormActions t={t} primaryKey="pages.partnership.form.authorize" />
      </form>
    </>
  );
}

/** The partnership review page; the authorize form only with a valid session, else how to accept. */
export function partnershipPage(ctx: PageContext, opened: OpenedLink, view: PartnershipView): Page {
  const { t } = ctx;
  const inv = opened.invitation;
  const provider = inv.from.name;
  const errors = view.errors ?? [];
  const title = t('pages.partnership.title', { provider });
  const company = inv.to.company ?? t('pages.common.yourOrganization');
  const action = view.signedIn ? (
    <AuthorizeForm ctx={ctx} opened={opened} signedIn={view.signedIn} errors={errors} />
  ) : (
    <>
      {view.sessionGiven ? (
        <p class="alert" role="status">
          {t('pages.partnership.sessionInvalid')}
        </p>
      ) : null}
      <HowToAccept ctx={ctx} />
    </>
  );
  const body = (
    <Card>
      <h1>{title}</h1>
      <p class="lead">{t('pages.partnership.lead', { provider, company })}</p>
      <Facts
        rows={[
          [t('pages.common.askingLabel'), <PartyName t={t} party={inv.from} />],
          [t('pages.common.sentToLabel'), <Recipient inv={inv} />],
          [t('pages.common.validUntilLabel'), validUntilText(ctx, inv)],
        ]}
      />
      <h2>{t('pages.partnership.grants.title')}</h2>
      <List items={t.list('pages.partnership.grants.items', { provider })} />
      <p class="note">{t('pages.partnership.grants.gdap', { provider })}</p>
      {action}
    </Card>
  );
  return { status: errors.length > 0 ? 422 : 200, title, body };
}

/** The page after a partnership was authorized: the provider is now the reseller's indirect provider. */
export function partnershipAcceptedPage(ctx: PageContext, inv: Invitation): Page {
  const { t } = ctx;
  const provider = inv.from.name;
  const title = t('pages.partnership.accepted.title', { provider });
  const body = (
    <Card tone="done" status>
      <h1>{title}</h1>
      {inv.accepted ? <p>{t('pages.partnership.accepted.when', { date: t.shortDate(inv.accepted.at) })}</p> : null}
      <h2>{t('pages.common.nextTitle')}</h2>
      <List items={t.list('pages.partnership.accepted.next', { provider })} />
      <p class="muted">{t('pages.common.close')}</p>
    </Card>
  );
  return { status: 200, title, body };
}
