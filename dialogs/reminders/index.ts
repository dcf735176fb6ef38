/**
 * The reminder list: what the assistant will remind the tenant of, and when; cancel or restore one.
 * It answers at any prompt (typed `reminders`, or one of its buttons) and leaves the journey in
 * progress where it was. Registered in `dialogs/registry.ts`.
 */
import { MessageFactory, TurnContext } from 'botbuilder';
import type { ReminderResult, ReminderTarget } from '../../src/domain/reminders.js';
import type { ReminderService } from '../../src/reminders/reminderService.js';
import { dispatch, type HandlerMap, type OverlayJourney } from '../journey.js';
import { matches } from '../recognizer.js';
import { turnInfo } from '../turnInfo.js';
import { reminderSubmits, type ReminderSubmit } from './submits.js';
import { remindersCard } from './views.js';

/** A handler's outcome: show the list (with a notice line), or stop (the refusal was said). */
type Outcome = { show: true; notice?: string } | { show: false };

/** Tells the user about a refused change; a stale card still shows the current list. */
async function outcomeOf(context: TurnContext, result: ReminderResult, doneKey: string): Promise<Outcome> {
  const { t } = turnInfo(context);
  if (result.ok) return { show: true, notice: t(doneKey) };
  const status = 'status' in result.error ? t(`reminders.statusName.${result.error.status}`) : '';
  await context.sendActivity(t(`reminders.errors.${result.error.code}`, { status }));
  return { show: result.error.code === 'stale' };
}

/** This turn's conversation as a reminder target (a new message, not a reply), in the user's language. */
function thisChat(context: TurnContext): ReminderTarget {
  const { t, actor } = turnInfo(context);
  const { activityId: _replyTo, ...conversation } = TurnContext.getConversationReference(context.activity);
  return { conversation, locale: t.locale, user: actor };
}

function handlers(reminders: ReminderService): HandlerMap<ReminderSubmit, TurnContext, Outcome> {
  return {
    'reminders.show': async () => ({ show: true }),
    'reminders.cancel': async (context, s) => {
      const { tenantId, actor } = turnInfo(context);
      return outcomeOf(context, await reminders.cancel(tenantId!, s.id, s.rev, actor), 'reminders.cancelled');
    },
    'reminders.restore': async (context, s) => outcomeOf(context, await reminders.restore(turnInfo(context).tenantId!, s.id, s.rev), 'reminders.restored'),
    'reminders.sendHere': async (context, s) =>
      outcomeOf(context, await reminders.sendHere(turnInfo(context).tenantId!, s.id, s.rev, thisChat(context)), 'reminders.sentHere'),
  };
}

export const reminderJourney = {
  kind: 'overlay',
  id: 'reminders',
  verbPrefix: 'reminders.',
  submits: reminderSubmits,
  handle: async (context, parsed, services) => {
    const { reminders } = services;
    const { t, tenantId } = turnInfo(context);
    const own = parsed?.ok && parsed.submit.verb.startsWith('reminders.') ? (parsed.submit as ReminderSubmit) : undefined;
    if (!reminders || !tenantId) return false;
    if (!own && (parsed || !matches(t, 'commands.reminders', context.activity.text))) return false;
    const outcome = own ? await dispatch(handlers(reminders), context, own) : { show: true as const };
    if (outcome.show) await context.sendActivity(MessageFactory.attachment(remindersCard(t, await reminders.list(tenantId), outcome.notice)));
    return true;
  },
} satisfies OverlayJourney;
