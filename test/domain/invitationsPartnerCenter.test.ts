import { expect } from 'chai';
import { acceptSeenInPartnerCenter, createInvitation, newInvitationRecord, type InvitationRecord } from '../../src/domain/invitations.js';

const now = new Date('2026-11-20T09:00:00Z');
const ada = { id: 'ada', name: 'Ada' };
const from = { tenantId: 't', name: 'Contoso' };
const pcLink = { url: 'https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship', readAt: now.toISOString() };

function invite(record: InvitationRecord, id: string, domain: string, kind: 'reseller' | 'resellerAndProvider', withLink: boolean): InvitationRecord {
  const provider = kind === 'resellerAndProvider' ? { provider: { tenantId: 'p', name: 'Northwind' } } : {};
  const result = createInvitation(
    record,
    { kind, purpose: 'new', from, ...provider, to: { email: `it@${domain}`, domain, company: domain }, ...(withLink ? { partnerCenterLink: pcLink } : {}) },
    ada,
    now,
    { id, nonce: `n-${id}` },
  );
  if (!result.ok) throw new Error(result.error.code);
  return result.record;
}

describe('invitations sent with Partner Center’s own link, accepted when Partner Center lists the customer', () => {
  it('accepts only pending reseller invitations carrying the link whose domain Partner Center lists', () => {
    let r = newInvitationRecord('t', now);
    r = invite(r, 'a', 'wingtip.onmicrosoft.com', 'reseller', true);
    r = invite(r, 'b', 'fabrikam.onmicrosoft.com', 'reseller', false);
    r = invite(r, 'c', 'litware.onmicrosoft.com', 'reseller', true);
    r = invite(r, 'd', 'adatum.onmicrosoft.com', 'resellerAndProvider', true);
    expect(r.invitations.find((i) => i.id === 'd')?.partnerCenterLink, 'only the reseller kind keeps the link').to.equal(undefined);
    const readAt = '2026-11-21T10:00:00.000Z';
    const seen = acceptSeenInPartnerCenter(
      r,
      new Set(['wingtip.onmicrosoft.com', 'fabrikam.onmicrosoft.com', 'adatum.onmicrosoft.com']),
      { id: 'partner-center' },
      readAt,
      now,
    );
    expect(seen?.accepted).to.deep.equal(['a']);
    const a = seen!.record.invitations.find((i) => i.id === 'a')!;
    expect(a.status).to.equal('accepted');
    expect(a.accepted).to.deep.equal({ by: { id: 'partner-center' }, at: readAt, company: 'wingtip.onmicrosoft.com', domain: 'wingtip.onmicrosoft.com' });
    expect(seen!.record.revision).to.equal(r.revision + 1);
    expect(
      acceptSeenInPartnerCenter(seen!.record, new Set(['wingtip.onmicrosoft.com']), { id: 'partner-center' }, readAt, now),
      'nothing left to accept: no write',
    ).to.equal(undefined);
  });
});
