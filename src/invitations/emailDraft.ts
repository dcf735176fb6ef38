/**
 * The invitation email the sender reviews, edits and sends: subject, default body and a `mailto:`
 * URL. Words come from the locale file (`invitations.email.*`); facts from the seeds: the link is
 * personalized and must be kept (indirect-provider-tasks seed, "Connect with indirect resellers"
 * step 3); what accepting grants (seed 003, "Connect with an indirect provider" step 3 note; seed
 * 003 / transition seed, "Invite a customer ... with you and with your indirect provider").
 */
import type { Invitation } from '../domain/invitations.js';
import type { Translator } from '../i18n/index.js';

/** The email subject for an invitation, in the sender's language. */
export function draftSubject(t: Translator, invitation: Invitation): string {
  return t(`invitations.email.${emailVariant(invitation)}.subject`, { from: invitation.from.name, provider: invitation.provider?.name });
}

/**
 * Which email text an invitation uses: partnership, reseller, resellerAndProvider, moveDirect, or
 * resellerPartnerCenter (a reseller invitation carrying Partner Center's own link, which the
 * customer accepts in the Microsoft 365 admin center; no expiry is claimed for it).
 */
export function emailVariant(invitation: Invitation): 'partnership' | 'reseller' | 'resellerAndProvider' | 'moveDirect' | 'resellerPartnerCenter' {
  if (invitation.kind === 'resellerAndProvider' && invitation.purpose === 'moveDirect') return 'moveDirect';
  if (invitation.kind === 'reseller' && invitation.partnerCenterLink) return 'resellerPartnerCenter';
  return invitation.kind;
}

/**
 * The email body: the sender's edited draft when saved, else the default text with the
 * personalized `link`, the expiry date and the sender's name.
 * @param senderName the person sending (display name), optional
 */
export function draftBody(t: Translator, invitation: Invitation, link: string, senderName?: string): string {
  if (invitation.draft) return invitation.draft;
  const params = {
    greetingName: invitation.to.name ? ` ${invitation.to.name}` : '',
    from: invitation.from.name,
    provider: invitation.provider?.name,
    company: invitation.to.company ?? t('invitations.email.yourCompany'),
    link,
    expires: t.date(invitation.expiresAt.slice(0, 10)),
  };
  const body = t.list(`invitations.email.${emailVariant(invitation)}.body`, params).join('\n\n');
  const signature = [t('invitations.email.regards'), senderName, invitation.from.name].filter(Boolean).join('\n');
  return `${body}\n\n${signature}`;
}

/** Longest mailto: URL produced, in characters; longer bodies are left out (the user copies the text instead). */
export const MAX_MAILTO_LENGTH = 1900;

/**
 * A `mailto:` URL opening the draft in the default email app (RFC 6068: percent-encoded subject and
 * body, CRLF line breaks). When the URL would exceed {@link MAX_MAILTO_LENGTH} characters (some
 * email apps cut longer ones), only the address and subject are kept.
 */
export function mailtoUrl(to: string, subject: string, body: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%0A/g, '%0D%0A');
  const full = `mailto:${encodeURIComponent(to).replace(/%40/g, '@')}?subject=${enc(subject)}&body=${enc(body.replace(/\r\n/g, '\n'))}`;
  if (full.length <= MAX_MAILTO_LENGTH) return full;
  return `mailto:${encodeURIComponent(to).replace(/%40/g, '@')}?subject=${enc(subject)}`;
}
