/** The memo of expanded card rows (cards/rowMemo.ts): keyed field by field, exact, bounded. */
import { expect } from 'chai';
import { RowMemo } from '../../cards/rowMemo.js';

describe('RowMemo (expanded card rows by their data)', () => {
  it('finds a row again by equal data, also built anew (other objects, same values)', () => {
    const memo = new RowMemo<object>(10);
    const element = { type: 'Container' };
    memo.set({ icon: '✓', title: 'Find an indirect provider', data: { verb: 'x', item: 'a' }, n: 1, on: true }, element);
    expect(memo.get({ icon: '✓', title: 'Find an indirect provider', data: { verb: 'x', item: 'a' }, n: 1, on: true })).to.equal(element);
    expect(memo.size).to.equal(1);
  });

  it('tells rows apart that differ in a value, a value type, a field name, an object, or a missing last field', () => {
    const memo = new RowMemo<string>(100);
    const rows: Array<Record<string, unknown>> = [
      { a: 'x', b: 'y' },
      { a: 'x', b: 'z' },
      { a: 'x', c: 'y' },
      { a: 'x' },
      { a: 1 },
      { a: '1' },
      { a: true },
      { a: 'true' },
      { a: null },
      { a: { k: 1 } },
      { a: '{"k":1}' },
      { a: { k: 2 } },
      {},
    ];
    rows.forEach((row, i) => memo.set(row, `row ${i}`));
    rows.forEach((row, i) => expect(memo.get(structuredClone(row)), JSON.stringify(row)).to.equal(`row ${i}`));
    expect(memo.size).to.equal(rows.length);
    expect(memo.get({ a: 'x', b: 'y', c: 'z' }), 'a longer row is another row').to.equal(undefined);
    expect(memo.get({ b: 'y', a: 'x' }), 'fields in another order are another row').to.equal(undefined);
  });

  it('replaces the entry of a row set again without counting it twice', () => {
    const memo = new RowMemo<string>(10);
    memo.set({ a: 'x' }, 'first');
    memo.set({ a: 'x' }, 'second');
    expect(memo.get({ a: 'x' })).to.equal('second');
    expect(memo.size).to.equal(1);
  });

  it('starts over once it holds max rows', () => {
    const memo = new RowMemo<number>(3);
    for (let i = 0; i < 3; i++) memo.set({ i }, i);
    expect([0, 1, 2].map((i) => memo.get({ i }))).to.deep.equal([0, 1, 2]);
    memo.set({ i: 3 }, 3);
    expect(memo.size).to.equal(1);
    expect([0, 1, 2, 3].map((i) => memo.get({ i }))).to.deep.equal([undefined, undefined, undefined, 3]);
  });
});
