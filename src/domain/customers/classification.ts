/**
 * Deciding a customer's class: from the reseller's relationships (transition seed,
 * transition-direct-bill-to-indirect-reseller.en.md, "Acquire new customers as indirect reseller"
 * and "Move your direct bill customers to your indirect provider") or from the partner's answer
 * to the identifying question ("To identify customers that you acquired as a direct bill
 * partner"); and what each class allows ("Managing your direct bill customers and your indirect
 * reseller customers").
 */
import type { CustomerLink } from '../relationships.js';
import type { Actor, Mark } from '../transition.js';
import { ASSISTANT_ACTOR, bumped, MAX_CUSTOMERS, type ClassificationBasis, type Customer, type CustomerProviderRef, type CustomerRecord } from './record.js';

/** What a relationship link says about a customer's class; `undefined` when it decides nothing. */
export interface LinkClassification {
  class: 'indirectReseller';
  basis: Exclude<ClassificationBasis, 'question' | 'partnerCenter'>;
  provider?: CustomerProviderRef;
}

/**
 * The class a {@link CustomerLink} proves (transition seed, "Acquire new customers" and "Move your
 * direct bill customers"): a `resellerAndProvider` relationship (the customer authorized both the
 * reseller and the indirect provider) makes an indirect reseller customer, with the link's
 * provider; basis `moved` when `movedFromDirectBill`, else `addedByProvider` when the provider
 * created the customer, else `invitation`. A `reseller` relationship (reseller alone) decides
 * nothing: it exists for direct bill customers too. Returns `undefined` then.
 */
export function linkClassification(link: CustomerLink): LinkClassification | undefined {
  if (link.relationship !== 'resellerAndProvider') return undefined;
  const basis = link.movedFromDirectBill ? 'moved' : link.source === 'addedByProvider' ? 'addedByProvider' : 'invitation';
  const provider = link.provider ? { tenantId: link.provider.tenantId, name: link.provider.name } : undefined;
  return { class: 'indirectReseller', basis, ...(provider ? { provider } : {}) };
}

const sameProvider = (a?: CustomerProviderRef, b?: CustomerProviderRef) => (a?.name ?? '') === (b?.name ?? '') && (a?.tenantId ?? '') === (b?.tenantId ?? '');

/**
 * Classifies customers from the reseller's relationships ({@link linkClassification}), with
 * `classified.by` = {@link ASSISTANT_ACTOR} and `classified.at` = now.
 * - The relationship overrides a class set earlier, including a `directBill` answer to the
 *   identifying question given before the relationship (`classified.at` not after `link.since`):
 *   the accepted invitation is newer evidence. A question answer given after the relationship
 *   was made is kept (the partner looked at Partner Center since; otherwise the two would undo
 *   each other every time this runs).
 * - A customer already classified the same way (class, basis, provider) is not changed.
 * - A `reseller` link decides nothing: the customer keeps its class (unknown stays unknown).
 * - A link whose domain is not in the record adds the customer (`added.source` `relationship`,
 *   by the assistant) with the class the link proves, or unknown; beyond {@link MAX_CUSTOMERS}
 *   such links are skipped and counted in `skipped`.
 * `changed` lists each added or reclassified customer once. Revision +1 only if something changed.
 */
export function classifyFromRelationships(
  record: CustomerRecord,
  links: CustomerLink[],
  now: Date,
): { record: CustomerRecord; changed: Customer[]; skipped: number } {
  const at = now.toISOString();
  const index = new Map<string, number>();
  record.customers.forEach((c, i) => index.set(c.domain, i));
  let customers: Customer[] | undefined;
  const changed = new Map<string, Customer>();
  let skipped = 0;
  for (const link of links) {
    const domain = link.domain.trim().toLowerCase();
    const target = linkClassification(link);
    const i = index.get(domain);
    customers ??= record.customers.slice();
    if (i === undefined) {
      if (customers.length >= MAX_CUSTOMERS) {
        skipped++;
        continue;
      }
      const c: Customer = {
        domain,
        name: link.name.replace(/\s+/g, ' ').trim() || domain,
        class: target?.class ?? 'unknown',
        ...(target?.provider ? { provider: target.provider } : {}),
        ...(target ? { basis: target.basis, classified: { by: ASSISTANT_ACTOR, at } } : {}),
        added: { by: ASSISTANT_ACTOR, at, source: 'relationship' },
      };
      index.set(domain, customers.length);
      customers.push(c);
      changed.set(domain, c);
      continue;
    }
    if (!target) continue;
    const old = customers[i]!;
    if (old.class === target.class && old.basis === target.basis && sameProvider(old.provider, target.provider)) continue;
    if (old.basis === 'question' && old.classified && Date.parse(old.classified.at) > Date.parse(link.since)) continue;
    const { provider: _p, ...rest } = old;
    const c: Customer = {
      ...rest,
      class: target.class,
      ...(target.provider ? { provider: target.provider } : {}),
      basis: target.basis,
      classified: { by: ASSISTANT_ACTOR, at },
    };
    customers[i] = c;
    changed.set(domain, c);
  }
  if (!customers || changed.size === 0) return { record, changed: [], skipped };
  return { record: bumped(record, customers, now), changed: [...changed.values()], skipped };
}

/** Answers to "Open the customer in Partner Center: can you add or view products and see their subscriptions?" */
export const IDENTIFYING_ANSWERS = ['canAddProducts', 'cannotAddProducts', 'notSure'] as const;
/** One of {@link IDENTIFYING_ANSWERS}. */
export type IdentifyingAnswer = (typeof IDENTIFYING_ANSWERS)[number];

/**
 * Records the partner's answer to the identifying question for the customer with `domain`
 * (transition seed, "To identify customers that you acquired as a direct bill partner"):
 * - `canAddProducts` -> `directBill` (basis `question`, provider removed);
 * - `cannotAddProducts` -> `indirectReseller` (basis `question`; provider = `provider` if given with
 *   a non-blank name, else the one already known if the customer was indirect, else none);
 * - `notSure` -> `unknown` (basis, classified and provider removed).
 * `classified` = actor, now. The revision always goes up by one (an answer is an action, even if
 * it repeats the last one), so a double-clicked card is refused as stale.
 * Refused: `stale` when `expectedRevision` is given and differs from the record's; `notFound` when
 * no customer has that domain (compared trimmed, lower-case).
 */
export function answerIdentifyingQuestion(
  record: CustomerRecord,
  domain: string,
  answer: IdentifyingAnswer,
  actor: Actor,
  now: Date,
  provider?: CustomerProviderRef,
  expectedRevision?: number,
): { ok: true; record: CustomerRecord; customer: Customer } | { ok: false; error: { code: 'notFound' } | { code: 'stale' } } {
  if (expectedRevision !== undefined && expectedRevision !== record.revision) return { ok: false, error: { code: 'stale' } };
  const key = domain.trim().toLowerCase();
  const i = record.customers.findIndex((c) => c.domain === key);
  const old = record.customers[i];
  if (!old) return { ok: false, error: { code: 'notFound' } };
  const { provider: oldProvider, basis: _b, classified: _c, ...rest } = old;
  const classified: Mark = { by: actor, at: now.toISOString() };
  let customer: Customer;
  if (answer === 'canAddProducts') customer = { ...rest, class: 'directBill', basis: 'question', classified };
  else if (answer === 'notSure') customer = { ...rest, class: 'unknown' };
  else {
    const given =
      provider && provider.name.trim()
        ? { ...(provider.tenantId?.trim() ? { tenantId: provider.tenantId.trim().toLowerCase() } : {}), name: provider.name.trim() }
        : undefined;
    const kept = old.class === 'indirectReseller' ? oldProvider : undefined;
    const p = given ?? kept;
    customer = { ...rest, class: 'indirectReseller', ...(p ? { provider: p } : {}), basis: 'question', classified };
  }
  const customers = record.customers.slice();
  customers[i] = customer;
  return { ok: true, record: bumped(record, customers, now), customer };
}

/**
 * What each class allows the partner (transition seed, "Managing your direct bill customers and
 * your indirect reseller customers"). Values are stable ids the UI translates:
 * - directBill.youCan: create orders for products, manage Azure reservations, manage their order
 *   history, purchase software, bill customers directly (the things you won't do as an indirect reseller);
 * - indirectReseller.providerDoes: your indirect provider orders products for your customers;
 *   youCan: manage customers' licenses and users, handle subscription renewals;
 *   youCannot: use your direct bill capability to create purchases for them ("Acquire new customers"
 *   note), create their tenants (the provider creates them, "Acquire new customers").
 */
export const CLASS_RULES: {
  directBill: { youCan: readonly string[] };
  indirectReseller: { providerDoes: readonly string[]; youCan: readonly string[]; youCannot: readonly string[] };
} = {
  directBill: { youCan: ['createOrders', 'azureReservations', 'orderHistory', 'purchaseSoftware', 'billDirectly'] },
  indirectReseller: { providerDoes: ['ordersProducts'], youCan: ['manageLicensesUsers', 'renewals'], youCannot: ['directBillPurchases', 'createTenants'] },
};
