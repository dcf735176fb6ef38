/**
 * Partner Center roles a user can hold in the partner's own tenant.
 * Source: seed 003 (`003_7ef903bd039d93b6.txt`, "Assign user permissions" table): admin agent,
 * helpdesk agent, global admin, user admin; sales agent is the remaining agent role of that model.
 * `notSure` is an answer, not a role: the user is treated as not a global admin until they know.
 */
export const PARTNER_ROLES = ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent', 'userAdmin', 'notSure'] as const;

/** One of {@link PARTNER_ROLES}. */
export type PartnerRole = (typeof PARTNER_ROLES)[number];

/**
 * Only the global admin of the direct bill tenant may review the enrollment details, select
 * Enroll now and accept the indirect reseller agreement; only a global admin accepts an indirect
 * provider's partnership request.
 * Sources: transition seed, "Get started" step 2; seed 003 role table (global admin: "accept
 * partnership requests from indirect providers").
 */
export function isGlobalAdmin(role: PartnerRole | undefined): boolean {
  return role === 'globalAdmin';
}

/**
 * Actions of the invitations and relationships journey that need a Partner Center role.
 * - `requestPartnership`: an indirect provider sends a partnership request to a reseller.
 * - `acceptPartnership`: a reseller accepts a provider's partnership request.
 * - `inviteCustomer`: a reseller sends a reseller relationship invitation to a customer.
 * Resending or revoking an invitation needs the action that created it.
 * - `providerFollowUp`: a provider adds a customer for a reseller, sets the reseller's PartnerID on
 *   a subscription, or makes the reseller the designated support contact.
 */
export const ROLE_ACTIONS = ['requestPartnership', 'acceptPartnership', 'inviteCustomer', 'providerFollowUp'] as const;
/** One of {@link ROLE_ACTIONS}. */
export type RoleAction = (typeof ROLE_ACTIONS)[number];

/**
 * Who may do each action.
 * Sources: seed 003 (`003_7ef903bd039d93b6.txt`, "Assign user permissions"): only the global admin
 * "accepts partnership requests from indirect providers"; the helpdesk agent can't "request a
 * relationship with customers"; the user admin manages users and views profiles, not customers.
 * `indirect-provider-tasks.en.md` ("Appropriate roles": global admin, user admin, admin agent,
 * sales agent) for a provider's partner-to-partner work; the customer-facing follow-ups
 * (new customer, subscription fields) are agent work, so user admin is not among them.
 */
export const ROLES_FOR_ACTION: Record<RoleAction, readonly PartnerRole[]> = {
  requestPartnership: ['globalAdmin', 'userAdmin', 'adminAgent', 'salesAgent'],
  acceptPartnership: ['globalAdmin'],
  inviteCustomer: ['globalAdmin', 'adminAgent', 'salesAgent'],
  providerFollowUp: ['globalAdmin', 'adminAgent', 'salesAgent'],
};

/** True when `role` may do `action` ({@link ROLES_FOR_ACTION}); an undeclared role may do nothing. */
export function mayDo(role: PartnerRole | undefined, action: RoleAction): boolean {
  return role !== undefined && ROLES_FOR_ACTION[action].includes(role);
}

/** True when any of `roles` (a user's roles that count, e.g. several verified ones) may do `action`; `undefined` or `[]` may do nothing. */
export function mayDoAny(roles: readonly PartnerRole[] | undefined, action: RoleAction): boolean {
  return roles !== undefined && roles.some((r) => mayDo(r, action));
}
