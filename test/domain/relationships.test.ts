import { expect } from 'chai';
import type { Party } from '../../src/domain/invitations.js';
import {
  MAX_FOLLOW_UPS,
  addCustomer,
  addIndirectProvider,
  addIndirectReseller,
  newRelationshipsRecord,
  recordFollowUp,
  setOrganization,
  validateFollowUp,
  type CustomerLink,
  type FollowUpType,
  type RelationshipFieldError,
  type RelationshipsRecord,
  type RelationshipsResult,
} from '../../src/domain/relationships.js';
import type { Actor } from '../../src/domain/transition.js';

const DAY = 86_400_000;
const now = new Date('2026-11-20T09:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY);
const pat: Actor = { id: 'pat', name: 'Pat Provider' };
const provider: Party = { tenantId: 'tenant-prov', name: 'Northwind Distribution', partnerId: '7654321' };
const reseller: Party = { tenantId: 'tenant-res', name: 'Contoso Ltd.', partnerId: '1234567' };

function ok(res: RelationshipsResult): RelationshipsRecord {
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res.error)}`);
  return res.record;
}

/** A provider's record with one indirect reseller (Contoso). */
function providerWithReseller(): RelationshipsRecord {
  const r = ok(
    setOrganization(newRelationshipsRecord(provider.tenantId, now), { name: provider.name, partnerId: provider.partnerId, side: 'provider' }, pat, now),
  );
  return addIndirectReseller(r, reseller, 'inv1', now);
}

describe('relationship rules (pure)', () => {
  describe('setOrganization', () => {
    const long = 'x'.repeat(201);
    const cases: Array<[string, { name?: unknown; partnerId?: unknown }, { name: string; partnerId?: string } | RelationshipFieldError[]]> = [
      ['a name and PartnerID (trimmed)', { name: '  Contoso Ltd. ', partnerId: ' 1234567 ' }, { name: 'Contoso Ltd.', partnerId: '1234567' }],
      ['a name without PartnerID', { name: 'Contoso Ltd.' }, { name: 'Contoso Ltd.' }],
      ['a blank PartnerID', { name: 'Contoso Ltd.', partnerId: '   ' }, { name: 'Contoso Ltd.' }],
      ['a 4-digit PartnerID (shortest)', { name: 'C', partnerId: '1234' }, { name: 'C', partnerId: '1234' }],
      ['a 10-digit PartnerID (longest)', { name: 'C', partnerId: '1234567890' }, { name: 'C', partnerId: '1234567890' }],
      ['a 200-character name (longest)', { name: 'x'.repeat(200) }, { name: 'x'.repeat(200) }],
      ['no name', {}, [{ field: 'name', code: 'required' }]],
      ['a blank name', { name: '   ' }, [{ field: 'name', code: 'required' }]],
      ['a non-string name', { name: 42 }, [{ field: 'name', code: 'required' }]],
      ['a name over 200 characters', { name: long }, [{ field: 'name', code: 'tooLong' }]],
      ['a 3-digit PartnerID', { name: 'C', partnerId: '123' }, [{ field: 'partnerId', code: 'partnerIdDigits' }]],
      ['an 11-digit PartnerID', { name: 'C', partnerId: '12345678901' }, [{ field: 'partnerId', code: 'partnerIdDigits' }]],
      ['a PartnerID with letters', { name: 'C', partnerId: 'MPN1234' }, [{ field: 'partnerId', code: 'partnerIdDigits' }]],
      ['a PartnerID with dashes', { name: 'C', partnerId: '123-4567' }, [{ field: 'partnerId', code: 'partnerIdDigits' }]],
      [
        'no name and a bad PartnerID',
        { name: '', partnerId: 'abc' },
        [
          { field: 'name', code: 'required' },
          { field: 'partnerId', code: 'partnerIdDigits' },
        ],
      ],
    ];
    for (const [label, input, expected] of cases) {
      it(`${Array.isArray(expected) ? 'refuses' : 'accepts'} ${label}`, () => {
        const record = newRelationshipsRecord('t', now);
        const res = setOrganization(record, { ...input, side: 'reseller' }, pat, at(1));
        if (Array.isArray(expected)) {
          expect(res).to.deep.equal({ ok: false, error: { code: 'invalid', errors: expected } });
          return;
        }
        const r = ok(res);
        expect(r.organization).to.deep.equal({ ...expected, side: 'reseller', by: pat, at: at(1).toISOString() });
        expect(r.revision).to.equal(1);
        expect(record.organization).to.equal(undefined);
      });
    }
  });

  describe('partnerships', () => {
    const adders: Array<[string, typeof addIndirectProvider, 'indirectProviders' | 'indirectResellers']> = [
      ['addIndirectProvider', addIndirectProvider, 'indirectProviders'],
      ['addIndirectReseller', addIndirectReseller, 'indirectResellers'],
    ];
    for (const [name, add, list] of adders) {
      it(`${name} is idempotent by tenant: since and the first invitation stay, the name refreshes`, () => {
        const r0 = newRelationshipsRecord('t', now);
        const r1 = add(r0, provider, 'inv1', now);
        expect(r1[list]).to.deep.equal([{ ...provider, since: now.toISOString(), invitationId: 'inv1' }]);
        const r2 = add(r1, { ...provider, name: 'Northwind (renamed)' }, 'inv2', at(3));
        expect(r2[list]).to.deep.equal([{ ...provider, name: 'Northwind (renamed)', since: now.toISOString(), invitationId: 'inv1' }]);
        const other: Party = { tenantId: 'tenant-other', name: 'Other' };
        const r3 = add(r2, other, 'inv3', at(4));
        expect(r3[list].map((p) => p.tenantId)).to.deep.equal(['tenant-other', provider.tenantId]);
        expect(r3.revision).to.equal(3);
        expect(r0[list]).to.deep.equal([]);
        expect(r1[list]).to.have.length(1);
      });
    }
  });

  describe('addCustomer', () => {
    const base: Omit<CustomerLink, 'since'> = {
      domain: 'fabrikam.com',
      name: 'Fabrikam',
      email: 'it@fabrikam.com',
      relationship: 'reseller',
      source: 'invitation',
      invitationId: 'inv1',
    };
    const cases: Array<[string, Array<[Omit<CustomerLink, 'since'>, Date]>, Partial<CustomerLink>]> = [
      ['adds a new customer', [[base, now]], { ...base, since: now.toISOString() }],
      [
        'upgrades reseller to resellerAndProvider, keeping since',
        [
          [base, now],
          [{ ...base, relationship: 'resellerAndProvider', provider, invitationId: 'inv2' }, at(5)],
        ],
        { relationship: 'resellerAndProvider', provider, invitationId: 'inv2', since: now.toISOString() },
      ],
      [
        'never downgrades resellerAndProvider to reseller, and keeps the provider',
        [
          [{ ...base, relationship: 'resellerAndProvider', provider }, now],
          [{ ...base, name: 'Fabrikam Inc.' }, at(5)],
        ],
        { relationship: 'resellerAndProvider', provider, name: 'Fabrikam Inc.', since: now.toISOString() },
      ],
      [
        'keeps movedFromDirectBill once set',
        [
          [{ ...base, movedFromDirectBill: true }, now],
          [{ ...base, relationship: 'resellerAndProvider', provider }, at(1)],
        ],
        { movedFromDirectBill: true, relationship: 'resellerAndProvider' },
      ],
      [
        'sets movedFromDirectBill when a later relationship says so',
        [
          [base, now],
          [{ ...base, movedFromDirectBill: true }, at(1)],
        ],
        { movedFromDirectBill: true },
      ],
      [
        'keeps the associated reseller and email when a later entry has none',
        [
          [{ ...base, reseller }, now],
          [{ domain: 'fabrikam.com', name: 'Fabrikam', relationship: 'resellerAndProvider', source: 'addedByProvider' }, at(1)],
        ],
        { reseller, email: 'it@fabrikam.com', source: 'addedByProvider' },
      ],
    ];
    for (const [label, adds, expected] of cases) {
      it(label, () => {
        let r = newRelationshipsRecord('t', now);
        for (const [c, when] of adds) r = addCustomer(r, c, when);
        expect(r.customers).to.have.length(1);
        expect(r.customers[0]).to.deep.include(expected);
        expect(r.revision).to.equal(adds.length);
      });
    }

    it('keeps customers with other domains apart, newest first', () => {
      let r = addCustomer(newRelationshipsRecord('t', now), base, now);
      r = addCustomer(r, { ...base, domain: 'tailspin.com', name: 'Tailspin' }, at(1));
      expect(r.customers.map((c) => c.domain)).to.deep.equal(['tailspin.com', 'fabrikam.com']);
    });
  });

  describe('validateFollowUp', () => {
    type Expected = { value: { customer: string; domain?: string; subscription?: string } } | { errors: RelationshipFieldError[] };
    const cases: Array<[FollowUpType, string, Record<string, unknown>, Expected]> = [
      [
        'newCustomer',
        'a customer and domain',
        { customer: ' Fabrikam ', domain: 'Fabrikam.com', subscription: 'ignored' },
        { value: { customer: 'Fabrikam', domain: 'fabrikam.com' } },
      ],
      ['newCustomer', 'no domain', { customer: 'Fabrikam' }, { errors: [{ field: 'domain', code: 'required' }] }],
      ['newCustomer', 'a bad domain', { customer: 'Fabrikam', domain: 'fabrikam' }, { errors: [{ field: 'domain', code: 'domainInvalid' }] }],
      [
        'newCustomer',
        'nothing',
        {},
        {
          errors: [
            { field: 'customer', code: 'required' },
            { field: 'domain', code: 'required' },
          ],
        },
      ],
      [
        'newCustomer',
        'a customer name over 200 characters',
        { customer: 'x'.repeat(201), domain: 'fabrikam.com' },
        { errors: [{ field: 'customer', code: 'tooLong' }] },
      ],
      [
        'partnerIdOnSubscription',
        'a customer and subscription',
        { customer: 'Fabrikam', subscription: ' Microsoft 365 E3 ' },
        { value: { customer: 'Fabrikam', subscription: 'Microsoft 365 E3' } },
      ],
      [
        'partnerIdOnSubscription',
        'no subscription',
        { customer: 'Fabrikam', domain: 'fabrikam.com' },
        { errors: [{ field: 'subscription', code: 'required' }] },
      ],
      [
        'supportContact',
        'a customer and subscription',
        { customer: 'Fabrikam', subscription: 'sub-123' },
        { value: { customer: 'Fabrikam', subscription: 'sub-123' } },
      ],
      ['supportContact', 'a blank subscription', { customer: 'Fabrikam', subscription: '   ' }, { errors: [{ field: 'subscription', code: 'required' }] }],
      [
        'supportContact',
        'a subscription over 200 characters',
        { customer: 'Fabrikam', subscription: 'x'.repeat(201) },
        { errors: [{ field: 'subscription', code: 'tooLong' }] },
      ],
      [
        'supportContact',
        'nothing',
        {},
        {
          errors: [
            { field: 'customer', code: 'required' },
            { field: 'subscription', code: 'required' },
          ],
        },
      ],
    ];
    for (const [type, label, input, expected] of cases) {
      it(`${type}: ${'value' in expected ? 'accepts' : 'refuses'} ${label}`, () => {
        expect(validateFollowUp(type, input)).to.deep.equal('value' in expected ? { ok: true, value: expected.value } : { ok: false, errors: expected.errors });
      });
    }
  });

  describe('recordFollowUp', () => {
    it('records a new customer and adds it to the customers, associated with the reseller', () => {
      const record = providerWithReseller();
      const res = recordFollowUp(
        record,
        { type: 'newCustomer', resellerTenantId: reseller.tenantId, fields: { customer: 'Fabrikam', domain: 'fabrikam.com' } },
        pat,
        at(1),
        { id: 'f1' },
        record.revision,
      );
      const r = ok(res);
      expect(res.ok && res.followUp).to.deep.equal({
        id: 'f1',
        type: 'newCustomer',
        reseller,
        customer: 'Fabrikam',
        domain: 'fabrikam.com',
        by: pat,
        at: at(1).toISOString(),
      });
      expect(r.followUps.map((f) => f.id)).to.deep.equal(['f1']);
      expect(r.customers).to.deep.equal([
        { domain: 'fabrikam.com', name: 'Fabrikam', relationship: 'resellerAndProvider', reseller, source: 'addedByProvider', since: at(1).toISOString() },
      ]);
      expect(r.revision).to.equal(record.revision + 1);
    });

    it('records a subscription follow-up without touching the customers', () => {
      const record = providerWithReseller();
      const r = ok(
        recordFollowUp(
          record,
          { type: 'supportContact', resellerTenantId: reseller.tenantId, fields: { customer: 'Fabrikam', subscription: 'sub-1' } },
          pat,
          now,
          { id: 'f1' },
        ),
      );
      expect(r.followUps[0]).to.deep.include({ type: 'supportContact', subscription: 'sub-1', customer: 'Fabrikam' });
      expect(r.customers).to.deep.equal([]);
    });

    const refusals: Array<[string, (r: RelationshipsRecord) => ReturnType<typeof recordFollowUp>, object]> = [
      [
        'an unknown reseller',
        (r) => recordFollowUp(r, { type: 'newCustomer', resellerTenantId: 'stranger', fields: { customer: 'F', domain: 'f.com' } }, pat, now, { id: 'f' }),
        { code: 'unknownReseller' },
      ],
      [
        'a stale card',
        (r) =>
          recordFollowUp(
            r,
            { type: 'newCustomer', resellerTenantId: reseller.tenantId, fields: { customer: 'F', domain: 'f.com' } },
            pat,
            now,
            { id: 'f' },
            r.revision - 1,
          ),
        { code: 'stale' },
      ],
      [
        'an invalid form',
        (r) => recordFollowUp(r, { type: 'partnerIdOnSubscription', resellerTenantId: reseller.tenantId, fields: { customer: 'F' } }, pat, now, { id: 'f' }),
        { code: 'invalid', errors: [{ field: 'subscription', code: 'required' }] },
      ],
    ];
    for (const [label, run, error] of refusals) {
      it(`refuses ${label} and changes nothing`, () => {
        const record = providerWithReseller();
        const before = structuredClone(record);
        expect(run(record)).to.deep.equal({ ok: false, error });
        expect(record).to.deep.equal(before);
      });
    }

    it(`keeps the newest ${MAX_FOLLOW_UPS} follow-ups`, () => {
      let r = providerWithReseller();
      for (let i = 0; i < MAX_FOLLOW_UPS + 2; i++) {
        r = ok(
          recordFollowUp(r, { type: 'supportContact', resellerTenantId: reseller.tenantId, fields: { customer: 'F', subscription: `s${i}` } }, pat, now, {
            id: `f${i}`,
          }),
        );
      }
      expect(r.followUps).to.have.length(MAX_FOLLOW_UPS);
      expect(r.followUps[0]!.id).to.equal(`f${MAX_FOLLOW_UPS + 1}`);
      expect(r.followUps.at(-1)!.id).to.equal('f2');
    });
  });
});
