/**
 * Ticking what's-next items because a recorded fact proves them done (e.g. a partnership request
 * accepted in the chat or on the accept page), whichever path recorded the fact.
 */
import { HISTORY_LIMIT, NEXT_ITEM_IDS, STEP_IDS, type Mark, type NextItemId, type TransitionRecord } from './model.js';

/** Who a fact read from Partner Center is credited to (connected mode): the checklist shows it as "verified in Partner Center". */
export const PARTNER_CENTER_ACTOR = { id: 'partner-center', name: 'Partner Center' } as const;

/** The audit action of items ticked because Partner Center reports an indirect provider relationship. */
export const PARTNER_CENTER_PROVIDER_ACTION = 'next.partnership.verifiedInPartnerCenter';

/** What's-next items an accepted partnership request proves done (transition seed, "Find an indirect provider", "Accept a partnership invitation"). */
export const PARTNERSHIP_ITEMS: readonly NextItemId[] = ['findProvider', 'acceptPartnership'];

/**
 * Ticks what's-next `items` because a recorded fact shows they are done, e.g. a partnership request
 * accepted in the chat or on the accept page ticks {@link PARTNERSHIP_ITEMS}: the tick follows the
 * fact, whichever path recorded it. Unlike {@link applyCommand} it ignores the checklist's step and
 * the viewer's role (the fact already happened), credits `fact.by` at `fact.at`, and keeps items
 * already ticked as they are.
 * @param fact who did it and when (ISO instant), and the audit action code, e.g. `next.partnership.accepted`
 * @returns the new record (revision + 1), or `unchanged` when every item was already ticked
 *   (nothing to write).
 */
export function tickFromFact(
  record: TransitionRecord,
  items: readonly NextItemId[],
  fact: Mark & { action: string },
): { ok: true; record: TransitionRecord } | { ok: false; error: { code: 'unchanged' } } {
  const missing = items.filter((i) => !record.nextItems[i]);
  if (missing.length === 0) return { ok: false, error: { code: 'unchanged' } };
  const r: TransitionRecord = structuredClone(record);
  const mark: Mark = { by: fact.by, at: fact.at };
  for (const item of missing) r.nextItems[item] = mark;
  if (NEXT_ITEM_IDS.every((i) => r.nextItems[i]) && STEP_IDS.slice(0, -1).every((s) => r.done[s])) r.done.next = mark;
  r.revision += 1;
  r.updatedAt = fact.at;
  r.history = [...r.history, { ...mark, action: fact.action }].slice(-HISTORY_LIMIT);
  return { ok: true, record: r };
}
