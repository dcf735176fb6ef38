/** Words that start or steer the checklist journey from anywhere (locale keys `commands.continue`, `commands.approved`). */
import type { Translator } from '../../src/i18n/index.js';
import { matches } from '../recognizer.js';

/** What typed words ask of the checklist: go on where the tenant stands, or record that the enrollment was approved. */
export type ChecklistIntent = 'continue' | 'approved';

/** The checklist intent the whole text asks for, if any ("continue", "it's approved"). */
export function recognizeIntent(t: Translator, text: string | undefined): ChecklistIntent | undefined {
  if (matches(t, 'commands.approved', text)) return 'approved';
  if (matches(t, 'commands.continue', text)) return 'continue';
  return undefined;
}
