/**
 * `findExistingReseller` (src/domain/relationships.ts): a new partnership request is recognized as
 * going to a reseller the provider already has when an accepted request went to the same email, the
 * same work email domain (never a webmail domain), or a company of the same name (any case, any
 * accents), and that reseller is still in the provider's indirect resellers list. Declined, pending,
 * revoked and customer invitations never count.
 */
import { expect } from 'chai';
import {
  acceptInvitation,
  createInvitation,
  declineInvitation,
  newInvitationRecord,
  revokeInvitation,
  type InvitationKind,
  type InvitationRecord,
  type Party,
  type Recipient,
} from '../../src/domain/invitations.js';
import { findExistingReseller, type PartnerLink } from '../../src/domain/relationships.js';
import type { Actor } from '../../src/domain/transition.js';

const now = new Date('2026-11-20T09:00:00Z');
const pat: Actor = { id: 'pat', name: 'Pat Provider' };
const rita: Actor = { id: 'rita', name: 'Rita Reseller' };
const northwind: Party = { tenantId: 'tenant-prov', name: 'Northwind Distribution', partnerId: '7654321' };

interface Sent {
  to: Recipient;
  /** What happened to it: accepted by `tenantId` (as `company`), declined, revoked, or still pending. */
  outcome: { accepted: { tenantId: string; company: string } } | 'declined' | 'revoked' | 'pending';
  kind?: InvitationKind;
}

/** The provider's invitations record after sending each of `sent` (in order) and applying its outcome. */
function invitationsOf(sent: Sent[]): InvitationRecord {
  let record = newInvitationRecord(northwind.tenantId, now);
  sent.forEach((s, n) => {
    const ids = { id: `inv${n}`, nonce: `nonce${n}` };
    const kind = s.kind ?? 'partnership';
    const to = kind === 'partnership' ? s.to : { domain: s.to.email.split('@')[1]!, company: s.to.company ?? 'X', ...s.to };
    const created = createInvitation(record, { kind, purpose: 'new', from: northwind, to }, pat, now, ids);
    if (!created.ok) throw new Error(`create refused: ${JSON.stringify(created.error)}`);
    record = created.record;
    const link = { id: ids.id, nonce: ids.nonce, kind };
    const o = s.outcome;
    const res =
      o === 'pending'
        ? created
        : o === 'declined'
          ? declineInvitation(record, link, rita, now)
          : o === 'revoked'
            ? revokeInvitation(record, ids.id, pat, now)
            : acceptInvitation(record, link, { by: rita, tenantId: o.accepted.tenantId, company: o.accepted.company }, now);
    if (!res.ok) throw new Error(`outcome refused: ${JSON.stringify(res.error)}`);
    record = res.record;
  });
  return record;
}

const linkTo = (tenantId: string, name: string, invitationId = 'inv0'): PartnerLink => ({ tenantId, name, since: now.toISOString(), invitationId });

const contosoLink = linkTo('tenant-contoso', 'Contoso Ltd.');
const acceptedByContoso = (to: Recipient): Sent => ({ to, outcome: { accepted: { tenantId: 'tenant-contoso', company: 'Contoso Ltd.' } } });

describe('findExistingReseller (pure)', () => {
  // [case, invitations sent before, provider's indirect resellers, new recipient, expected tenant or undefined]
  const cases: Array<[string, Sent[], PartnerLink[], Recipient, string | undefined]> = [
    ['the same email', [acceptedByContoso({ email: 'ada@contoso.com' })], [contosoLink], { email: 'ada@contoso.com' }, 'tenant-contoso'],
    ['the same email in another case', [acceptedByContoso({ email: 'ada@contoso.com' })], [contosoLink], { email: 'Ada@Contoso.COM' }, 'tenant-contoso'],
    [
      'another person at the same work domain',
      [acceptedByContoso({ email: 'ada@contoso.com' })],
      [contosoLink],
      { email: 'bob@contoso.com', company: 'Someone Else' },
      'tenant-contoso',
    ],
    ['the same work domain in another case', [acceptedByContoso({ email: 'ada@contoso.com' })], [contosoLink], { email: 'bob@CONTOSO.com' }, 'tenant-contoso'],
    [
      'two different gmail users (webmail domain says nothing)',
      [acceptedByContoso({ email: 'ada.contoso@gmail.com' })],
      [contosoLink],
      { email: 'bob.fabrikam@gmail.com' },
      undefined,
    ],
    ['two different outlook.com users', [acceptedByContoso({ email: 'ada@outlook.com' })], [contosoLink], { email: 'bob@outlook.com' }, undefined],
    ['two different hotmail.de users (brand variant)', [acceptedByContoso({ email: 'ada@hotmail.de' })], [contosoLink], { email: 'bob@hotmail.de' }, undefined],
    ['the same gmail address', [acceptedByContoso({ email: 'ada.contoso@gmail.com' })], [contosoLink], { email: 'ada.contoso@gmail.com' }, 'tenant-contoso'],
    ['a subdomain is another domain', [acceptedByContoso({ email: 'ada@contoso.com' })], [contosoLink], { email: 'bob@eu.contoso.com' }, undefined],
    [
      'a different company at a different domain',
      [acceptedByContoso({ email: 'ada@contoso.com' })],
      [contosoLink],
      { email: 'fay@fabrikam.com', company: 'Fabrikam' },
      undefined,
    ],
    [
      'the same company with another case and accents ("Contoso Café" vs "contoso cafe")',
      [{ to: { email: 'ada@contoso-cafe.example', company: 'Contoso Café' }, outcome: { accepted: { tenantId: 'tenant-cafe', company: 'Contoso Café' } } }],
      [linkTo('tenant-cafe', 'Contoso Café')],
      { email: 'owner@gmail.com', company: 'contoso cafe' },
      'tenant-cafe',
    ],
    [
      'the same company with extra spaces and upper case',
      [acceptedByContoso({ email: 'ada@contoso.com', company: 'Contoso Ltd.' })],
      [contosoLink],
      { email: 'x@gmail.com', company: '  CONTOSO   LTD. ' },
      'tenant-contoso',
    ],
    [
      'the company name the reseller gave on acceptance (not the one typed in the request)',
      [{ to: { email: 'ada@gmail.com', company: 'Ada IT' }, outcome: { accepted: { tenantId: 'tenant-contoso', company: 'Contoso Ltd.' } } }],
      [contosoLink],
      { email: 'other@gmail.com', company: 'contoso ltd.' },
      'tenant-contoso',
    ],
    [
      "the reseller's current name in the provider's list",
      [{ to: { email: 'ada@gmail.com' }, outcome: { accepted: { tenantId: 'tenant-contoso', company: 'Old Name GmbH' } } }],
      [linkTo('tenant-contoso', 'Contoso Cloud & Co')],
      { email: 'other@gmail.com', company: 'Contoso cloud & co' },
      'tenant-contoso',
    ],
    ['a reseller no longer in the list', [acceptedByContoso({ email: 'ada@contoso.com' })], [], { email: 'ada@contoso.com' }, undefined],
    [
      'a reseller no longer in the list (another one is)',
      [acceptedByContoso({ email: 'ada@contoso.com' })],
      [linkTo('tenant-fabrikam', 'Fabrikam', 'inv9')],
      { email: 'ada@contoso.com', company: 'Contoso Ltd.' },
      undefined,
    ],
    [
      'a declined request to the same email',
      [{ to: { email: 'ada@contoso.com', company: 'Contoso Ltd.' }, outcome: 'declined' }],
      [contosoLink],
      { email: 'ada@contoso.com', company: 'Contoso Ltd.' },
      undefined,
    ],
    [
      'a pending request to the same email',
      [{ to: { email: 'ada@contoso.com', company: 'Contoso Ltd.' }, outcome: 'pending' }],
      [contosoLink],
      { email: 'ada@contoso.com', company: 'Contoso Ltd.' },
      undefined,
    ],
    [
      'a revoked request to the same email',
      [{ to: { email: 'ada@contoso.com', company: 'Contoso Ltd.' }, outcome: 'revoked' }],
      [contosoLink],
      { email: 'ada@contoso.com', company: 'Contoso Ltd.' },
      undefined,
    ],
    [
      'an accepted customer invitation (not a partnership)',
      [
        {
          to: { email: 'ada@contoso.com', company: 'Contoso Ltd.' },
          kind: 'reseller',
          outcome: { accepted: { tenantId: 'tenant-contoso', company: 'Contoso Ltd.' } },
        },
      ],
      [contosoLink],
      { email: 'ada@contoso.com', company: 'Contoso Ltd.' },
      undefined,
    ],
    [
      'a declined request, then an accepted one from the same domain',
      [
        { to: { email: 'bob@contoso.com' }, outcome: 'declined' },
        { to: { email: 'ada@contoso.com' }, outcome: { accepted: { tenantId: 'tenant-contoso', company: 'Contoso Ltd.' } } },
      ],
      [linkTo('tenant-contoso', 'Contoso Ltd.', 'inv1')],
      { email: 'carl@contoso.com' },
      'tenant-contoso',
    ],
    ['nothing sent yet', [], [], { email: 'ada@contoso.com', company: 'Contoso Ltd.' }, undefined],
  ];

  for (const [label, sent, resellers, to, expected] of cases) {
    it(`${expected ? 'finds' : 'finds none for'} ${label}`, () => {
      const record = invitationsOf(sent);
      const copy = structuredClone(record);
      const found = findExistingReseller(record, resellers, to);
      if (expected === undefined) expect(found).to.equal(undefined);
      else expect(found, 'the PartnerLink from the list').to.equal(resellers.find((r) => r.tenantId === expected));
      expect(record, 'the record is not changed').to.deep.equal(copy);
    });
  }

  it('returns the link of the matching reseller among several', () => {
    const record = invitationsOf([
      acceptedByContoso({ email: 'ada@contoso.com' }),
      { to: { email: 'fay@fabrikam.com', company: 'Fabrikam' }, outcome: { accepted: { tenantId: 'tenant-fabrikam', company: 'Fabrikam' } } },
    ]);
    const fabrikam = linkTo('tenant-fabrikam', 'Fabrikam', 'inv1');
    const resellers = [contosoLink, fabrikam];
    expect(findExistingReseller(record, resellers, { email: 'gil@fabrikam.com' })).to.equal(fabrikam);
    expect(findExistingReseller(record, resellers, { email: 'gil@contoso.com' })).to.equal(contosoLink);
    expect(findExistingReseller(record, resellers, { email: 'gil@woodgrove.com', company: 'Woodgrove' })).to.equal(undefined);
  });
});
