import { expect } from 'chai';
import { beginChanges, endChanges, noteChange } from '../../src/store/changeCapture.js';

const change = (tenantId: string, kind: string, n: number) => ({ tenantId, kind, record: { n } });

describe('change windows (which records a turn changed)', () => {
  it('returns the changes of its tenant noted while the window was open, in order', () => {
    noteChange(change('t1', 'transition', 0)); // no window: dropped
    const mark = beginChanges('t1');
    noteChange(change('t1', 'transition', 1));
    noteChange(change('t2', 'transition', 9)); // another tenant
    noteChange(change('t1', 'invitations', 2));
    expect(endChanges('t1', mark)).to.deep.equal([change('t1', 'transition', 1), change('t1', 'invitations', 2)]);
    // closed: nothing is kept any more
    noteChange(change('t1', 'transition', 3));
    const again = beginChanges('t1');
    expect(endChanges('t1', again)).to.deep.equal([]);
  });

  it('overlapping windows of one tenant each see what happened since they opened', () => {
    const first = beginChanges('t3');
    noteChange(change('t3', 'transition', 1));
    const second = beginChanges('t3');
    noteChange(change('t3', 'transition', 2));
    expect(endChanges('t3', first)).to.deep.equal([change('t3', 'transition', 1), change('t3', 'transition', 2)]);
    noteChange(change('t3', 'transition', 3));
    expect(endChanges('t3', second)).to.deep.equal([change('t3', 'transition', 2), change('t3', 'transition', 3)]);
  });

  it('an unknown window returns nothing and does not throw', () => {
    expect(endChanges('never-opened', 0)).to.deep.equal([]);
  });
});
