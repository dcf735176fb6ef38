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
