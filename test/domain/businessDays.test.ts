import { expect } from 'chai';
import { addBusinessDaysUtc, addCalendarDaysUtc, daysUntil } from '../../src/domain/businessDays.js';

describe('business days (approval: up to five business days)', () => {
  const cases: Array<[string, number, string, string]> = [
    ['2026-11-16T10:00:00Z', 5, '2026-11-23', 'Monday + 5 = next Monday'],
    ['2026-11-20T10:00:00Z', 5, '2026-11-27', 'Friday + 5 = next Friday'],
    ['2026-11-21T10:00:00Z', 5, '2026-11-27', 'Saturday counts from Monday: + 5 = Friday'],
    ['2026-11-22T23:59:00Z', 5, '2026-11-27', 'Sunday late UTC'],
    ['2026-11-18T00:00:00Z', 1, '2026-11-19', 'Wednesday + 1'],
    ['2026-11-20T00:00:00Z', 1, '2026-11-23', 'Friday + 1 skips the weekend'],
    ['2026-12-31T12:00:00Z', 5, '2027-01-07', 'across the year end'],
    ['2026-11-18T00:00:00Z', 0, '2026-11-18', 'zero days'],
  ];
  for (const [from, days, expected, label] of cases) {
    it(`${label}: ${from} + ${days} -> ${expected}`, () => {
      expect(addBusinessDaysUtc(new Date(from), days)).to.equal(expected);
    });
  }

  it('never lands on a weekend', () => {
    for (let d = 0; d < 28; d++) {
      const from = new Date(Date.UTC(2026, 10, 1 + d, 12));
      const day = new Date(`${addBusinessDaysUtc(from, 5)}T00:00:00Z`).getUTCDay();
      expect(day, from.toISOString()).to.be.within(1, 5);
    }
  });

  it('refuses negative or fractional days', () => {
    expect(() => addBusinessDaysUtc(new Date(), -1)).to.throw(RangeError);
    expect(() => addBusinessDaysUtc(new Date(), 1.5)).to.throw(RangeError);
  });

  it('adds calendar days for the 30-day incentives window and counts days until a date', () => {
    expect(addCalendarDaysUtc(new Date('2026-11-20T09:00:00Z'), 30)).to.equal('2026-12-20');
    expect(daysUntil('2026-11-27', new Date('2026-11-20T23:00:00Z'))).to.equal(7);
    expect(daysUntil('2026-11-19', new Date('2026-11-20T01:00:00Z'))).to.equal(-1);
  });
});
