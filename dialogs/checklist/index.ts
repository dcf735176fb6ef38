/**
 * The checklist journey: the transition from direct bill partner to indirect reseller, step by
 * step, shared by every admin of the tenant. Registered in `dialogs/registry.ts`.
 */
import type { LoopJourney } from '../journey.js';
import { CHECKLIST_DIALOG, ChecklistDialog, type ChecklistOptions } from './dialog.js';
import { checklistSubmits } from './submits.js';
import { recognizeIntent } from './triggers.js';

const menu = [{ id: 'transition', position: 1, options: {} }] as const satisfies readonly { id: string; position: number; options: ChecklistOptions }[];

export const checklistJourney = {
  kind: 'loop',
  id: 'checklist',
  verbPrefix: 'transition.',
  submits: checklistSubmits,
  menu,
  dialogId: CHECKLIST_DIALOG,
  answerNow: { handleCurrentActivity: true },
  commands: { status: { intent: 'status' }, plan: { intent: 'plan' } },
  recognize: (t, activity) => {
    const intent = recognizeIntent(t, activity.text);
    if (intent === 'approved') return { intent: 'approved' };
    return intent === 'continue' ? {} : undefined;
  },
  create: (services, router) => new ChecklistDialog(services.checklist, menu, router),
} satisfies LoopJourney<ChecklistOptions>;
