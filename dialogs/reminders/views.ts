/**
 * The reminder cards: the proactive message itself (sent through a saved conversation reference,
 * in the language of the person who planned it) and the list with Cancel / Turn back on buttons.
 */
import type { Attachment } from 'botbuilder';
import { PENDING_REMINDER_DAYS } from '../../src/domain/invitations.js';
import { listReminders, MAX_DELIVERY_ATTEMPTS, type DeliveryFailure, type Reminder, type ReminderRecord } from '../../src/domain/reminders.js';
import type { Translator } from '../../src/i18n/index.js';
import { chunk, infoCard, submit, type Action, type SubmitAction } from '../cardKit.js';

/** The reminder's main button: where the partner acts on it. */
function actOn(t: Translator, reminder: Reminder): SubmitAction {
  const title = t(`reminders.message.${reminder.kind}.action`);
  return reminder.kind === 'invitationPending'
    ? submit(title, 'invitations.list', { filter: 'pending' }, 'positive')
    : submit(title, 'menu.open', { journey: 'transition' }, 'positive');
}

/** Short description of what a reminder is about, e.g. "Invitation to Fabrikam still pending". */
export function reminderWhat(t: Translator, reminder: Reminder): string {
  return t(`reminders.what.${reminder.kind}`, { date: reminder.expectedBy ? t.date(reminder.expectedBy) : '', label: reminder.label ?? '' });
}

/** The proactive message for `reminder` (an Adaptive Card). */
export function reminderMessageCard(t: Translator, reminder: Reminder): Attachment {
  const params = { date: reminder.expectedBy ? t.date(reminder.expectedBy) : '', label: reminder.label ?? '', count: PENDING_REMINDER_DAYS };
  return infoCard({
    title: t(`reminders.message.${reminder.kind}.title`, params),
    paragraphs: [t(`reminders.message.${reminder.kind}.body`, params)],
    footer: t('reminders.message.footer'),
    actions: [actOn(t, reminder), submit(t('reminders.message.all'), 'reminders.show')],
  });
}

/**
 * The state of a reminder whose last delivery failed, for a partner's operations lead: what
 * happened, what it means and what to do. Retried (`scheduled`): when, and why the last attempt
 * failed. `failed`: refused for good (the reason's own text: removed, blocked, chat gone...) or
 * given up after every attempt failed.
 */
function failureStatus(t: Translator, reminder: Reminder, failure: DeliveryFailure): string {
  const params = {
    date: t.shortDateTime(failure.at),
    next: t.shortDateTime(reminder.dueAt),
    name: reminder.target.user.name ?? t('reminders.failure.someone'),
    detail: [failure.status, failure.code].filter((x) => x !== undefined && x !== '').join(' '),
    why: failure.kind === 'transient' ? t(`reminders.why.${failure.reason}`) : '',
    attempts: reminder.attempts,
    max: MAX_DELIVERY_ATTEMPTS,
  };
  if (reminder.status === 'scheduled') return t('reminders.failure.retrying', params);
  return t(failure.kind === 'permanent' ? `reminders.failure.${failure.reason}` : 'reminders.failure.gaveUp', params);
}

/** One line of the list: what, and its state ("due Nov 27, 2026", "cancelled by Dana on ...", "not delivered ..."). */
function statusLine(t: Translator, reminder: Reminder): string {
  const failure = reminder.lastFailure;
  const status =
    failure && (reminder.status === 'scheduled' || reminder.status === 'failed')
      ? failureStatus(t, reminder, failure)
      : t(`reminders.status.${reminder.status}`, {
          date: t.shortDate(reminder.status === 'scheduled' ? reminder.dueAt : (reminder.sentAt ?? reminder.cancelled?.at ?? reminder.updatedAt)),
          name: reminder.cancelled?.by.name ?? t('reminders.someone'),
        });
  return t('reminders.list.line', { what: reminderWhat(t, reminder), status });
}

/** Most reminders listed on one card (open ones first); the rest are counted. */
export const REMINDERS_SHOWN = 20;

/**
 * The tenant's reminders: open ones first with a Cancel button each, then finished ones, with
 * Turn back on for cancelled ones and Send here instead for undelivered ones. Buttons carry the record's revision (a stale card is refused).
 */
export function remindersCard(t: Translator, record: ReminderRecord, notice?: string): Attachment {
  const all = listReminders(record);
  const shown = all.slice(0, REMINDERS_SHOWN);
  const buttons: SubmitAction[] = [];
  for (const r of shown) {
    const what = reminderWhat(t, r);
    if (r.status === 'scheduled')
      buttons.push(submit(t('reminders.list.cancel', { what }), 'reminders.cancel', { id: r.id, rev: record.revision }, 'destructive'));
    if (r.status === 'cancelled') buttons.push(submit(t('reminders.list.restore', { what }), 'reminders.restore', { id: r.id, rev: record.revision }));
    if (r.status === 'failed')
      buttons.push(submit(t('reminders.list.sendHere', { what }), 'reminders.sendHere', { id: r.id, rev: record.revision }, 'positive'));
  }
  const actions: Action[] = [submit(t('reminders.list.refresh'), 'reminders.show'), submit(t('reminders.list.back'), 'command', { command: 'menu' })];
  return infoCard({
    title: t('reminders.list.title'),
    paragraphs: [...(notice ? [notice] : []), t('reminders.list.intro'), ...(all.length === 0 ? [t('reminders.list.empty')] : [])],
    lines: shown.map((r) => statusLine(t, r)),
    ...(all.length > shown.length ? { footer: t('reminders.list.more', { count: all.length - shown.length }) } : {}),
    actionRows: chunk(buttons, 1).map((row) => ({ actions: row })),
    actions,
  });
}
