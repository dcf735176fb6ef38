/** The account journey: sign-in state and roles ("sign in", "my roles", "sign out"). Registered in `dialogs/registry.ts`. */
import type { LoopJourney } from '../journey.js';
import { ACCOUNT_DIALOG, AccountDialog, type AccountOptions } from './dialog.js';
import { accountSubmits } from './submits.js';
import { recognizeAccount } from './triggers.js';

const menu = [] as const satisfies readonly { id: string; position: number; options: AccountOptions }[];

export const accountJourney = {
  kind: 'loop',
  id: 'account',
  verbPrefix: 'account.',
  submits: accountSubmits,
  menu,
  dialogId: ACCOUNT_DIALOG,
  answerNow: { handleCurrentActivity: true },
  recognize: (t, activity) => recognizeAccount(t, activity.text),
  create: (services, router) =>
    new AccountDialog({ checklist: services.checklist, ...(services.identity ? { connectionName: services.identity.connectionName } : {}) }, menu, router),
} satisfies LoopJourney<AccountOptions>;
