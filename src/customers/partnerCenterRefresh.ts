/**
 * Scheduled Partner Center reads (connected mode): each connected tenant's customers are read again
 * in the background every `PARTNER_CENTER_REFRESH_MINUTES`, as the person who last read them in the
 * chat. Nothing secret is kept: the schedule names that person (channel user id and channel), and a
 * background read asks the Bot Framework token service for their token (which it keeps and
 * refreshes); Partner Center tokens are minted on their behalf as in a chat turn. A person who has
 * signed out pauses the tenant's background reads until someone reads again in the chat.
 *
 * One deployment-wide record, `partnerCenter/schedule`, maps each tenant to its reader and the last
 * background outcome; the last read time is the customer record's own (`partnerCenter.readAt`), so a
 * read made in the chat moves the next background read back.
 *
 * @module
 */
import type { Storage } from 'botbuilder';
import { PeriodicCheck } from '../app/periodicCheck.js';
import type { Logger } from '../logger.js';
import type { PartnerCenterToken } from '../partnerCenter/connection.js';
import { PartnerCenterError } from '../partnerCenter/errors.js';
import { TenantRecords } from '../store/tenantRecords.js';
import type { CustomerService } from './customerService.js';

/** Who a tenant's reads are made as: the chat user id the token service knows them by, and the channel. */
export interface PartnerCenterReader {
  userId: string;
  channelId: string;
}

/** One tenant in the schedule: its reader, and how the last background read went (ISO times). */
export interface ScheduledTenant {
  reader: PartnerCenterReader;
  lastAttemptAt?: string;
  /** `signedOut`: the reader has no token any more (paused); else a Partner Center or token error code. */
  lastProblem?: string;
}

/** The schedule record. */
export interface PartnerCenterScheduleRecord {
  schemaVersion: 1;
  revision: number;
  updatedAt: string;
  tenants: Record<string, ScheduledTenant>;
}

/** At most this many tenants are read per check (ms between checks: the refresh interval / 4). */
export const TENANTS_PER_CHECK = 20;

const SCHEDULE_KEY = 'partnerCenter/schedule';

/**
 * Asks the token service for `reader`'s token (the bot's API), outside a turn; undefined when they
 * are not signed in. startApp builds it over the adapter's authentication.
 */
export type ReaderToken = (reader: PartnerCenterReader) => Promise<string | undefined>;

/** What {@link PartnerCenterRefresh} needs. */
export interface PartnerCenterRefreshDeps {
  storage: Storage;
  customers: CustomerService;
  /** Mints Partner Center tokens from a reader's token; absent in the demo without sign-in (the fake's own token is used). */
  partnerCenterToken?: (userToken: string) => PartnerCenterToken;
  readerToken?: ReaderToken;
  /** Minutes between two reads of one tenant. */
  intervalMinutes: number;
  clock: () => Date;
  logger?: Logger;
}

/** What one check did. */
export interface RefreshReport {
  due: number;
  read: number;
  signedOut: number;
  failed: number;
}

/** The schedule and its background checks (see the module notes). */
export class PartnerCenterRefresh {
  private readonly schedule: TenantRecords<PartnerCenterScheduleRecord>;
  private readonly checks = new PeriodicCheck(
    () => this.tick(),
    (err) => this.deps.logger?.error({ err: err.message }, 'partner center refresh: check failed'),
  );

  constructor(private readonly deps: PartnerCenterRefreshDeps) {
    this.schedule = new TenantRecords<PartnerCenterScheduleRecord>(
      deps.storage,
      'schedule',
      (_id, now) => ({ schemaVersion: 1, revision: 0, updatedAt: now.toISOString(), tenants: {} }),
      1,
      deps.clock,
      { keyOf: () => SCHEDULE_KEY },
    );
  }

  /** Puts `tenantId` on the schedule, read as `reader` from now on (after a read in the chat). No write when nothing changes. */
  async remember(tenantId: string, reader: PartnerCenterReader): Promise<void> {
    await this.schedule.update(SCHEDULE_KEY, (s) => {
      const known = s.tenants[tenantId];
      if (known && known.reader.userId === reader.userId && known.reader.channelId === reader.channelId && !known.lastProblem) {
        return { ok: false as const, error: { code: 'unchanged' as const } };
      }
      return { ok: true as const, record: this.with(s, tenantId, { reader }) };
    });
  }

  /** The schedule as stored (for tests and diagnostics). */
  async entries(): Promise<Record<string, ScheduledTenant>> {
    return (await this.schedule.get(SCHEDULE_KEY)).tenants;
  }

  /**
   * One check: every scheduled tenant whose last read is at least the interval old (oldest first,
   * at most {@link TENANTS_PER_CHECK}) is read again as its reader. A reader without a token pauses
   * the tenant (`signedOut`); a failed read is recorded and tried at the next check. Never throws
   * for one tenant's failure.
   */
  async tick(): Promise<RefreshReport> {
    const report: RefreshReport = { due: 0, read: 0, signedOut: 0, failed: 0 };
    const now = this.deps.clock().getTime();
    const schedule = await this.schedule.get(SCHEDULE_KEY);
    const candidates: Array<[string, ScheduledTenant, number]> = [];
    for (const [tenantId, entry] of Object.entries(schedule.tenants)) {
      if (entry.lastProblem === 'signedOut') continue;
      const readAt = (await this.deps.customers.customers.get(tenantId)).partnerCenter?.readAt;
      const last = Math.max(readAt ? Date.parse(readAt) : 0, entry.lastAttemptAt && entry.lastProblem ? Date.parse(entry.lastAttemptAt) : 0);
      if (now - last >= this.deps.intervalMinutes * 60_000) candidates.push([tenantId, entry, last]);
    }
    candidates.sort((a, b) => a[2] - b[2]);
    for (const [tenantId, entry] of candidates.slice(0, TENANTS_PER_CHECK)) {
      report.due++;
      const outcome = await this.readTenant(tenantId, entry.reader);
      report[outcome === 'read' ? 'read' : outcome === 'signedOut' ? 'signedOut' : 'failed']++;
      await this.schedule.update(SCHEDULE_KEY, (s) => ({
        ok: true as const,
        record: this.with(s, tenantId, {
          reader: entry.reader,
          lastAttemptAt: this.deps.clock().toISOString(),
          ...(outcome === 'read' ? {} : { lastProblem: outcome }),
        }),
      }));
    }
    return report;
  }

  /** Checks every `intervalMs` (one check at a time) until {@link stop}. */
  start(intervalMs: number): void {
    this.checks.start(intervalMs);
  }

  /** Stops the checks and waits for one in progress. */
  stop(): Promise<void> {
    return this.checks.stop();
  }

  /** Reads one tenant as `reader`: `read`, `signedOut`, or the failure's code (logged without tokens). */
  private async readTenant(tenantId: string, reader: PartnerCenterReader): Promise<string> {
    let token: PartnerCenterToken | undefined;
    if (this.deps.partnerCenterToken) {
      const userToken = await this.deps.readerToken?.(reader).catch(() => undefined);
      if (!userToken) return 'signedOut';
      token = this.deps.partnerCenterToken(userToken);
    }
    try {
      const synced = await this.deps.customers.connectedSynced(tenantId, true, token);
      this.deps.logger?.info({ tenantId, customers: synced.report?.customers }, 'partner center refresh: read');
      return 'read';
    } catch (err) {
      const code = err instanceof PartnerCenterError ? err.code : ((err as { code?: unknown }).code ?? 'failed');
      this.deps.logger?.warn({ tenantId, code }, 'partner center refresh: read failed');
      return String(code);
    }
  }

  private with(s: PartnerCenterScheduleRecord, tenantId: string, entry: ScheduledTenant): PartnerCenterScheduleRecord {
    return { ...s, revision: s.revision + 1, updatedAt: this.deps.clock().toISOString(), tenants: { ...s.tenants, [tenantId]: entry } };
  }
}
