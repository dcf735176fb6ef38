import type { Storage } from 'botbuilder';
import { newTransitionRecord, type TransitionRecord } from '../domain/transition.js';
import type { ChangeLog } from './changeLog.js';
import { TenantRecords } from './tenantRecords.js';

/**
 * Each tenant's {@link TransitionRecord}, the checklist (key `tenants/<tenantId>/transition`).
 * Writes are noted in `changeLog` when given (reminders are planned from them).
 */
export class TransitionRepository extends TenantRecords<TransitionRecord> {
  constructor(storage: Storage, clock: () => Date = () => new Date(), changeLog?: ChangeLog) {
    super(storage, 'transition', newTransitionRecord, 1, clock, changeLog ? { changeLog } : {});
  }
}
