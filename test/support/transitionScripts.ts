/**
 * Checklist states for pure tests: scripts of transition commands and a runner that applies them
 * with `applyCommand` (src/domain/transition.ts), failing loudly when the domain refuses one.
 */
import { applyCommand, newTransitionRecord, type Actor, type TransitionCommand, type TransitionRecord } from '../../src/domain/transition.js';

/** Enrollment details that pass validation (Contoso, Germany, work email). */
export const SCRIPT_DETAILS = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };

/** Steps 1-7 done by a global admin: the checklist stands on "What's next" (step 8). */
export const STEPS_TO_NEXT: readonly TransitionCommand[] = [
  { type: 'confirmPrepared' },
  { type: 'setRole', role: 'globalAdmin' },
  { type: 'answerEligibility', answer: 'restricted' },
  { type: 'submitDetails', details: SCRIPT_DETAILS },
  { type: 'confirmEnrollment', understood: true },
  { type: 'confirmApproved' },
  { type: 'confirmAgreement' },
];

/**
 * Applies `commands` in order by `actor` at `now`, from `start` (default a fresh record of tenant `t1`).
 * @throws Error naming the command when the domain refuses it.
 */
export function runCommands(commands: readonly TransitionCommand[], actor: Actor, now: Date, start = newTransitionRecord('t1', now)): TransitionRecord {
  let r = start;
  for (const c of commands) {
    const res = applyCommand(r, c, actor, now);
    if (!res.ok) throw new Error(`${c.type} refused: ${JSON.stringify(res.error)}`);
    r = res.record;
  }
  return r;
}
