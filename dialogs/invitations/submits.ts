/** The invitations and relationships journey's card submits (`invitations.*`), one zod schema per verb. */
import { z } from 'zod';
import { INVITATION_KINDS, INVITATION_PURPOSES, INVITATION_STATES } from '../../src/domain/invitations.js';
import { MAX_TOKEN_LENGTH } from '../../src/domain/invitationToken.js';
import { FOLLOW_UP_TYPES, ORGANIZATION_SIDES } from '../../src/domain/relationships.js';
import { PARTNER_ROLES } from '../../src/domain/roles.js';
import { field, rev } from '../submitFields.js';

/** An invitation id (random, URL-safe). */
const invitationId = z.string().regex(/^[A-Za-z0-9_-]{8,40}$/);
/** A signed invitation link token (checked again by the service before anything changes). */
const token = z.string().min(1).max(MAX_TOKEN_LENGTH);

export const invitationSubmits = [
  z.object({ verb: z.literal('invitations.hub') }),
  z.object({ verb: z.literal('invitations.org'), side: z.enum(ORGANIZATION_SIDES).optional(), name: field, partnerId: field }),
  z.object({ verb: z.literal('invitations.changeOrg') }),
  z.object({ verb: z.literal('invitations.role'), role: z.enum(PARTNER_ROLES) }),
  z.object({ verb: z.literal('invitations.roleChange') }),
  z.object({ verb: z.literal('invitations.customerKinds') }),
  z.object({ verb: z.literal('invitations.start'), kind: z.enum(INVITATION_KINDS), purpose: z.enum(INVITATION_PURPOSES), company: field, domain: field }),
  z.object({
    verb: z.literal('invitations.create'),
    kind: z.enum(INVITATION_KINDS),
    purpose: z.enum(INVITATION_PURPOSES),
    email: field,
    name: field,
    company: field,
    domain: field,
    providerTenantId: field,
  }),
  z.object({ verb: z.literal('invitations.draft.show'), invitationId }),
  z.object({ verb: z.literal('invitations.draft.save'), invitationId, body: z.string().max(8000).optional() }),
  z.object({ verb: z.literal('invitations.draft.done'), invitationId }),
  z.object({ verb: z.literal('invitations.list'), filter: z.enum(['all', ...INVITATION_STATES]).optional() }),
  z.object({ verb: z.literal('invitations.resend'), rev, invitationId }),
  z.object({ verb: z.literal('invitations.revoke'), rev, invitationId, confirm: z.boolean().optional() }),
  z.object({ verb: z.literal('invitations.have') }),
  z.object({ verb: z.literal('invitations.paste'), link: z.string().max(2000).optional() }),
  z.object({ verb: z.literal('invitations.accept'), token, consent: z.enum(['true', 'false']).optional() }),
  z.object({ verb: z.literal('invitations.decline'), token }),
  z.object({ verb: z.literal('invitations.relationships') }),
  z.object({ verb: z.literal('invitations.move') }),
  z.object({ verb: z.literal('invitations.followUp'), type: z.enum(FOLLOW_UP_TYPES) }),
  z.object({
    verb: z.literal('invitations.followUp.submit'),
    rev,
    type: z.enum(FOLLOW_UP_TYPES),
    resellerTenantId: field,
    customer: field,
    domain: field,
    subscription: field,
  }),
] as const;

/** An invitations journey card submit. */
export type InvitationSubmit = z.infer<(typeof invitationSubmits)[number]>;
