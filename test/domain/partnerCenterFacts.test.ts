/**
 * classifyFromPartnerCenter (src/domain/customers/partnerCenterFacts.ts): Partner Center's own data
 * classifies customers (basis `partnerCenter`), replaces classes from other sources, adds customers
 * it lists, leaves the others alone, and records the read even when nothing changed.
 */
import { expect } from 'chai';
import {
  answerIdentifyingQuestion,
  classifyFromPartnerCenter,
  importCustomers,
  newCustomerRecord,
  type CustomerRecord,
  type PartnerCenterSnapshot,
} from '../../src/domain/customers.js';

const now = new Date('2026-12-01T10:00:00Z');
const ada = { id: 'ada', name: 'Ada Admin' };
const fabrikam = { tenantId: 'b01b1487-b36e-4e6d-9b5e-0b58974c4b28', name: 'ReleCloud' };

function withCustomers(): CustomerRecord {
  const r = importCustomers(
    newCustomerRecord('t1', now),
    [
      { name: 'Typed Prospect', domain: 'prospect.example' },
      { name: 'Contoso', domain: 'contoso.onmicrosoft.com' },
    ],
    ada,
    now,
    'card',
  );
  if (!r.ok) throw new Error('import');
  return r.record;
}

const snapshot = (readAt = '2026-12-01T10:00:00.000Z'): PartnerCenterSnapshot => ({
  readAt,
  customers: [
    { domain: 'Contoso.onmicrosoft.com', name: 'Contoso Ltd', tenantId: 'c5757d70-06f3-4f23-8367-5a9e55019f94' },
    { domain: 'wingtip.onmicrosoft.com', name: 'Wingtip  Toys', provider: fabrikam },
    { domain: 'fourthcoffee.onmicrosoft.com', name: 'Fourth Coffee' },
  ],
});

describe('classifyFromPartnerCenter', () => {
  it('classifies listed customers as direct bill or indirect reseller with their provider, adds the new ones, leaves the rest', () => {
    const before = withCustomers();
    const { record, added, reclassified } = classifyFromPartnerCenter(before, snapshot(), now);
    const by = (d: string) => record.customers.find((c) => c.domain === d)!;
    expect(by('contoso.onmicrosoft.com')).to.include({
      class: 'directBill',
      basis: 'partnerCenter',
      name: 'Contoso',
      tenantId: 'c5757d70-06f3-4f23-8367-5a9e55019f94',
    });
    expect(by('contoso.onmicrosoft.com').added.source, 'kept how it was first added').to.equal('card');
    expect(by('wingtip.onmicrosoft.com')).to.deep.include({ class: 'indirectReseller', provider: fabrikam, basis: 'partnerCenter', name: 'Wingtip Toys' });
    expect(by('wingtip.onmicrosoft.com').added).to.deep.equal({
      by: { id: 'assistant', name: 'CSP partner assistant' },
      at: '2026-12-01T10:00:00.000Z',
      source: 'partnerCenter',
    });
    expect(by('prospect.example')).to.include({ class: 'unknown' });
    expect(added.map((c) => c.domain)).to.deep.equal(['wingtip.onmicrosoft.com', 'fourthcoffee.onmicrosoft.com']);
    expect(reclassified.map((c) => c.domain)).to.deep.equal(['contoso.onmicrosoft.com']);
    expect(record.revision).to.equal(before.revision + 1);
    expect(record.partnerCenter).to.deep.equal({ readAt: '2026-12-01T10:00:00.000Z', customers: 3 });
    expect(before.customers).to.have.length(2); // not mutated
  });

  it('replaces an answer to the identifying question: Partner Center is the fact', () => {
    const answered = answerIdentifyingQuestion(withCustomers(), 'contoso.onmicrosoft.com', 'cannotAddProducts', ada, now);
    if (!answered.ok) throw new Error('answer');
    const { record } = classifyFromPartnerCenter(answered.record, snapshot(), now);
    expect(record.customers.find((c) => c.domain === 'contoso.onmicrosoft.com')).to.include({ class: 'directBill', basis: 'partnerCenter' });
    expect(record.customers.find((c) => c.domain === 'contoso.onmicrosoft.com')!.provider).to.equal(undefined);
  });

  it('a second read with the same facts changes no customer and no revision, but records the new read time', () => {
    const first = classifyFromPartnerCenter(withCustomers(), snapshot(), now).record;
    const second = classifyFromPartnerCenter(first, snapshot('2026-12-02T08:00:00.000Z'), new Date('2026-12-02T08:00:00Z'));
    expect(second.added).to.deep.equal([]);
    expect(second.reclassified).to.deep.equal([]);
    expect(second.record.revision).to.equal(first.revision);
    expect(second.record.customers).to.equal(first.customers);
    expect(second.record.partnerCenter?.readAt).to.equal('2026-12-02T08:00:00.000Z');
  });

  it('a customer whose provider changed (or who left the provider) is reclassified', () => {
    const first = classifyFromPartnerCenter(withCustomers(), snapshot(), now).record;
    const moved = snapshot('2026-12-03T08:00:00.000Z');
    moved.customers[1] = { domain: 'wingtip.onmicrosoft.com', name: 'Wingtip Toys' };
    moved.customers[2] = { ...moved.customers[2]!, provider: fabrikam };
    const { record, reclassified } = classifyFromPartnerCenter(first, moved, now);
    expect(reclassified.map((c) => `${c.domain}:${c.class}`)).to.deep.equal([
      'wingtip.onmicrosoft.com:directBill',
      'fourthcoffee.onmicrosoft.com:indirectReseller',
    ]);
    expect(record.customers.find((c) => c.domain === 'wingtip.onmicrosoft.com')!.provider).to.equal(undefined);
  });
});
