/**
 * The shapes the invitations and relationships use cases answer with (shared by
 * `InvitationService`, `InvitationLinks` and their callers: the invitations journey and the accept
 * pages, which localize an error by its `code`).
 */
import type { Invitation, InvitationError, InvitationFieldError, InvitationKind, LinkProblem } from '../domain/invitations.js';
import type { TokenClaims, TokenProblem } from '../domain/invitationToken.js';
import type { OrganizationSide, PartnerLink, RelationshipsError } from '../domain/relationships.js';
import type { PartnerRole, RoleAction } from '../domain/roles.js';
import type { Actor } from '../domain/transition.js';

/** Why a use case was refused (shown to the user, localized by `code`). */
export type ServiceError =
  | InvitationError
  | RelationshipsError
  | { code: 'roleRequired'; action: RoleAction; role?: PartnerRole; verified?: true; globalAdmins: string[] }
  | { code: 'organizationRequired' }
  | { code: 'ownInvitation' }
  | { code: 'link'; problem: TokenProblem | LinkProblem; invitation?: Invitation }
  | { code: 'wrongKind'; kind: InvitationKind }
  /** A partnership request to a reseller that is already this provider's indirect reseller. */
  | { code: 'alreadyPartner'; reseller: PartnerLink }
  /** Partnership requests come from a provider; invitations including a provider from a reseller. */
  | { code: 'wrongSide'; side: OrganizationSide };

/** A use case's answer: `ok: true` with its fields, or the {@link ServiceError} that refused it (nothing written). */
export type ServiceResult<T> = ({ ok: true } & T) | { ok: false; error: ServiceError };

/** A verified, usable invitation link: the invitation, the token's claims and the token itself. */
export interface OpenedLink {
  invitation: Invitation;
  claims: TokenClaims;
  token: string;
}

/** The person accepting in the chat or through an assistant-issued page session: their tenant and who they are. */
export interface PartnerAcceptor {
  tenantId: string;
  actor: Actor;
}

/** Field errors of a refused change, if it was refused for invalid input (else none). */
export function fieldErrorsOf(error: ServiceError): InvitationFieldError[] {
  return error.code === 'invalid' ? (error.errors as InvitationFieldError[]) : [];
}
