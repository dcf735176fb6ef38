/**
 * What a POST to an invitation page does: the form's zod schema, and accept or decline through
 * {@link InvitationService}, mapped to the page to show. Every rule lives in the service.
 */
import { z } from 'zod';
import type { InvitationService, OpenedLink, ServiceError } from '../invitations/invitationService.js';
import { fieldErrorsOf } from '../invitations/invitationService.js';
import { invitationPath } from './pages/components.js';
import { customerAcceptedPage, customerPage, type CustomerValues } from './pages/customerPage.js';
import { conflictPage, declinedPage, linkProblemPage, messagePage, problemOf, ReopenButton } from './pages/messagePages.js';
import { partnershipAcceptedPage, partnershipPage } from './pages/partnershipPage.js';
import { HowToAccept } from './pages/components.js';
import type { Page, PageContext, SignedIn } from './pages/types.js';

/** Longest value accepted for any posted form field, in characters. */
export const MAX_FORM_FIELD = 1000;

const formText = z.string().max(MAX_FORM_FIELD);

/**
 * The posted form: `action` and the CSRF token always; `session` for a partnership; the customer
 * form's fields; any other field must be a string of at most {@link MAX_FORM_FIELD} characters.
 * The CSRF token is optional here so that a missing one is answered 403 (not 400).
 */
export const invitationFormSchema = z
  .object({
    action: z.enum(['accept', 'decline']),
    csrf: formText.optional(),
    session: formText.optional(),
    company: formText.optional(),
    domain: formText.optional(),
    name: formText.optional(),
    email: formText.optional(),
    globalAdmin: formText.optional(),
    consent: formText.optional(),
    understood: formText.optional(),
  })
  .catchall(formText);

/** A parsed invitation form. */
export type InvitationForm = z.infer<typeof invitationFormSchema>;

/** Logs an outcome of a page request (`invitationId` when known, never tokens or emails). */
export type PageLog = (invitationId: string | undefined, outcome: string) => void;

/** A ticked checkbox as browsers post it. */
const ticked = (v: unknown) => v === 'on' || v === 'true';

const SIGNED_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The "open the invitation again" button of a refused POST, keeping a well-formed `session` from
 * the posted body; nothing when the token itself is malformed.
 */
export function reopenButton(ctx: PageContext, token: string, raw: unknown) {
  const session = typeof (raw as { session?: unknown })?.session === 'string' ? (raw as { session: string }).session : undefined;
  if (!SIGNED_TOKEN.test(token)) return null;
  const safeSession = session && SIGNED_TOKEN.test(session) && session.length <= MAX_FORM_FIELD ? session : undefined;
  return <ReopenButton href={invitationPath(token, safeSession)} label={ctx.t('pages.csrf.reopen')} />;
}

/**
 * The reader of a partnership page signed in through the assistant: the session verified by the
 * service, with the organization's name when known. Undefined for a forged, stale or foreign session.
 */
export async function signedInFor(service: InvitationService, opened: OpenedLink, sessionToken: string): Promise<SignedIn | undefined> {
  const session = service.openSession(opened, sessionToken);
  if (!session) return undefined;
  const organization = (await service.organizationName(session.tenantId)) ?? opened.invitation.to.company;
  return { ...session, token: sessionToken, ...(organization ? { organization } : {}) };
}

function joinList(locale: string, items: string[]): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}

/** Maps a refused accept or decline to its page; a state change in between shows the link's problem. */
async function refusal(ctx: PageContext, service: InvitationService, token: string, error: ServiceError, log: PageLog, invitationId: string): Promise<Page> {
  const { t } = ctx;
  if (error.code === 'link') {
    log(invitationId, `post.${problemOf(error)}`);
    return linkProblemPage(ctx, error, 'invite');
  }
  log(invitationId, `post.${error.code}`);
  if (error.code === 'roleRequired') {
    // connected mode: the role was read from Microsoft Entra ID, so the page says so instead of "tell the assistant your role"
    const verified = error.verified === true;
    const names =
      error.globalAdmins.length > 0
        ? t('pages.roleRequired.named', { names: joinList(t.locale, error.globalAdmins) })
        : t(verified ? 'pages.roleRequired.unnamedVerified' : 'pages.roleRequired.unnamed');
    return messagePage(ctx, 403, 'pages.roleRequired.title', [t(verified ? 'pages.roleRequired.textVerified' : 'pages.roleRequired.text'), names]);
  }
  if (error.code === 'ownInvitation') return messagePage(ctx, 403, 'pages.ownInvitation.title', [t('pages.ownInvitation.text')]);
  if (error.code === 'notAllowedInState' || error.code === 'notFound') {
    const again = await service.open(token);
    if (!again.ok) return linkProblemPage(ctx, again.error, 'invite');
  }
  return conflictPage(ctx, token);
}

/** POST to a partnership page: needs a valid session; decline, or accept once the box is ticked. */
export async function postPartnership(ctx: PageContext, service: InvitationService, opened: OpenedLink, form: InvitationForm, log: PageLog): Promise<Page> {
  const { t } = ctx;
  const inv = opened.invitation;
  const signedIn = form.session ? await signedInFor(service, opened, form.session) : undefined;
  if (!signedIn) {
    log(inv.id, `post.${form.action}.sessionRequired`);
    return messagePage(ctx, 403, 'pages.sessionRequired.title', [t('pages.sessionRequired.text')], <HowToAccept ctx={ctx} />);
  }
  const actor = { id: signedIn.userId };
  if (form.action === 'decline') {
    const declined = await service.decline(opened.token, actor, signedIn.tenantId);
    if (!declined.ok) return refusal(ctx, service, opened.token, declined.error, log, inv.id);
    log(inv.id, 'post.declined');
    return declinedPage(ctx, inv);
  }
  if (!ticked(form.understood)) {
    log(inv.id, 'post.accept.invalid');
    return partnershipPage(ctx, opened, { sessionGiven: true, signedIn, errors: [{ field: 'understood', code: 'mustConfirm' }] });
  }
  const accepted = await service.acceptPartnership(opened.token, { tenantId: signedIn.tenantId, actor });
  if (!accepted.ok) return refusal(ctx, service, opened.token, accepted.error, log, inv.id);
  log(inv.id, accepted.alreadyAccepted ? 'post.accepted.again' : 'post.accepted');
  return partnershipAcceptedPage(ctx, accepted.invitation);
}

/** The customer form's values as typed (for a 422 re-render). */
function typedValues(form: InvitationForm): CustomerValues {
  return {
    company: form.company ?? '',
    domain: form.domain ?? '',
    name: form.name ?? '',
    email: form.email ?? '',
    globalAdmin: ticked(form.globalAdmin),
    consent: ticked(form.consent),
  };
}

/** POST to a customer invitation page: decline (credited to the typed email/name), or accept with the form. */
export async function postCustomer(ctx: PageContext, service: InvitationService, opened: OpenedLink, form: InvitationForm, log: PageLog): Promise<Page> {
  const inv = opened.invitation;
  const typed = typedValues(form);
  if (form.action === 'decline') {
    const email = typed.email.trim().toLowerCase();
    const name = typed.name.trim().slice(0, 100);
    const by = { id: /^[^\s@]{1,64}@[^\s@]{1,253}$/.test(email) ? `customer:${email}` : 'customer', ...(name ? { name } : {}) };
    const declined = await service.decline(opened.token, by);
    if (!declined.ok) return refusal(ctx, service, opened.token, declined.error, log, inv.id);
    log(inv.id, 'post.declined');
    return declinedPage(ctx, inv);
  }
  const accepted = await service.acceptCustomer(opened.token, {
    company: form.company,
    domain: form.domain,
    name: form.name,
    email: form.email,
    globalAdmin: form.globalAdmin,
    consent: form.consent,
  });
  if (!accepted.ok) {
    const errors = fieldErrorsOf(accepted.error);
    if (errors.length > 0) {
      log(inv.id, 'post.accept.invalid');
      return customerPage(ctx, opened, typed, errors);
    }
    return refusal(ctx, service, opened.token, accepted.error, log, inv.id);
  }
  log(inv.id, 'post.accepted');
  return customerAcceptedPage(ctx, accepted.invitation);
}
