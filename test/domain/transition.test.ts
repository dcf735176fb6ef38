import { expect } from 'chai';
import {
  NEXT_ITEM_IDS,
  applyCommand,
  currentStep,
  newTransitionRecord,
  nextAction,
  previousStep,
  progress,
  type Actor,
  type TransitionCommand,
  type TransitionRecord,
} from '../../src/domain/transition.js';

const now = new Date('2026-11-20T09:00:00Z');
const ga: Actor = { id: 'ga', name: 'Grace Admin' };
const agent: Actor = { id: 'agent', name: 'Alan Agent' };
const details = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };

function run(commands: Array<[TransitionCommand, Actor]>, start = newTransitionRecord('t1', now)): TransitionRecord {
  let r = start;
  for (const [c, a] of commands) {
    const res = applyCommand(r, c, a, now);
    if (!res.ok) throw new Error(`${c.type} refused: ${JSON.stringify(res.error)}`);
    r = res.record;
  }
  return r;
}

const toEnrolled: Array<[TransitionCommand, Actor]> = [
  [{ type: 'confirmPrepared' }, ga],
  [{ type: 'setRole', role: 'globalAdmin' }, ga],
  [{ type: 'answerEligibility', answer: 'restricted' }, ga],
  [{ type: 'submitDetails', details }, ga],
  [{ type: 'confirmEnrollment', understood: true }, ga],
];

describe('transition rules (pure)', () => {
  it('moves through the steps in order, bumping the revision and the audit trail each time', () => {
    const steps: string[] = [];
    let r = newTransitionRecord('t1', now);
    for (const [c, a] of toEnrolled) {
      steps.push(currentStep(r)!);
      const res = applyCommand(r, c, a, now);
      expect(res.ok).to.equal(true);
      if (res.ok) {
        expect(res.record.revision).to.equal(r.revision + 1);
        expect(res.record.history.length).to.equal(r.history.length + 1);
        r = res.record;
      }
    }
    expect(steps).to.deep.equal(['prepare', 'role', 'eligibility', 'details', 'enroll']);
    expect(currentStep(r)).to.equal('approval');
    expect(r.enrollment).to.include({ expectedApprovalBy: '2026-11-27', incentivesInvitationBy: '2026-12-20' });
  });

  it('does not mutate the input record', () => {
    const r = newTransitionRecord('t1', now);
    const copy = structuredClone(r);
    applyCommand(r, { type: 'confirmPrepared' }, ga, now);
    expect(r).to.deep.equal(copy);
  });

  type Case = { name: string; before: Array<[TransitionCommand, Actor]>; command: TransitionCommand; actor: Actor; error: string };
  const refusals: Case[] = [
    { name: 'a step not reached yet', before: [], command: { type: 'confirmAgreement' }, actor: ga, error: 'stepNotReached' },
    {
      name: 'details by a non global admin',
      before: [
        [{ type: 'confirmPrepared' }, agent],
        [{ type: 'setRole', role: 'adminAgent' }, agent],
        [{ type: 'answerEligibility', answer: 'restricted' }, agent],
      ],
      command: { type: 'submitDetails', details },
      actor: agent,
      error: 'globalAdminRequired',
    },
    {
      name: 'details by someone who never said who they are',
      before: [
        [{ type: 'confirmPrepared' }, agent],
        [{ type: 'setRole', role: 'adminAgent' }, agent],
        [{ type: 'answerEligibility', answer: 'restricted' }, agent],
      ],
      command: { type: 'submitDetails', details },
      actor: { id: 'stranger' },
      error: 'globalAdminRequired',
    },
    {
      name: 'webmail primary contact',
      before: toEnrolled.slice(0, 3),
      command: { type: 'submitDetails', details: { ...details, primaryContactEmail: 'boss@gmail.com' } },
      actor: ga,
      error: 'invalidDetails',
    },
    {
      name: 'enrolling without ticking no-rollback',
      before: toEnrolled.slice(0, 4),
      command: { type: 'confirmEnrollment', understood: false },
      actor: ga,
      error: 'mustConfirmNoRollback',
    },
    {
      name: 'changing details after enrollment (no rollback)',
      before: toEnrolled,
      command: { type: 'submitDetails', details },
      actor: ga,
      error: 'stepLocked',
    },
    { name: 'starting over after enrollment', before: toEnrolled, command: { type: 'startOver' }, actor: ga, error: 'cannotStartOverAfterEnrollment' },
    {
      name: 'details when the enrollment is not Restricted',
      before: [
        [{ type: 'confirmPrepared' }, ga],
        [{ type: 'setRole', role: 'globalAdmin' }, ga],
        [{ type: 'answerEligibility', answer: 'notRestricted' }, ga],
      ],
      command: { type: 'submitDetails', details },
      actor: ga,
      error: 'stepNotReached',
    },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name} (${c.error}) and changes nothing`, () => {
      const r = run(c.before);
      const res = applyCommand(r, c.command, c.actor, now);
      expect(res.ok).to.equal(false);
      if (!res.ok) expect(res.error.code).to.equal(c.error);
    });
  }

  it('refuses a command rendered from an older revision (stale card, double click)', () => {
    const r = run(toEnrolled.slice(0, 1));
    const first = applyCommand(r, { type: 'setRole', role: 'globalAdmin' }, ga, now, r.revision);
    expect(first.ok).to.equal(true);
    if (!first.ok) return;
    const again = applyCommand(first.record, { type: 'setRole', role: 'globalAdmin' }, ga, now, r.revision);
    expect(again).to.deep.equal({ ok: false, error: { code: 'stale', expected: r.revision, actual: first.record.revision } });
  });

  it('tells each user what to do next', () => {
    const atDetails = run(toEnrolled.slice(0, 3));
    expect(nextAction(atDetails, 'ga')).to.deep.equal({ kind: 'step', step: 'details' });
    expect(nextAction(atDetails, 'newcomer')).to.deep.equal({ kind: 'needsRole', step: 'details' });
    const withAgent = run([[{ type: 'setRole', role: 'salesAgent' }, agent]], atDetails);
    expect(nextAction(withAgent, 'agent')).to.deep.equal({ kind: 'needsGlobalAdmin', step: 'details', globalAdmins: ['Grace Admin'] });
    const ineligible = run([
      [{ type: 'confirmPrepared' }, ga],
      [{ type: 'setRole', role: 'globalAdmin' }, ga],
      [{ type: 'answerEligibility', answer: 'notRestricted' }, ga],
    ]);
    expect(nextAction(ineligible, 'ga')).to.deep.equal({ kind: 'ineligible' });
    const rechecked = run([[{ type: 'recheckEligibility' }, ga]], ineligible);
    expect(nextAction(rechecked, 'ga')).to.deep.equal({ kind: 'step', step: 'eligibility' });
  });

  it('marks the what-next step done only when every item is done, and reopens it', () => {
    let r = run([...toEnrolled, [{ type: 'confirmApproved' }, agent], [{ type: 'confirmAgreement' }, ga]]);
    expect(currentStep(r)).to.equal('next');
    for (const item of NEXT_ITEM_IDS) r = run([[{ type: 'setNextItem', item, done: true }, agent]], r);
    expect(currentStep(r)).to.equal(undefined);
    expect(nextAction(r, 'agent')).to.deep.equal({ kind: 'complete' });
    r = run([[{ type: 'setNextItem', item: 'incentives', done: false }, agent]], r);
    expect(currentStep(r)).to.equal('next');
    expect(progress(r, 'agent').percent).to.equal(88);
  });

  it('shows progress states per user: blocked when this user cannot act', () => {
    const r = run([...toEnrolled.slice(0, 3), [{ type: 'setRole', role: 'helpdeskAgent' }, agent]]);
    expect(progress(r, 'ga').steps.map((s) => s.state)).to.deep.equal(['done', 'done', 'done', 'current', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
    expect(progress(r, 'agent').steps[3]!.state).to.equal('blocked');
    expect(progress(r, 'ga').steps[0]!.mark?.by).to.deep.equal(ga);
  });

  it('goes back one step, except across enrollment (no rollback)', () => {
    const r = run(toEnrolled.slice(0, 3));
    expect(previousStep(r, 'details')).to.deep.equal({ ok: true, step: 'eligibility' });
    expect(previousStep(r, 'prepare')).to.deep.equal({ ok: false, reason: 'atStart' });
    expect(previousStep(run(toEnrolled), 'approval')).to.deep.equal({ ok: false, reason: 'locked' });
  });

  it('starts over before enrollment, keeping the audit trail', () => {
    const r = run([...toEnrolled.slice(0, 3), [{ type: 'startOver' }, ga]]);
    expect(currentStep(r)).to.equal('prepare');
    expect(r.history.at(-1)?.action).to.equal('journey.startedOver');
    expect(r.history.length).to.equal(4);
  });
});
