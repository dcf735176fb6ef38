/**
 * Customer classification use cases: add one customer, import a CSV, classify from what the
 * assistant knows (relationships made through invitations) or from the partner's answer to the
 * identifying question, summarize, and export. Rules are pure functions in
 * `src/domain/customers.ts`; this orchestrates the tenant's records (every read and write names
 * its tenant) and the signed export link. No botbuilder import besides the `Storage` type.
 *
 * Source: transition seed, "Managing your direct bill customers and your indirect reseller
 * customers" and "Move your direct bill customers to your indirect provider".
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from 'botbuilder';
import {
  answerIdentifyingQuestion,
  classifyFromPartnerCenter,
  classifyFromRelationships,
  customersCsv,
  importCustomers,
  newCustomerRecord,
  parseCustomerCsv,
  validateCustomerInput,
  type Customer,
  type CustomerFieldError,
  type CustomerProviderRef,
  type CustomerRecord,
  type CsvField,
  type CsvProblem,
  type CsvRowError,
  type IdentifyingAnswer,
} from '../domain/customers.js';
import { signToken, verifyToken, type TokenProblem } from '../domain/invitationToken.js';
import type { Invitation } from '../domain/invitations.js';
import type { Actor } from '../domain/transition.js';
import { SUPPORTED_LOCALES, translator } from '../i18n/index.js';
import type { InvitationService } from '../invitations/invitationService.js';
import type { ChangeLog } from '../store/changeLog.js';
import { TenantRecords } from '../store/tenantRecords.js';
import type { PartnerCenterClient } from '../partnerCenter/client.js';
import type { PartnerCenterConnection, PartnerCenterToken } from '../partnerCenter/connection.js';
import type { ChecklistService } from '../checklist/checklistService.js';
import { readPartnerCenterCustomers } from './partnerCenterImport.js';

/**
 * The headers this assistant's export uses in every language, so a file exported in German (or
 * Russian, or Chinese) imports again.
 */
const EXPORT_HEADERS: Record<CsvField, string[]> = Object.fromEntries(
  (['name', 'domain', 'tenantId'] as const).map((field) => [field, SUPPORTED_LOCALES.map((l) => translator(l)(`customers.csv.${field}`))]),
) as Record<CsvField, string[]>;

/** How long an export download link stays valid, in ms (1 hour). */
export const EXPORT_LINK_MS = 3_600_000;

/** What {@link CustomerService} needs. */
export interface CustomerServiceDeps {
  storage: Storage;
  invitations: InvitationService;
  /** HMAC secret shared with invitation links (at least 32 bytes). */
  secret: Buffer;
  /** Absolute base URL of this server (links), no trailing slash. */
  publicBaseUrl: () => string;
  /** The bot's clock (tests pass a fixed one). */
  clock?: () => Date;
  /** Where customer record writes are noted (no reminders are planned from them). */
  changeLog?: ChangeLog;
  /** Connected mode: how to reach Partner Center (undefined: manual mode). */
  partnerCenter?: PartnerCenterConnection;
  /** Ticks the checklist's partnership items when Partner Center reports an indirect provider. */
  checklist?: ChecklistService;
}

/** How old the last Partner Center read may be before opening the customers reads again, in ms (15 minutes). */
export const PARTNER_CENTER_REFRESH_MS = 15 * 60_000;

/** What an import did: counts, the customers now unknown, and the rows refused (by line and field). */
export interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
  errors: CsvRowError[];
  /** Customers whose class is still unknown after the import and the automatic classification. */
  unknown: number;
  /** Customers classified automatically from relationships during this import. */
  classified: number;
}

/** What a Partner Center read did: customers listed, by class, added and reclassified, the providers found, when it was read. */
export interface PartnerCenterSyncReport {
  customers: number;
  directBill: number;
  indirectReseller: number;
  added: number;
  reclassified: number;
  /** Customers not added because the record is full (`MAX_CUSTOMERS`). */
  skipped: number;
  /** The reseller's indirect providers in Partner Center (tenant id and name). */
  providers: CustomerProviderRef[];
  /** Ids of reseller invitations sent with Partner Center's own link that this read showed accepted. */
  invitationsAccepted: string[];
  readAt: string;
}

/** The customer classification use cases (see the module comment). */
export class CustomerService {
  readonly customers: TenantRecords<CustomerRecord>;
  private readonly clock: () => Date;

  constructor(private readonly deps: CustomerServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.customers = new TenantRecords(deps.storage, 'customers', newCustomerRecord, 1, this.clock, deps.changeLog ? { changeLog: deps.changeLog } : {});
  }

  /**
   * The tenant's customers, first brought up to date with its relationships: a customer who
   * accepted an indirect reseller invitation (or was added by the provider, or moved) is classified
   * as indirect; nothing else is guessed. Saves only when something changed.
   */
  async synced(tenantId: string): Promise<CustomerRecord> {
    const links = (await this.deps.invitations.relationships.get(tenantId)).customers;
    if (links.length === 0) return this.customers.get(tenantId);
    const now = this.clock();
    const result = await this.customers.update(tenantId, (r) => {
      const c = classifyFromRelationships(r, links, now);
      return c.changed.length > 0 ? { ok: true as const, record: c.record } : { ok: false as const, error: 'unchanged' };
    });
    return result.ok ? result.record : this.customers.get(tenantId);
  }

  /** The tenant's invitations (for the move status of direct bill customers). */
  async invitationsOf(tenantId: string): Promise<Invitation[]> {
    return (await this.deps.invitations.invitations.get(tenantId)).invitations;
  }

  /**
   * Adds one customer from the card (name, primary domain, optional tenant ID), or updates the one
   * with the same domain. Returns the customer as it stands after automatic classification.
   */
  async add(
    tenantId: string,
    actor: Actor,
    raw: Partial<Record<string, unknown>>,
  ): Promise<{ ok: true; customer: Customer; existed: boolean } | { ok: false; errors: CustomerFieldError[] } | { ok: false; tooMany: number }> {
    const v = validateCustomerInput(raw);
    if (!v.ok) return { ok: false, errors: v.errors };
    const now = this.clock();
    const result = await this.customers.update(tenantId, (r) => {
      const existed = r.customers.some((c) => c.domain === v.value.domain);
      const imported = importCustomers(r, [v.value], actor, now, 'card');
      return imported.ok ? { ...imported, existed } : { ok: false as const, error: imported.error };
    });
    if (!result.ok) return { ok: false, tooMany: result.error.limit };
    const record = await this.synced(tenantId);
    const customer = record.customers.find((c) => c.domain === v.value.domain)!;
    return { ok: true, customer, existed: result.existed };
  }

  /** The connected mode in use (`fake`: the bundled fake with demo data), or undefined in manual mode. */
  get partnerCenterMode(): PartnerCenterConnection['mode'] | undefined {
    return this.deps.partnerCenter?.mode;
  }

  /**
   * True when connected and `tenantId`'s customers were never read from Partner Center or the last
   * read is older than {@link PARTNER_CENTER_REFRESH_MS}.
   */
  async partnerCenterStale(tenantId: string): Promise<boolean> {
    if (!this.deps.partnerCenter) return false;
    const readAt = (await this.customers.get(tenantId)).partnerCenter?.readAt;
    return readAt === undefined || this.clock().getTime() - Date.parse(readAt) >= PARTNER_CENTER_REFRESH_MS;
  }

  /**
   * Connected mode: the tenant's customers, read again from Partner Center first when the last read
   * is older than {@link PARTNER_CENTER_REFRESH_MS} (or `force`), as the user `token` gives
   * Partner Center tokens for (app + user authentication; see `PartnerCenterConnection.clientFor`).
   * Manual mode: {@link synced}.
   * @throws PartnerCenterError when the read fails (the stored record is unchanged); whatever
   *   `token` throws (e.g. `TokenBrokerError`), also with nothing changed
   */
  async connectedSynced(tenantId: string, force = false, token?: PartnerCenterToken): Promise<{ record: CustomerRecord; report?: PartnerCenterSyncReport }> {
    const connection = this.deps.partnerCenter;
    if (!connection || (!force && !(await this.partnerCenterStale(tenantId)))) return { record: await this.synced(tenantId) };
    const report = await this.syncFromPartnerCenter(tenantId, connection.clientFor(tenantId, token));
    return { record: await this.synced(tenantId), report };
  }

  /**
   * Connected mode: reads the reseller's customers from Partner Center and classifies them from
   * its data (direct bill, or indirect reseller with the provider that serves them; basis
   * `partnerCenter`), in one write. Customers only typed or imported here are left as they are.
   * An active indirect provider ticks the checklist's partnership items ("verified in Partner Center").
   * @throws PartnerCenterError when a read fails (nothing is saved then)
   */
  async syncFromPartnerCenter(tenantId: string, client: PartnerCenterClient, signal?: AbortSignal): Promise<PartnerCenterSyncReport> {
    const now = this.clock();
    const { snapshot, providers } = await readPartnerCenterCustomers(client, now.toISOString(), signal);
    let counts = { added: 0, reclassified: 0, skipped: 0 };
    await this.customers.update(tenantId, (r) => {
      const c = classifyFromPartnerCenter(r, snapshot, now);
      counts = { added: c.added.length, reclassified: c.reclassified.length, skipped: c.skipped };
      return { ok: true as const, record: c.record };
    });
    // an active indirect provider relationship proves the checklist's partnership items done
    const active = providers.filter((p) => !p.state || p.state.toLowerCase() === 'active');
    await this.deps.checklist?.tickFromPartnerCenter(tenantId, active.length, snapshot.readAt);
    // a customer invited with Partner Center's own link who is now a customer has accepted it
    const domains = new Set(snapshot.customers.map((c) => c.domain.trim().toLowerCase()));
    const invitationsAccepted = await this.deps.invitations.acceptSeenInPartnerCenter(tenantId, domains, snapshot.readAt);
    const indirect = snapshot.customers.filter((c) => c.provider).length;
    return {
      customers: snapshot.customers.length,
      directBill: snapshot.customers.length - indirect,
      indirectReseller: indirect,
      ...counts,
      providers: providers.map((p) => ({ tenantId: p.id.toLowerCase(), name: p.name })),
      invitationsAccepted,
      readAt: snapshot.readAt,
    };
  }

  /**
   * Connected mode: Partner Center's own reseller relationship request link for the partner
   * (`GET /v1/customers/relationshiprequests`), read as the user `token` gives tokens for, with
   * when it was read (ISO). Undefined in manual mode.
   * @throws PartnerCenterError when the read fails; whatever `token` throws (e.g. `TokenBrokerError`)
   */
  async relationshipRequestLink(tenantId: string, token?: PartnerCenterToken, signal?: AbortSignal): Promise<{ url: string; readAt: string } | undefined> {
    const connection = this.deps.partnerCenter;
    if (!connection) return undefined;
    const url = await connection.clientFor(tenantId, token).resellerRelationshipRequestUrl(signal);
    return { url, readAt: this.clock().toISOString() };
  }

  /**
   * Imports customers from CSV text. Good rows are saved (re-importing the same file adds nothing),
   * bad rows are reported by line and field, and known relationships classify what they can.
   */
  async importCsv(
    tenantId: string,
    actor: Actor,
    text: string,
  ): Promise<{ ok: true; report: ImportReport } | { ok: false; problem: CsvProblem; detail?: string } | { ok: false; tooMany: number }> {
    const parsed = parseCustomerCsv(text, EXPORT_HEADERS);
    if (!parsed.ok) return parsed;
    const now = this.clock();
    const before = await this.customers.get(tenantId);
    const knownBefore = before.customers.filter((c) => c.class !== 'unknown').length;
    let counts = { added: 0, updated: 0, unchanged: 0 };
    const result = await this.customers.update(tenantId, (r) => {
      const imported = importCustomers(
        r,
        parsed.rows.map((row) => row.value),
        actor,
        now,
        'import',
      );
      if (!imported.ok) return imported;
      counts = { added: imported.added.length, updated: imported.updated.length, unchanged: imported.unchanged };
      // nothing new: report without writing
      if (counts.added + counts.updated === 0) return { ok: false as const, error: { code: 'unchanged' as const } };
      return imported;
    });
    if (!result.ok && result.error.code === 'tooMany') return { ok: false, tooMany: result.error.limit };
    const record = await this.synced(tenantId);
    const known = record.customers.filter((c) => c.class !== 'unknown').length;
    return {
      ok: true,
      report: {
        ...counts,
        errors: parsed.errors,
        unknown: record.customers.length - known,
        classified: Math.max(0, known - knownBefore),
      },
    };
  }

  /** Records the partner's answer to the identifying question for one customer (stale-card guarded). */
  async answer(
    tenantId: string,
    actor: Actor,
    domain: string,
    answer: IdentifyingAnswer,
    provider?: CustomerProviderRef,
    expectedRevision?: number,
  ): Promise<{ ok: true; customer: Customer; record: CustomerRecord } | { ok: false; error: { code: 'notFound' } | { code: 'stale' } }> {
    const now = this.clock();
    const result = await this.customers.update(tenantId, (r) => answerIdentifyingQuestion(r, domain, answer, actor, now, provider, expectedRevision));
    return result.ok ? { ok: true, customer: result.customer, record: result.record } : { ok: false, error: result.error };
  }

  /** A download link for the tenant's classified list as CSV, valid {@link EXPORT_LINK_MS}. */
  exportUrl(tenantId: string): string {
    const token = signToken(this.deps.secret, {
      v: 1,
      p: 'export',
      t: tenantId,
      k: 'customers',
      i: 'export',
      n: randomBytes(6).toString('base64url'),
      e: this.clock().getTime() + EXPORT_LINK_MS,
    });
    return `${this.deps.publicBaseUrl()}/exports/customers/${token}`;
  }

  /**
   * The CSV behind an export link, with headers and values from `label` (the reader's language).
   * @returns the tenant and the CSV text, or why the link can't be used.
   */
  async exportCsv(token: string, label: (key: string) => string): Promise<{ ok: true; tenantId: string; csv: string } | { ok: false; problem: TokenProblem }> {
    const now = this.clock();
    const verified = verifyToken(this.deps.secret, token, now, { purpose: 'export', kind: 'customers' });
    if (!verified.ok) return { ok: false, problem: verified.problem };
    const tenantId = verified.claims.t;
    const record = await this.synced(tenantId);
    return { ok: true, tenantId, csv: customersCsv(record, await this.invitationsOf(tenantId), now, label) };
  }
}
