/** Words that start the invitations journey from anywhere: an invitation link or token, or `commands.invitations` / `commands.haveInvitation`. */
import { findTokenInText } from '../../src/domain/invitationToken.js';
import type { Translator } from '../../src/i18n/index.js';
import { matches } from '../recognizer.js';

/** Where typed text opens the invitations journey: a pasted request to review, the paste prompt, or the hub. */
export type InvitationsStart = { stage: 'review'; token: string } | { stage: 'paste' } | { stage: 'hub' };

/** The invitations stage typed text asks for, or undefined when the text is not about invitations. */
export function recognizeInvitations(t: Translator, text: string | undefined): InvitationsStart | undefined {
  const token = findTokenInText(text);
  if (token) return { stage: 'review', token };
  if (matches(t, 'commands.haveInvitation', text)) return { stage: 'paste' };
  if (matches(t, 'commands.invitations', text)) return { stage: 'hub' };
  return undefined;
}
