/**
 * The two record kinds behind invitations and relationships, built once and shared: the
 * invitations and relationships use cases write them, the checklist reads them as facts (an
 * accepted partnership ticks items), the reminders read invitations as facts.
 */
import type { Storage } from 'botbuilder';
import { newInvitationRecord, type InvitationRecord } from '../domain/invitations.js';
import { newRelationshipsRecord, type RelationshipsRecord } from '../domain/relationships.js';
import type { ChangeLog } from '../store/changeLog.js';
import { TenantRecords } from '../store/tenantRecords.js';

/** A tenant's invitations (`tenants/<id>/invitations`) and relationships (`tenants/<id>/relationships`). */
export interface PartnerRecords {
  invitations: TenantRecords<InvitationRecord>;
  relationships: TenantRecords<RelationshipsRecord>;
}

/**
 * Builds the invitation and relationship repositories over `storage`.
 * @param clock stamps fresh records
 * @param changeLog where their writes are noted (reminders are planned from invitation changes)
 */
export function createPartnerRecords(storage: Storage, clock: () => Date = () => new Date(), changeLog?: ChangeLog): PartnerRecords {
  const options = changeLog ? { changeLog } : {};
  return {
    invitations: new TenantRecords(storage, 'invitations', newInvitationRecord, 1, clock, options),
    relationships: new TenantRecords(storage, 'relationships', newRelationshipsRecord, 1, clock, options),
  };
}
