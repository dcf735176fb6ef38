/**
 * The welcome card: what the assistant does, the journeys it has (from the registry's menu), and
 * where the tenant stands.
 */
import type { Attachment } from 'botbuilder';
import { renderCard } from '../cards/render.js';
import { PENDING_REMINDER_DAYS } from '../src/domain/invitations.js';
import { STEP_IDS, currentStep, nextAction, type TransitionRecord } from '../src/domain/transition.js';
import type { Translator } from '../src/i18n/index.js';
import { MENU } from './registry.js';

/** The status line: not started, at step n of N, complete or not eligible; plus invitations waiting for an answer. */
function statusLine(t: Translator, record: TransitionRecord | undefined, userId: string, waitingInvitations: number): string {
  const started = record !== undefined && record.revision > 0;
  const action = record ? nextAction(record, userId) : undefined;
  const cur = record ? currentStep(record) : undefined;
  let status = t('welcome.statusNotStarted');
  if (started && action?.kind === 'complete') status = t('welcome.statusComplete');
  else if (started && action?.kind === 'ineligible') status = t('welcome.statusIneligible');
  else if (started && cur)
    status = t('welcome.statusInProgress', { current: STEP_IDS.indexOf(cur) + 1, total: STEP_IDS.length, title: t(`steps.${cur}.title`) });
  if (waitingInvitations > 0) status = `${status} ${t('welcome.invitationsWaiting', { count: waitingInvitations, days: PENDING_REMINDER_DAYS })}`;
  return status;
}

/**
 * Builds the welcome card for the user's tenant.
 * @param record the tenant's checklist (undefined when the turn has no tenant)
 * @param waitingInvitations invitations past their reminder point (days: `PENDING_REMINDER_DAYS`)
 */
export function welcomeCard(t: Translator, record: TransitionRecord | undefined, userId: string, userName?: string, waitingInvitations = 0): Attachment {
  const started = record !== undefined && record.revision > 0;
  const firstName = userName?.split(/\s+/)[0];
  return renderCard('welcome', {
    title: t('welcome.title', { greetingName: firstName ? ` ${firstName}` : '' }),
    intro: t('welcome.intro'),
    status: statusLine(t, record, userId, waitingInvitations),
    journeysTitle: t('welcome.journeysTitle'),
    journeys: MENU.map(({ id }) => ({
      title: t(`journeys.${id}.title`),
      description: t(`journeys.${id}.description`),
      button: id === 'transition' && started ? t('journeys.transition.resume') : t(`journeys.${id}.start`),
      data: { verb: 'menu.open', journey: id },
    })),
    commandsHint: t('welcome.commandsHint'),
  });
}
