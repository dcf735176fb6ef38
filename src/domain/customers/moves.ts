/**
 * How far each direct bill customer is in moving to the indirect provider (transition seed,
 * transition-direct-bill-to-indirect-reseller.en.md, "Move your direct bill customers to your
 * indirect provider"), read from the reseller's indirect reseller invitations.
 */
import { invitationState, type Invitation } from '../invitations.js';
import type { Customer } from './record.js';

/** Where moving a direct bill customer to the indirect provider stands. */
export const MOVE_STATES = ['notStarted', 'invited', 'expired', 'declined', 'revoked', 'moved'] as const;
/** One of {@link MOVE_STATES}. */
export type MoveState = (typeof MOVE_STATES)[number];

/** `resellerAndProvider` invitations by recipient domain, newest (by `created.at`) first. */
export function moveInvitationsByDomain(invitations: Invitation[]): Map<string, Invitation[]> {
  const map = new Map<string, Invitation[]>();
  for (const inv of invitations) {
    if (inv.kind !== 'resellerAndProvider' || !inv.to.domain) continue;
    const key = inv.to.domain.toLowerCase();
    const list = map.get(key);
    if (list) list.push(inv);
    else map.set(key, [inv]);
  }
  for (const list of map.values()) list.sort((a, b) => Date.parse(b.created.at) - Date.parse(a.created.at));
  return map;
}

/** The move state of `customer` given the invitations grouped by {@link moveInvitationsByDomain}. */
export function moveStatusFrom(customer: Customer, byDomain: Map<string, Invitation[]>, now: Date): { state: MoveState; invitation?: Invitation } {
  const list = byDomain.get(customer.domain);
  if (customer.class === 'indirectReseller' && customer.basis === 'moved') {
    const accepted = list?.find((i) => i.status === 'accepted');
    return { state: 'moved', ...(accepted ? { invitation: accepted } : {}) };
  }
  if (customer.class !== 'directBill') return { state: 'notStarted' };
  const newest = list?.[0];
  if (!newest) return { state: 'notStarted' };
  const s = invitationState(newest, now);
  return { state: s === 'pending' ? 'invited' : s === 'accepted' ? 'moved' : s, invitation: newest };
}

/**
 * How far moving a customer to the indirect provider is (transition seed, "Move your direct bill
 * customers to your indirect provider": an indirect reseller invitation, kind `resellerAndProvider`).
 * For a `directBill` customer the newest such invitation (by creation time) whose `to.domain` is
 * the customer's domain decides: pending -> `invited`, accepted -> `moved`, expired, declined,
 * revoked -> the same name; none -> `notStarted`. An `indirectReseller` customer with basis
 * `moved` is `moved` (with the accepted invitation if there is one). Other customers: `notStarted`.
 */
export function moveStatus(customer: Customer, invitations: Invitation[], now: Date): { state: MoveState; invitation?: Invitation } {
  return moveStatusFrom(customer, moveInvitationsByDomain(invitations), now);
}
