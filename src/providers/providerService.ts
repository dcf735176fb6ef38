/**
 * The provider discovery use cases: search the directory of indirect providers (only those that
 * serve the partner's country/region), keep the tenant-wide shortlist, mark providers as
 * contacted, and choose one, which ticks "Find an indirect provider" in the checklist through
 * {@link ChecklistService}. Rules are pure functions in `src/domain/providers.ts` (ranking, the
 * region rule) and `src/domain/providerChoice.ts` (shortlist limit, stale-card guard).
 *
 * Source: transition seed (`../shared/seeds/transition-direct-bill-to-indirect-reseller.en.md`),
 * "Find an indirect provider" and "Accept a partnership invitation"; seed 003, "Connect with an
 * indirect provider".
 *
 * Writes run as units of work of the injected change log (see `src/store/changeLog.ts`); times
 * come from the constructor's clock (the bot's).
 */
import {
  applyProviderChoice,
  newProviderChoiceRecord,
  type ProviderChoiceCommand,
  type ProviderChoiceError,
  type ProviderChoiceRecord,
} from '../domain/providerChoice.js';
import { rankProviders, type Priority, type Provider, type ProviderDirectory, type RankedProvider } from '../domain/providers.js';
import type { Actor } from '../domain/transition.js';
import type { ChecklistService } from '../checklist/checklistService.js';
import { inUnitOfWork, type ChangeLog } from '../store/changeLog.js';
import { TenantRecords } from '../store/tenantRecords.js';
import type { Storage } from 'botbuilder';

/** How many ranked providers a search returns by default (the rest are counted, not returned). */
export const SEARCH_RESULTS = 5;

/** A search's answer: the tenant's provider record (with the search saved), the best providers and how many serve the country. */
export interface ProviderSearch {
  /** The tenant's record after saving this search as `lastSearch` (the stored one if saving failed). */
  choice: ProviderChoiceRecord;
  /** At most `limit` providers serving the country/region, best first, each with why it ranks there. */
  ranked: RankedProvider[];
  /** How many providers in the directory serve the country/region. */
  total: number;
}

/**
 * {@link ProviderService.apply}'s outcome: the new record and the provider the command named, or
 * why it was refused (`stale` card, `shortlistFull`, `unknownProvider`; nothing written). For
 * `choose`, `ticked` tells whether "Find an indirect provider" is now ticked in the checklist
 * (false when the checklist refused it, e.g. a stale or locked record).
 */
export type ProviderChange = { ok: true; record: ProviderChoiceRecord; provider?: Provider; ticked?: boolean } | { ok: false; error: ProviderChoiceError };

/** What {@link ProviderService} needs. */
export interface ProviderServiceDeps {
  storage: Storage;
  /** The directory loaded at start-up (`loadProviderDirectory`). */
  directory: ProviderDirectory;
  checklist: ChecklistService;
  /** The bot's clock (tests pass a fixed one). */
  clock?: () => Date;
  changeLog?: ChangeLog;
}

/** The provider discovery use cases (see the module comment). */
export class ProviderService {
  /** The providers this deployment knows (read-only). */
  readonly directory: ProviderDirectory;
  /** Each tenant's {@link ProviderChoiceRecord} (`tenants/<tenantId>/providers`). */
  readonly choices: TenantRecords<ProviderChoiceRecord>;
  private readonly clock: () => Date;

  constructor(private readonly deps: ProviderServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.directory = deps.directory;
    this.choices = new TenantRecords(deps.storage, 'providers', newProviderChoiceRecord, 1, this.clock, deps.changeLog ? { changeLog: deps.changeLog } : {});
  }

  /** The tenant's shortlist, contacted providers, chosen provider and last search (an empty record when none is stored). */
  choice(tenantId: string): Promise<ProviderChoiceRecord> {
    return this.choices.get(tenantId);
  }

  /**
   * Ranks the providers serving `country` for `priorities` (`rankProviders`: only providers that
   * serve the country/region, the CSP region rule) and saves the search as the tenant's
   * `lastSearch` (to resume it; by `actor`, now).
   * @param country ISO 3166-1 alpha-2 code
   * @param options `language`: the reader's ISO 639-1 code (for the `language` priority);
   *   `limit`: how many to return, default {@link SEARCH_RESULTS}
   */
  async search(
    tenantId: string,
    actor: Actor,
    country: string,
    priorities: Priority[],
    options: { language?: string; limit?: number } = {},
  ): Promise<ProviderSearch> {
    const saved = await this.apply(tenantId, actor, { type: 'search', country, priorities });
    const choice = saved.ok ? saved.record : await this.choices.get(tenantId);
    const ranked = rankProviders(
      this.directory,
      { country, priorities, ...(options.language ? { language: options.language } : {}) },
      options.limit ?? SEARCH_RESULTS,
    );
    return { choice, ranked, total: this.directory.servingCountry(country).length };
  }

  /**
   * Applies a search, shortlist, contacted or choose command by `actor` now (`applyProviderChoice`:
   * choosing or contacting also shortlists; at most `SHORTLIST_LIMIT` providers). Choosing also
   * ticks "Find an indirect provider" in the checklist (allowed at any step, `ANY_TIME_ITEMS`).
   * @param rev the record revision the user's card was rendered from (`stale` otherwise); omit for none.
   */
  apply(tenantId: string, actor: Actor, command: ProviderChoiceCommand, rev?: number): Promise<ProviderChange> {
    return inUnitOfWork(this.deps.changeLog, async () => {
      const exists = (id: string) => command.type === 'search' || this.directory.get(id) !== undefined;
      const result = await this.choices.update(tenantId, (r) => applyProviderChoice(r, command, actor, this.clock(), exists, rev));
      if (!result.ok) return { ok: false, error: result.error };
      if (command.type === 'search') return { ok: true, record: result.record };
      const provider = this.directory.get(command.providerId);
      if (command.type !== 'choose') return { ok: true, record: result.record, ...(provider ? { provider } : {}) };
      const ticked = await this.deps.checklist.apply(tenantId, actor, { type: 'setNextItem', item: 'findProvider', done: true });
      return { ok: true, record: result.record, ...(provider ? { provider } : {}), ticked: ticked.ok };
    });
  }
}
