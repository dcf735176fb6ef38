import { expect } from 'chai';
import { mayDoAny } from '../../src/domain/roles.js';
import { applyCommand, globalAdminNames, newTransitionRecord, nextAction, rolesOf, type TransitionRecord } from '../../src/domain/transition.js';

const now = new Date('2026-11-20T09:00:00Z');
const ana = { id: 'ana', name: 'Ana' };
const bo = { id: 'bo', name: 'Bo' };

function apply(record: TransitionRecord, ...steps: Array<[typeof ana, Parameters<typeof applyCommand>[1]]>): TransitionRecord {
  let r = record;
  for (const [actor, command] of steps) {
    const result = applyCommand(r, command, actor, now);
    if (!result.ok) throw new Error(`${command.type}: ${result.error.code}`);
    r = result.record;
  }
  return r;
}

describe('roles: declared (manual mode) and verified in Microsoft Entra ID (connected mode)', () => {
  it('manual mode: the declared role counts', () => {
    const r = apply(newTransitionRecord('t', now), [ana, { type: 'setRole', role: 'salesAgent' }]);
    expect(rolesOf(r, 'ana')).to.deep.equal(['salesAgent']);
    expect(rolesOf(r, 'nobody')).to.equal(undefined);
  });

  it('connected mode: a declared role is refused and one declared before does not count', () => {
    const declared = apply(newTransitionRecord('t', now), [ana, { type: 'setRole', role: 'globalAdmin' }]);
    const connected: TransitionRecord = { ...declared, roleSource: 'verified' };
    expect(rolesOf(connected, 'ana')).to.equal(undefined);
    expect(globalAdminNames(connected)).to.deep.equal([]);
    const refused = applyCommand(connected, { type: 'setRole', role: 'globalAdmin' }, ana, now);
    expect(refused.ok ? 'ok' : refused.error.code).to.equal('rolesVerified');
  });

  it('verified roles replace the person, tick the role step, and may be several or none', () => {
    const start: TransitionRecord = { ...newTransitionRecord('t', now), roleSource: 'verified' };
    const r = apply(start, [ana, { type: 'setVerifiedRoles', roles: ['globalAdmin', 'adminAgent'] }], [bo, { type: 'setVerifiedRoles', roles: [] }]);
    expect(rolesOf(r, 'ana')).to.deep.equal(['globalAdmin', 'adminAgent']);
    expect(r.people['ana']).to.deep.include({ role: 'globalAdmin', verified: { roles: ['globalAdmin', 'adminAgent'], at: now.toISOString() } });
    expect(rolesOf(r, 'bo')).to.deep.equal([]);
    expect(r.people['bo']?.role).to.equal('notSure');
    expect(r.done.role?.by.id).to.equal('ana');
    expect(globalAdminNames(r)).to.deep.equal(['Ana']);
    expect(r.history.map((h) => h.action)).to.deep.equal(['role.verified.globalAdmin+adminAgent', 'role.verified.none']);
  });

  it('any verified role may do what it allows; none may do nothing', () => {
    expect(mayDoAny(['helpdeskAgent', 'salesAgent'], 'inviteCustomer')).to.equal(true);
    expect(mayDoAny(['helpdeskAgent'], 'inviteCustomer')).to.equal(false);
    expect(mayDoAny([], 'requestPartnership')).to.equal(false);
    expect(mayDoAny(undefined, 'requestPartnership')).to.equal(false);
  });

  it('a global-admin step asks an unverified user to sign in (needsRole) and sends a verified sales agent to the global admin', () => {
    const start: TransitionRecord = { ...newTransitionRecord('t', now), roleSource: 'verified' };
    const atDetails = apply(
      start,
      [ana, { type: 'confirmPrepared' }],
      [ana, { type: 'setVerifiedRoles', roles: ['globalAdmin'] }],
      [ana, { type: 'answerEligibility', answer: 'restricted' }],
      [bo, { type: 'setVerifiedRoles', roles: ['salesAgent'] }],
    );
    expect(nextAction(atDetails, 'newcomer')).to.deep.equal({ kind: 'needsRole', step: 'details' });
    expect(nextAction(atDetails, 'bo')).to.deep.equal({ kind: 'needsGlobalAdmin', step: 'details', globalAdmins: ['Ana'] });
    expect(nextAction(atDetails, 'ana')).to.deep.equal({ kind: 'step', step: 'details' });
    const refused = applyCommand(atDetails, { type: 'submitDetails', details: {} }, bo, now);
    expect(refused.ok ? 'ok' : refused.error.code).to.equal('globalAdminRequired');
  });
});
