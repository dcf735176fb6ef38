/**
 * Typed answers to the checklist card last shown: "yes", "no", a role name. A typed word answers
 * only the card on screen (never a later step), and never replaces an explicit confirmation that
 * has a tick box (the enrollment's "no rollback").
 */
import { PARTNER_ROLES } from '../../src/domain/roles.js';
import type { StepId, TransitionCommand } from '../../src/domain/transition.js';
import type { Translator } from '../../src/i18n/index.js';
import { matches, normalize } from '../recognizer.js';

/** What typed text does at `step`: apply a command, or answer with a line (locale key), or nothing. */
export type TypedAnswer = { command: TransitionCommand } | { say: string } | undefined;

/** Reads typed text as the answer to the card of `step` (the one last shown in this conversation). */
export function typedAnswer(t: Translator, text: string, step: StepId | undefined): TypedAnswer {
  const yes = matches(t, 'commands.yes', text);
  const no = matches(t, 'commands.no', text);
  const role = PARTNER_ROLES.find((r) => normalize(t(`roles.${r}`)) === normalize(text));
  switch (step) {
    case 'prepare':
      return yes ? { command: { type: 'confirmPrepared' } } : undefined;
    case 'role':
      return role ? { command: { type: 'setRole', role } } : undefined;
    case 'eligibility':
      if (yes) return { command: { type: 'answerEligibility', answer: 'restricted' } };
      if (no) return { command: { type: 'answerEligibility', answer: 'notRestricted' } };
      return role === 'notSure' ? { say: 'eligibility.notSureText' } : undefined;
    case 'enroll':
      if (no) return { command: { type: 'declineEnrollment' } };
      // a typed "yes" is not an explicit confirmation of no rollback: the card's tick box is
      return yes ? { say: 'enroll.mustConfirm' } : undefined;
    case 'approval':
      if (yes) return { command: { type: 'confirmApproved' } };
      return no ? { say: 'approval.notYetText' } : undefined;
    case 'agreement':
      return yes ? { command: { type: 'confirmAgreement' } } : undefined;
    default:
      return undefined;
  }
}
