/**
 * applyCommand's handler map (src/domain/transition/commands.ts): every command type has a step
 * and an audit action code, the step rules run before every step command, and `setRole` and
 * `startOver` skip them.
 */
import { expect } from 'chai';
import {
  NEXT_ITEM_IDS,
  applyCommand,
  commandStep,
  newTransitionRecord,
  type Actor,
  type StepId,
  type TransitionCommand,
  type TransitionRecord,
} from '../../src/domain/transition.js';
import { runCommands } from '../support/transitionScripts.js';

const now = new Date('2026-11-20T09:00:00Z');
const ga: Actor = { id: 'ga', name: 'Grace Admin' };
const agent: Actor = { id: 'agent' };
const details = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };

const run = (commands: TransitionCommand[], actor = ga, start = newTransitionRecord('t1', now)): TransitionRecord => runCommands(commands, actor, now, start);

const toDetails: TransitionCommand[] = [
  { type: 'confirmPrepared' },
  { type: 'setRole', role: 'globalAdmin' },
  { type: 'answerEligibility', answer: 'restricted' },
];
const toEnrolled: TransitionCommand[] = [...toDetails, { type: 'submitDetails', details }, { type: 'confirmEnrollment', understood: true }];
const toNext: TransitionCommand[] = [...toEnrolled, { type: 'confirmApproved' }, { type: 'confirmAgreement' }];

describe('transition commands (one handler per command type)', () => {
  // command, the step it changes, the commands that reach it, the audit action it records
  const table: Array<{ command: TransitionCommand; step: StepId | undefined; before: TransitionCommand[]; action: string }> = [
    { command: { type: 'confirmPrepared' }, step: 'prepare', before: [], action: 'prepare.confirmed' },
    { command: { type: 'setRole', role: 'salesAgent' }, step: 'role', before: [], action: 'role.salesAgent' },
    {
      command: { type: 'answerEligibility', answer: 'notRestricted' },
      step: 'eligibility',
      before: toDetails.slice(0, 2),
      action: 'eligibility.notRestricted',
    },
    { command: { type: 'recheckEligibility' }, step: 'eligibility', before: toDetails, action: 'eligibility.recheck' },
    { command: { type: 'submitDetails', details }, step: 'details', before: toDetails, action: 'details.submitted' },
    { command: { type: 'confirmEnrollment', understood: true }, step: 'enroll', before: toEnrolled.slice(0, 4), action: 'enroll.confirmed' },
    { command: { type: 'declineEnrollment' }, step: 'enroll', before: toEnrolled.slice(0, 4), action: 'enroll.declined' },
    { command: { type: 'confirmApproved' }, step: 'approval', before: toEnrolled, action: 'approval.confirmed' },
    { command: { type: 'confirmAgreement' }, step: 'agreement', before: toNext.slice(0, 6), action: 'agreement.accepted' },
    { command: { type: 'setNextItem', item: 'incentives', done: true }, step: 'next', before: toNext, action: 'next.incentives.done' },
    { command: { type: 'setNextItem', item: 'incentives', done: false }, step: 'next', before: toNext, action: 'next.incentives.reopened' },
    { command: { type: 'startOver' }, step: undefined, before: toDetails, action: 'journey.startedOver' },
  ];
  for (const { command, step, before, action } of table) {
    it(`${command.type}: step ${step ?? '(none)'}, records ${action}`, () => {
      expect(commandStep(command)).to.equal(step);
      const r = run(before);
      const res = applyCommand(r, command, ga, now);
      expect(res.ok).to.equal(true);
      if (!res.ok) return;
      expect(res.record.revision).to.equal(r.revision + 1);
      expect(res.record.updatedAt).to.equal(now.toISOString());
      expect(res.record.history.at(-1)).to.deep.equal({ by: ga, at: now.toISOString(), action });
    });
  }

  it('lets a user declare their role after enrollment (role is never locked)', () => {
    const r = run([{ type: 'setRole', role: 'adminAgent' }], agent, run(toEnrolled));
    expect(r.people.agent?.role).to.equal('adminAgent');
    expect(r.done.role?.by).to.deep.equal(ga);
  });

  it('ticks an any-time item (find a provider) before step 8, but no other item', () => {
    const r = run([{ type: 'setNextItem', item: 'findProvider', done: true }]);
    expect(r.nextItems.findProvider?.by).to.deep.equal(ga);
    const refused = applyCommand(r, { type: 'setNextItem', item: 'incentives', done: true }, ga, now);
    expect(refused).to.deep.equal({ ok: false, error: { code: 'stepNotReached', step: 'next', current: 'prepare' } });
  });

  it('marks step 8 done with the last item and keeps every item mark', () => {
    const r = run(
      NEXT_ITEM_IDS.map((item) => ({ type: 'setNextItem', item, done: true }) as TransitionCommand),
      agent,
      run(toNext),
    );
    expect(r.done.next?.by).to.deep.equal(agent);
    expect(Object.keys(r.nextItems)).to.have.members([...NEXT_ITEM_IDS]);
  });

  it('checks the step rules before validating a step command (a locked step is refused even with bad details)', () => {
    const res = applyCommand(run(toEnrolled), { type: 'submitDetails', details: { ...details, primaryContactEmail: 'x@gmail.com' } }, ga, now);
    expect(res).to.deep.equal({ ok: false, error: { code: 'stepLocked', step: 'details' } });
  });

  it('refuses a stale revision before anything else, also for setRole and startOver', () => {
    const r = run(toDetails);
    for (const command of [{ type: 'setRole', role: 'globalAdmin' }, { type: 'startOver' }] as TransitionCommand[]) {
      expect(applyCommand(r, command, ga, now, r.revision - 1)).to.deep.equal({
        ok: false,
        error: { code: 'stale', expected: r.revision - 1, actual: r.revision },
      });
    }
  });

  it('throws on a command type it does not know (a programming error, not a user error)', () => {
    const bogus = { type: 'toString' } as unknown as TransitionCommand;
    expect(() => applyCommand(newTransitionRecord('t1', now), bogus, ga, now)).to.throw(/unknown transition command "toString"/);
  });
});
