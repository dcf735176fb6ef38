/** The reminder list's card submits (`reminders.*`), one zod schema per verb. */
import { z } from 'zod';
import { REMINDER_KINDS } from '../../src/domain/reminders.js';
import { rev } from '../submitFields.js';

/** `<kind>:<subject>` (see `src/domain/reminders.ts`). */
const reminderId = z.string().regex(new RegExp(`^(${REMINDER_KINDS.join('|')}):[A-Za-z0-9@:._-]{1,120}$`));

export const reminderSubmits = [
  z.object({ verb: z.literal('reminders.show') }),
  z.object({ verb: z.literal('reminders.cancel'), rev, id: reminderId }),
  z.object({ verb: z.literal('reminders.restore'), rev, id: reminderId }),
  // a reminder that could not be delivered where it was planned: plan it again in this chat
  z.object({ verb: z.literal('reminders.sendHere'), rev, id: reminderId }),
] as const;

/** A reminder list card submit. */
export type ReminderSubmit = z.infer<(typeof reminderSubmits)[number]>;
