import { expect } from 'chai';
import { PARTNER_ROLES, ROLE_ACTIONS, isGlobalAdmin, mayDo, type PartnerRole, type RoleAction } from '../../src/domain/roles.js';

/**
 * Who may do what, written out independently of ROLES_FOR_ACTION (sources: seed 003 role table;
 * indirect-provider-tasks seed "Appropriate roles").
 */
const Y = true;
const N = false;
const matrix: Record<PartnerRole, Record<RoleAction, boolean>> = {
  //              requestPartnership  acceptPartnership  inviteCustomer  providerFollowUp
  globalAdmin: { requestPartnership: Y, acceptPartnership: Y, inviteCustomer: Y, providerFollowUp: Y },
  adminAgent: { requestPartnership: Y, acceptPartnership: N, inviteCustomer: Y, providerFollowUp: Y },
  salesAgent: { requestPartnership: Y, acceptPartnership: N, inviteCustomer: Y, providerFollowUp: Y },
  helpdeskAgent: { requestPartnership: N, acceptPartnership: N, inviteCustomer: N, providerFollowUp: N },
  userAdmin: { requestPartnership: Y, acceptPartnership: N, inviteCustomer: N, providerFollowUp: N },
  notSure: { requestPartnership: N, acceptPartnership: N, inviteCustomer: N, providerFollowUp: N },
};

describe('Partner Center roles (who may do what)', () => {
  it('the table covers every role and every action', () => {
    expect(Object.keys(matrix).sort()).to.deep.equal([...PARTNER_ROLES].sort());
    for (const role of PARTNER_ROLES) expect(Object.keys(matrix[role]).sort()).to.deep.equal([...ROLE_ACTIONS].sort());
  });

  for (const role of PARTNER_ROLES) {
    for (const action of ROLE_ACTIONS) {
      const allowed = matrix[role][action];
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
        expect(mayDo(role, action)).to.equal(allowed);
      });
    }
  }

  for (const action of ROLE_ACTIONS) {
    it(`someone who has not declared a role may not ${action}`, () => {
      expect(mayDo(undefined, action)).to.equal(false);
    });
  }

  it('only the global admin accepts a partnership request (seed 003)', () => {
    expect(PARTNER_ROLES.filter((r) => mayDo(r, 'acceptPartnership'))).to.deep.equal(['globalAdmin']);
    expect(PARTNER_ROLES.filter((r) => isGlobalAdmin(r))).to.deep.equal(['globalAdmin']);
    expect(isGlobalAdmin(undefined)).to.equal(false);
  });
});
