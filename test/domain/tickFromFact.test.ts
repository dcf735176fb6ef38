/**
 * `tickFromFact` (src/domain/transition.ts): a recorded fact (an accepted partnership request)
 * ticks what's-next items at any checklist step, credits the fact's actor and time, keeps marks
 * already there, refuses with `unchanged` when there is nothing to tick, never mutates its input,
 * and completes step 8 only when every item and steps 1-7 are done.
 */
import { expect } from 'chai';
import {
  HISTORY_LIMIT,
  NEXT_ITEM_IDS,
  PARTNERSHIP_ITEMS,
  STEP_IDS,
  currentStep,
  newTransitionRecord,
  tickFromFact,
  type Actor,
  type Mark,
  type NextItemId,
  type TransitionCommand,
  type TransitionRecord,
} from '../../src/domain/transition.js';
import { runCommands, STEPS_TO_NEXT } from '../support/transitionScripts.js';

const now = new Date('2026-11-20T09:00:00Z');
const ga: Actor = { id: 'ga', name: 'Grace Admin' };
const rita: Actor = { id: 'rita', name: 'Rita Reseller' };
const acceptedAt = '2026-11-24T15:30:00.000Z';
const fact = { by: rita, at: acceptedAt, action: 'next.partnership.accepted' };

const run = (commands: TransitionCommand[], start = newTransitionRecord('t1', now)): TransitionRecord => runCommands(commands, ga, now, start);

/** Steps 1-7 done by Grace: the checklist stands on "What's next". */
const TO_NEXT: TransitionCommand[] = [...STEPS_TO_NEXT];

const OTHER_ITEMS = NEXT_ITEM_IDS.filter((i) => !PARTNERSHIP_ITEMS.includes(i));
const tick = (items: readonly NextItemId[]): TransitionCommand[] => items.map((item) => ({ type: 'setNextItem', item, done: true }));

function ticked(res: ReturnType<typeof tickFromFact>): TransitionRecord {
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res.error)}`);
  return res.record;
}

describe('tickFromFact (pure)', () => {
  it('PARTNERSHIP_ITEMS are "Find an indirect provider" and "Accept the partnership invitation"', () => {
    expect([...PARTNERSHIP_ITEMS]).to.deep.equal(['findProvider', 'acceptPartnership']);
  });

  it('ticks both partnership items on a fresh record (step 1), crediting fact.by at fact.at', () => {
    const fresh = newTransitionRecord('t1', now);
    expect(currentStep(fresh)).to.equal('prepare');
    const r = ticked(tickFromFact(fresh, PARTNERSHIP_ITEMS, fact));
    const mark: Mark = { by: rita, at: acceptedAt };
    expect(r.nextItems).to.deep.equal({ findProvider: mark, acceptPartnership: mark });
    expect(r.revision).to.equal(fresh.revision + 1);
    expect(r.updatedAt).to.equal(acceptedAt);
    expect(r.done, 'no checklist step is completed by the fact').to.deep.equal({});
    expect(currentStep(r)).to.equal('prepare');
  });

  // [where the checklist stands, commands to get there]
  const stages: Array<[string, TransitionCommand[]]> = [
    ['step 1 (prepare)', []],
    ['step 3 (eligibility)', TO_NEXT.slice(0, 2)],
    ['step 6 (approval, after enrollment)', TO_NEXT.slice(0, 5)],
    ["step 8 (what's next)", TO_NEXT],
  ];
  for (const [label, commands] of stages) {
    it(`ticks at ${label}, whatever the step`, () => {
      const before = run(commands);
      const r = ticked(tickFromFact(before, PARTNERSHIP_ITEMS, fact));
      for (const item of PARTNERSHIP_ITEMS) expect(r.nextItems[item], item).to.deep.equal({ by: rita, at: acceptedAt });
      expect(currentStep(r)).to.equal(currentStep(before));
      expect(r.done).to.deep.equal(before.done);
    });
  }

  it('keeps an item already ticked as it is and ticks only the missing one', () => {
    const before = run(tick(['findProvider']), run(TO_NEXT));
    const earlier = before.nextItems.findProvider!;
    expect(earlier.by).to.deep.equal(ga);
    const r = ticked(tickFromFact(before, PARTNERSHIP_ITEMS, fact));
    expect(r.nextItems.findProvider, 'the earlier mark stays').to.deep.equal(earlier);
    expect(r.nextItems.acceptPartnership).to.deep.equal({ by: rita, at: acceptedAt });
    expect(r.revision).to.equal(before.revision + 1);
  });

  it("refuses as 'unchanged' when every item is already ticked (nothing to write)", () => {
    const before = run(tick(PARTNERSHIP_ITEMS), run(TO_NEXT));
    expect(tickFromFact(before, PARTNERSHIP_ITEMS, fact)).to.deep.equal({ ok: false, error: { code: 'unchanged' } });
    const afterFact = ticked(tickFromFact(newTransitionRecord('t1', now), PARTNERSHIP_ITEMS, fact));
    expect(tickFromFact(afterFact, PARTNERSHIP_ITEMS, { ...fact, by: ga, at: '2026-12-01T00:00:00.000Z' })).to.deep.equal({
      ok: false,
      error: { code: 'unchanged' },
    });
  });

  it('does not mutate the input record', () => {
    const inputs = [newTransitionRecord('t1', now), run(tick(['findProvider']), run(TO_NEXT)), run([...TO_NEXT, ...tick(OTHER_ITEMS)])];
    for (const input of inputs) {
      const copy = structuredClone(input);
      const r = ticked(tickFromFact(input, PARTNERSHIP_ITEMS, fact));
      expect(input).to.deep.equal(copy);
      expect(r).to.not.equal(input);
      expect(r.nextItems).to.not.equal(input.nextItems);
    }
  });

  // [case, record before the fact, done.next expected]
  const completion: Array<[string, () => TransitionRecord, boolean]> = [
    ['steps 1-7 done and the 5 other items ticked: step 8 completes', () => run([...TO_NEXT, ...tick(OTHER_ITEMS)]), true],
    ['steps 1-7 done, one other item still open', () => run([...TO_NEXT, ...tick(OTHER_ITEMS.slice(1))]), false],
    ['steps 1-7 done, no other item ticked', () => run(TO_NEXT), false],
    [
      'every other item ticked but step 7 (agreement) not done',
      () => {
        const r = run(TO_NEXT.slice(0, 6));
        for (const item of OTHER_ITEMS) r.nextItems[item] = { by: ga, at: now.toISOString() };
        return r;
      },
      false,
    ],
    [
      'every other item ticked on a fresh record (steps 1-7 open)',
      () => {
        const r = newTransitionRecord('t1', now);
        for (const item of OTHER_ITEMS) r.nextItems[item] = { by: ga, at: now.toISOString() };
        return r;
      },
      false,
    ],
  ];
  for (const [label, build, expected] of completion) {
    it(`${expected ? 'sets' : 'does not set'} done.next: ${label}`, () => {
      const r = ticked(tickFromFact(build(), PARTNERSHIP_ITEMS, fact));
      if (expected) {
        expect(r.done.next).to.deep.equal({ by: rita, at: acceptedAt });
        expect(currentStep(r)).to.equal(undefined);
        expect(STEP_IDS.every((s) => r.done[s])).to.equal(true);
      } else {
        expect(r.done.next).to.equal(undefined);
      }
    });
  }

  it('appends one history entry with fact.action, fact.by and fact.at', () => {
    const before = run(TO_NEXT);
    const r = ticked(tickFromFact(before, PARTNERSHIP_ITEMS, fact));
    expect(r.history).to.have.length(before.history.length + 1);
    expect(r.history.slice(0, -1)).to.deep.equal(before.history);
    expect(r.history.at(-1)).to.deep.equal({ by: rita, at: acceptedAt, action: 'next.partnership.accepted' });
    const other = ticked(tickFromFact(newTransitionRecord('t1', now), ['incentives'], { by: ga, at: acceptedAt, action: 'next.custom.fact' }));
    expect(other.history.at(-1)?.action).to.equal('next.custom.fact');
    expect(other.nextItems).to.have.keys(['incentives']);
  });

  it(`keeps the history at most ${HISTORY_LIMIT} entries, newest last`, () => {
    const full = newTransitionRecord('t1', now);
    full.history = Array.from({ length: HISTORY_LIMIT }, (_, i) => ({ by: ga, at: now.toISOString(), action: `old.${i}` }));
    const r = ticked(tickFromFact(full, PARTNERSHIP_ITEMS, fact));
    expect(r.history).to.have.length(HISTORY_LIMIT);
    expect(r.history[0]!.action).to.equal('old.1');
    expect(r.history.at(-1)!.action).to.equal('next.partnership.accepted');
  });
});
