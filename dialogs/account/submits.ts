/**
 * The account journey's card submits: sign out, and (manual mode) a declared role.
 * `signIn` is a verb of no single journey (`dialogs/submitFields.ts`).
 */
import { z } from 'zod';
import { PARTNER_ROLES } from '../../src/domain/roles.js';

export const accountSubmits = [
  z.object({ verb: z.literal('account.signOut') }),
  z.object({ verb: z.literal('account.role.set'), role: z.enum(PARTNER_ROLES) }),
] as const;

/** A parsed submit of the account journey. */
export type AccountSubmit = z.infer<(typeof accountSubmits)[number]>;
