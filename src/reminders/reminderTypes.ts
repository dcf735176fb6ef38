/**
 * The reminder service's constants and shapes: the deployment-wide schedule record, the tenant's
 * last known reminder target, the delivery function and what a scheduler check reports.
 */
import type { Storage } from 'botbuilder';
import type { InvitationRecord } from '../domain/invitations.js';
import type { Reminder, ReminderTarget } from '../domain/reminders.js';
import type { TransitionRecord } from '../domain/transition.js';
import type { Logger } from '../logger.js';
import type { TenantRecords } from '../store/tenantRecords.js';

/** Storage key of the deployment-wide schedule. */
export const SCHEDULE_KEY = 'reminders/schedule';
/** Default time between checks (ms). */
export const DEFAULT_TICK_MS = 60_000;
/** Tenants handled per check at most (the rest wait for the next check). */
export const TENANTS_PER_TICK = 200;
/** Tenants whose last known target this instance remembers in memory (to skip rewriting an unchanged one). */
export const KNOWN_TARGETS_CACHED = 10_000;

/** `tenants/<tenantId>/reminderTarget`: where the tenant's last planning turn happened (see the module comment). */
export interface ReminderTargetRecord {
  schemaVersion: 1;
  tenantId: string;
  updatedAt: string;
  target?: ReminderTarget;
}

/** `reminders/schedule`: per tenant, when to look next and from which reminder-record revision that was computed. */
export interface ReminderSchedule {
  schemaVersion: 1;
  revision: number;
  updatedAt: string;
  due: Record<string, { at: string; rev: number }>;
}

/**
 * Delivers one reminder (a proactive message through its saved conversation reference; the app's
 * is `proactiveDelivery`). Throws when the channel refuses or cannot be reached: the error is
 * classified (`classifyDeliveryError`) and the reminder retried later or marked failed.
 */
export type ReminderDelivery = (tenantId: string, reminder: Reminder) => Promise<void>;

/** What the service needs. */
export interface ReminderServiceDeps {
  storage: Storage;
  /** The tenants' checklists (facts of the transition kinds). */
  transitions: TenantRecords<TransitionRecord>;
  /** The tenants' invitations (facts of `invitationPending`). */
  invitations: TenantRecords<InvitationRecord>;
  deliver: ReminderDelivery;
  /** Names this instance in claims; default a random id per process start. */
  instanceId?: string;
  clock?: () => Date;
  logger?: Logger;
  /** Claim lease (ms), default `CLAIM_LEASE_MS` (`src/domain/reminders.ts`). */
  leaseMs?: number;
  /** Jitter source for retry back-off, a number in [0, 1); default `Math.random` (tests pass a fixed one). */
  random?: () => number;
}

/** What one check did (counts of reminders). */
export interface TickReport {
  tenants: number;
  claimed: number;
  sent: number;
  obsolete: number;
  /** Failed deliveries planned again (transient failure, attempts left). */
  retried: number;
  /** Failed deliveries ended: refused for good, or the last attempt failed. */
  failed: number;
}
