/**
 * A tenant's provider search: its shortlist, providers marked as contacted, and the one chosen.
 * Source: transition seed, "Find an indirect provider" (evaluate providers in your area) and
 * "Accept a partnership invitation" (the chosen provider emails a partnership invitation that the
 * global admin accepts); seed 003, "Connect with an indirect provider" (contact them to discuss
 * their reseller programs, level of support and terms).
 */
import type { Actor, Mark } from './transition.js';
import type { Priority } from './providers.js';

/** Most providers a shortlist keeps. */
export const SHORTLIST_LIMIT = 10;

/** One tenant's provider search; `revision` guards against stale cards like the checklist's. */
export interface ProviderChoiceRecord {
  schemaVersion: 1;
  tenantId: string;
  revision: number;
  updatedAt: string;
  /** The last search, to resume it: ISO country code and the priorities asked for. */
  lastSearch?: { country: string; priorities: Priority[] };
  shortlist: Array<Mark & { providerId: string }>;
  contacted: Array<Mark & { providerId: string }>;
  chosen?: Mark & { providerId: string };
}

/** A change to the provider search, from a card submit: a search, add to/remove from the shortlist, mark contacted, choose. */
export type ProviderChoiceCommand =
  | { type: 'search'; country: string; priorities: Priority[] }
  | { type: 'shortlist'; providerId: string; add: boolean }
  | { type: 'contacted'; providerId: string }
  | { type: 'choose'; providerId: string };

/** Why a provider-search command was refused: a stale card, a full shortlist ({@link SHORTLIST_LIMIT}), or a provider id not in the directory. */
export type ProviderChoiceError = { code: 'stale' } | { code: 'shortlistFull'; limit: number } | { code: 'unknownProvider' };

/** The new record, or why the command was refused. */
export type ProviderChoiceResult = { ok: true; record: ProviderChoiceRecord } | { ok: false; error: ProviderChoiceError };

/** An empty record for `tenantId`. */
export function newProviderChoiceRecord(tenantId: string, now: Date): ProviderChoiceRecord {
  return { schemaVersion: 1, tenantId, revision: 0, updatedAt: now.toISOString(), shortlist: [], contacted: [] };
}

/**
 * Applies `command` (by `actor` at `now`); returns a new record with `revision + 1`, or an error.
 * @param exists tells whether a provider id is in the directory (unknown ids are refused)
 * @param expectedRevision the revision the user's card was rendered from; a different one is `stale`
 * Choosing or contacting a provider also puts it on the shortlist. Removing a provider from the
 * shortlist keeps its contacted/chosen marks (those are history).
 */
export function applyProviderChoice(
  record: ProviderChoiceRecord,
  command: ProviderChoiceCommand,
  actor: Actor,
  now: Date,
  exists: (providerId: string) => boolean,
  expectedRevision?: number,
): ProviderChoiceResult {
  if (expectedRevision !== undefined && expectedRevision !== record.revision) return { ok: false, error: { code: 'stale' } };
  if (command.type !== 'search' && !exists(command.providerId)) return { ok: false, error: { code: 'unknownProvider' } };
  const mark: Mark = { by: actor, at: now.toISOString() };
  const r: ProviderChoiceRecord = structuredClone(record);
  const addToShortlist = (providerId: string): boolean => {
    if (r.shortlist.some((s) => s.providerId === providerId)) return true;
    if (r.shortlist.length >= SHORTLIST_LIMIT) return false;
    r.shortlist.push({ ...mark, providerId });
    return true;
  };
  switch (command.type) {
    case 'search':
      r.lastSearch = { country: command.country, priorities: [...command.priorities] };
      break;
    case 'shortlist':
      if (command.add) {
        if (!addToShortlist(command.providerId)) return { ok: false, error: { code: 'shortlistFull', limit: SHORTLIST_LIMIT } };
      } else r.shortlist = r.shortlist.filter((s) => s.providerId !== command.providerId);
      break;
    case 'contacted':
      if (!addToShortlist(command.providerId)) return { ok: false, error: { code: 'shortlistFull', limit: SHORTLIST_LIMIT } };
      if (!r.contacted.some((c) => c.providerId === command.providerId)) r.contacted.push({ ...mark, providerId: command.providerId });
      break;
    case 'choose':
      if (!addToShortlist(command.providerId)) return { ok: false, error: { code: 'shortlistFull', limit: SHORTLIST_LIMIT } };
      r.chosen = { ...mark, providerId: command.providerId };
      break;
  }
  r.revision += 1;
  r.updatedAt = mark.at;
  return { ok: true, record: r };
}
