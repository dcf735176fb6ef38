/**
 * Partner Center roles verified from Microsoft Entra ID instead of the user's word: the Global
 * Administrator directory role, and membership of the security groups Partner Center creates in
 * the partner tenant for its agent roles (AdminAgents, SalesAgents, HelpdeskAgents).
 *
 * Sources: seed 003 (`003_7ef903bd039d93b6.txt`, "Assign user permissions": global admin, admin
 * agent, sales agent, helpdesk agent); Microsoft Entra built-in roles reference (Global
 * Administrator's role template id `62e90394-69f5-4237-9190-012177145e10`); Microsoft Graph
 * "List a user's memberships (direct and transitive)" (`GET /me/transitiveMemberOf`: groups and
 * directory roles, `@odata.type` `#microsoft.graph.group` / `#microsoft.graph.directoryRole`).
 * The user admin of seed 003's table is Entra's User Administrator directory role (template id
 * `fb1c8493-542b-48eb-b624-b4c8fea62acd`, same reference).
 *
 * Pure: no I/O.
 *
 * @module
 */
import type { PartnerRole } from '../domain/roles.js';

/** The role template id of Global Administrator (the same in every tenant). */
export const GLOBAL_ADMIN_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

/** The role template id of User Administrator (Partner Center's "user admin"). */
export const USER_ADMIN_ROLE_TEMPLATE_ID = 'fb1c8493-542b-48eb-b624-b4c8fea62acd';

/** The partner tenant's security groups Partner Center manages, by display name, and the role each gives. */
export const AGENT_GROUPS: Readonly<Record<string, Exclude<PartnerRole, 'globalAdmin' | 'userAdmin' | 'notSure'>>> = {
  AdminAgents: 'adminAgent',
  SalesAgents: 'salesAgent',
  HelpdeskAgents: 'helpdeskAgent',
};

/** A directory object of a membership list, as Microsoft Graph returns it (only what the rule reads). */
export interface MembershipObject {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  roleTemplateId?: string | null;
}

/**
 * The Partner Center roles `memberships` prove, strongest first (global admin, admin agent, sales
 * agent, helpdesk agent, user admin), each once; empty when none. Group names are matched exactly, as
 * Partner Center creates them.
 */
export function rolesFromMemberships(memberships: readonly MembershipObject[]): PartnerRole[] {
  const roles = new Set<PartnerRole>();
  for (const m of memberships) {
    const type = m['@odata.type'] ?? '';
    const template = type === '#microsoft.graph.directoryRole' ? m.roleTemplateId?.toLowerCase() : undefined;
    if (template === GLOBAL_ADMIN_ROLE_TEMPLATE_ID) roles.add('globalAdmin');
    if (template === USER_ADMIN_ROLE_TEMPLATE_ID) roles.add('userAdmin');
    if (type === '#microsoft.graph.group' && m.displayName && Object.hasOwn(AGENT_GROUPS, m.displayName)) roles.add(AGENT_GROUPS[m.displayName]!);
  }
  const order: PartnerRole[] = ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent', 'userAdmin'];
  return order.filter((r) => roles.has(r));
}
