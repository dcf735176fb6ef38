/**
 * The checklist's overviews, readable by anyone at any time: the whole plan (every step, what it
 * means, who does it) and the tenant's progress (every step with who did it and when).
 */
import type { Attachment } from 'botbuilder';
import { renderCard } from '../../cards/render.js';
import { GLOBAL_ADMIN_STEPS, STEP_IDS } from '../../src/domain/transition.js';
import { isPartnerCenterMark, progressHeader, type ViewContext } from './views.js';

/** The whole plan, readable by anyone: every step, what it means and who does it. */
export function planCard(v: ViewContext): Attachment {
  const { t } = v;
  return renderCard('plan', {
    title: t('plan.title'),
    intro: t('plan.intro'),
    steps: STEP_IDS.map((id, i) => ({
      number: i + 1,
      title: t(`steps.${id}.title`),
      summary: t(`steps.${id}.summary`),
      who: t('plan.who', { who: t(`performer.${GLOBAL_ADMIN_STEPS.has(id) ? 'globalAdmin' : 'anyone'}`) }),
    })),
    actions: [{ title: t('journeys.transition.resume'), data: { verb: 'menu.open', journey: 'transition' } }],
  });
}

/** Full progress: every step open with who did it and when, and the latest activity. */
export function statusCard(v: ViewContext): Attachment {
  const { t, record } = v;
  const recent = record.history
    .slice(-5)
    .reverse()
    .map((h) => {
      const step = h.action.split('.')[0] ?? '';
      const title = (STEP_IDS as readonly string[]).includes(step) ? t(`steps.${step}.title`) : t('progress.title');
      const name = isPartnerCenterMark(h) ? t('progress.partnerCenterName') : h.by.name || t('progress.someone');
      return `${t.shortDate(h.at)} · ${name} · ${title}`;
    });
  return renderCard(
    'status',
    {
      recentTitle: t('progress.recentTitle'),
      recent,
      actions: [{ title: t('journeys.transition.resume'), data: { verb: 'menu.open', journey: 'transition' } }],
    },
    progressHeader(v, true),
  );
}
