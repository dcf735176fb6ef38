import { expect } from 'chai';
import { SHORTLIST_LIMIT, applyProviderChoice, newProviderChoiceRecord, type ProviderChoiceRecord } from '../../src/domain/providerChoice.js';

const now = new Date('2026-11-20T09:00:00Z');
const ada = { id: 'ada', name: 'Ada' };
const exists = (id: string) => id !== 'ghost';

function apply(r: ProviderChoiceRecord, c: Parameters<typeof applyProviderChoice>[1], rev?: number) {
  return applyProviderChoice(r, c, ada, now, exists, rev);
}

describe('provider choice rules (pure)', () => {
  it('choosing or contacting also shortlists; removing keeps the history marks', () => {
    let r = newProviderChoiceRecord('t', now);
    for (const c of [
      { type: 'contacted', providerId: 'p1' },
      { type: 'choose', providerId: 'p2' },
      { type: 'shortlist', providerId: 'p1', add: false },
    ] as const) {
      const res = apply(r, c);
      expect(res.ok).to.equal(true);
      if (res.ok) r = res.record;
    }
    expect(r.shortlist.map((s) => s.providerId)).to.deep.equal(['p2']);
    expect(r.contacted.map((s) => s.providerId)).to.deep.equal(['p1']);
    expect(r.chosen).to.deep.include({ providerId: 'p2', by: ada });
    expect(r.revision).to.equal(3);
  });

  const refusals: Array<[string, ProviderChoiceRecord, Parameters<typeof applyProviderChoice>[1], number | undefined, string]> = [
    ['a stale card', newProviderChoiceRecord('t', now), { type: 'choose', providerId: 'p1' }, 5, 'stale'],
    ['an unknown provider', newProviderChoiceRecord('t', now), { type: 'shortlist', providerId: 'ghost', add: true }, undefined, 'unknownProvider'],
    [
      'a full shortlist',
      {
        ...newProviderChoiceRecord('t', now),
        shortlist: Array.from({ length: SHORTLIST_LIMIT }, (_, i) => ({ providerId: `p${i}`, by: ada, at: now.toISOString() })),
      },
      { type: 'shortlist', providerId: 'extra', add: true },
      undefined,
      'shortlistFull',
    ],
  ];
  for (const [label, record, command, rev, code] of refusals) {
    it(`refuses ${label} and changes nothing`, () => {
      const before = structuredClone(record);
      const res = apply(record, command, rev);
      expect(res.ok).to.equal(false);
      if (!res.ok) expect(res.error.code).to.equal(code);
      expect(record).to.deep.equal(before);
    });
  }

  it('remembers the last search', () => {
    const res = apply(newProviderChoiceRecord('t', now), { type: 'search', country: 'DE', priorities: ['financing'] });
    expect(res.ok && res.record.lastSearch).to.deep.equal({ country: 'DE', priorities: ['financing'] });
  });
});
