import type { Storage } from 'botbuilder';
import { newTransitionRecord, type TransitionRecord } from '../domain/transition.js';
import { TenantRecords } from './tenantRecords.js';

/** Each tenant's {@link TransitionRecord} (key `tenants/<tenantId>/transition`). */
export class TransitionRepository extends TenantRecords<TransitionRecord> {
  constructor(storage: Storage, clock: () => Date = () => new Date()) {
    super(storage, 'transition', newTransitionRecord, 1, clock);
  }
}
