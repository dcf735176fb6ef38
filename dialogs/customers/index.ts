/**
 * The customer classification journey: add or import customers, classify each as direct bill or
 * indirect reseller, follow the moves. Registered in `dialogs/registry.ts`.
 */
import type { LoopJourney } from '../journey.js';
import { CUSTOMER_DIALOG, CustomerDialog, type CustomerOptions } from './dialog.js';
import { customerSubmits } from './submits.js';
import { recognizeCustomers } from './triggers.js';

const menu = [{ id: 'customers', position: 4, options: { stage: 'summary' } }] as const satisfies readonly {
  id: string;
  position: number;
  options: CustomerOptions;
}[];

export const customerJourney = {
  kind: 'loop',
  id: 'customers',
  verbPrefix: 'customers.',
  submits: customerSubmits,
  menu,
  dialogId: CUSTOMER_DIALOG,
  answerNow: { handleCurrentActivity: true },
  recognize: (t, activity) => recognizeCustomers(t, activity),
  create: (services, router) => new CustomerDialog(services.customers, services.invitations, menu, router, services.partnerCenterRefresh),
} satisfies LoopJourney<CustomerOptions>;
