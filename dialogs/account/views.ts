/**
 * The account card: who the user is to the assistant and which Partner Center roles count.
 * Connected mode: the roles Microsoft Entra ID proved at sign-in, with when they were read.
 * Manual mode: the role the user declared, labelled as self-declared (nothing checks it).
 */
import type { Attachment } from 'botbuilder';
import { PARTNER_ROLES } from '../../src/domain/roles.js';
import type { PersonRole, TransitionRecord } from '../../src/domain/transition.js';
import type { Translator } from '../../src/i18n/index.js';
import { chunk, infoCard, submit } from '../cardKit.js';

/** The account card for `person` (undefined: not signed in / no role declared); `connected` picks the mode. */
export function accountCard(t: Translator, person: PersonRole | undefined, connected: boolean): Attachment {
  const list = (roles: readonly string[]) => new Intl.ListFormat(t.locale).format(roles.map((r) => t(`roles.${r}`)));
  if (connected) {
    const verified = person?.verified;
    if (!verified) {
      return infoCard({
        title: t('identity.account.title'),
        paragraphs: [t('identity.account.notSignedIn')],
        actions: [submit(t('identity.signIn.button'), 'signIn', {}, 'positive')],
      });
    }
    return infoCard({
      title: t('identity.account.title'),
      paragraphs: [
        verified.roles.length > 0 ? t('identity.account.verifiedRoles', { roles: list(verified.roles) }) : t('identity.account.verifiedNone'),
        t('identity.account.checkedAt', { at: t.shortDateTime(verified.at) }),
      ],
      ...(person?.name ? { facts: [{ title: t('identity.account.name'), value: person.name }] } : {}),
      actions: [submit(t('identity.account.checkAgain'), 'signIn'), submit(t('identity.account.signOut'), 'account.signOut')],
    });
  }
  return infoCard({
    title: t('identity.account.title'),
    paragraphs: [
      person ? t('identity.account.declaredRole', { role: t(`roles.${person.role}`) }) : t('identity.account.noDeclaredRole'),
      t('identity.account.manualNote'),
    ],
    actions: [],
    actionRows: chunk(PARTNER_ROLES, 3).map((roles) => ({ actions: roles.map((role) => submit(t(`roles.${role}`), 'account.role.set', { role })) })),
  });
}

/** Connected mode: "Microsoft Entra ID shows your roles as ... (checked <time>)" for `userId`, when read (else nothing). */
export function verifiedRolesLine(t: Translator, record: TransitionRecord, userId: string): string[] {
  const verified = record.roleSource === 'verified' ? record.people[userId]?.verified : undefined;
  if (!verified) return [];
  const roles = verified.roles.length > 0 ? new Intl.ListFormat(t.locale).format(verified.roles.map((r) => t(`roles.${r}`))) : t('identity.noPartnerRole');
  return [t('identity.verifiedAs', { roles, at: t.shortDateTime(verified.at) })];
}
