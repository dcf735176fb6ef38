/**
 * What starts the customer journey from anywhere: a CSV file attached to a message, pasted CSV, or
 * the words under `commands.customers`, `addCustomer`, `importCustomers`, `exportCustomers`.
 */
import type { Activity } from 'botbuilder';
import { csvSource } from '../../src/customers/csvAttachment.js';
import type { Translator } from '../../src/i18n/index.js';
import { matches } from '../recognizer.js';

/** True when typed text looks like CSV (a header line and at least one more line with a separator). */
export function looksLikeCsv(text: string | undefined): boolean {
  const lines = (text ?? '').trim().split(/\r?\n/);
  return lines.length >= 2 && /[,;]/.test(lines[0]!) && /[,;]/.test(lines[1]!);
}

/** True when the message carries a CSV file (an upload in Web Chat, a file in Teams). */
export function hasCsvFile(activity: Partial<Activity>): boolean {
  return (activity.attachments ?? []).some((a) => csvSource(a) !== undefined);
}

/** Which customer stage the activity asks for, and whether the activity itself is the answer (an import, an export request). */
export type CustomersStart = { stage: 'summary' | 'add' | 'import'; handleCurrentActivity?: true };

/** The customer stage the activity asks for, or undefined when it is not about customers. */
export function recognizeCustomers(t: Translator, activity: Partial<Activity>): CustomersStart | undefined {
  const text = activity.text ?? '';
  if (hasCsvFile(activity) || looksLikeCsv(text)) return { stage: 'import', handleCurrentActivity: true };
  if (matches(t, 'commands.customers', text)) return { stage: 'summary' };
  if (matches(t, 'commands.addCustomer', text)) return { stage: 'add' };
  if (matches(t, 'commands.importCustomers', text)) return { stage: 'import' };
  if (matches(t, 'commands.exportCustomers', text)) return { stage: 'summary', handleCurrentActivity: true };
  return undefined;
}
