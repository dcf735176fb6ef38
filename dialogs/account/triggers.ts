/** Words that open the account journey from anywhere: `commands.signIn`, `commands.account` ("my roles", "who am I" ...) and `commands.signOut`. */
import type { Translator } from '../../src/i18n/index.js';
import { matches } from '../recognizer.js';

/** The account stage typed words ask for, or undefined. */
export function recognizeAccount(t: Translator, text: string | undefined): { stage: 'home' | 'signIn' | 'signOut' } | undefined {
  if (!text) return undefined;
  if (matches(t, 'commands.signIn', text)) return { stage: 'signIn' };
  if (matches(t, 'commands.signOut', text)) return { stage: 'signOut' };
  if (matches(t, 'commands.account', text)) return { stage: 'home' };
  return undefined;
}
