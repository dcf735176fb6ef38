/**
 * The Teams form of a card (cards/universal.ts): Action.Submit with a verb -> Action.Execute
 * { verb, data } wherever it sits, everything else as it was, the card never changed in place, a
 * refresh block for live views; valid Adaptive Cards 1.5 for the adaptivecards parser.
 */
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { CardFactory } from 'botbuilder';
import { buildCard } from '../../cards/render.js';
import { MAX_REFRESH_USER_IDS, liveViewOf, markLive, universalCard } from '../../cards/universal.js';

const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void; validateProperties(): { validationEvents: Array<{ message: string }> } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const CARD = deepFreeze({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Hello', wrap: true },
    { type: 'Input.ChoiceSet', id: 'country', choices: [{ title: 'Germany', value: 'DE' }] },
    {
      type: 'Container',
      selectAction: { type: 'Action.Submit', data: { verb: 'menu.open', journey: 'providers' } },
      items: [
        {
          type: 'ColumnSet',
          columns: [
            {
              type: 'Column',
              items: [
                {
                  type: 'ActionSet',
                  actions: [{ type: 'Action.Submit', title: 'Mark done', style: 'positive', data: { verb: 'transition.next.set', rev: 3 } }],
                },
              ],
            },
          ],
        },
      ],
    },
    { type: 'ActionSet', actions: [{ type: 'Action.ToggleVisibility', title: 'Show all steps', targetElements: ['steps'] }] },
  ],
  actions: [
    { type: 'Action.Submit', title: 'Check my details', style: 'positive', associatedInputs: 'auto', data: { verb: 'transition.details.submit', rev: 3 } },
    { type: 'Action.Submit', title: 'No verb', data: { x: 1 } },
    { type: 'Action.OpenUrl', title: 'Official list', url: 'https://partnercenter.microsoft.com/partner/find-a-provider' },
    {
      type: 'Action.ShowCard',
      title: 'More',
      card: { type: 'AdaptiveCard', body: [], actions: [{ type: 'Action.Submit', title: 'Inner', data: { verb: 'command', command: 'help' } }] },
    },
  ],
});

describe('cards/universal: the Teams form of a card', () => {
  it('turns every Action.Submit with a verb into Action.Execute { verb, data }, wherever it sits, keeping title, style and associatedInputs', () => {
    const teams = universalCard(CARD) as typeof CARD;
    expect(teams.actions[0]).to.deep.equal({
      type: 'Action.Execute',
      title: 'Check my details',
      style: 'positive',
      associatedInputs: 'auto',
      verb: 'transition.details.submit',
      data: { rev: 3 },
    });
    expect(teams.actions[1], 'a submit without a verb is left alone').to.equal(CARD.actions[1]);
    expect(teams.actions[2]).to.equal(CARD.actions[2]);
    expect((teams.actions[3] as { card: { actions: unknown[] } }).card.actions[0]).to.deep.equal({
      type: 'Action.Execute',
      title: 'Inner',
      verb: 'command',
      data: { command: 'help' },
    });
    const container = teams.body[2] as { selectAction: unknown; items: Array<{ columns: Array<{ items: Array<{ actions: unknown[] }> }> }> };
    expect(container.selectAction).to.deep.equal({ type: 'Action.Execute', verb: 'menu.open', data: { journey: 'providers' } });
    expect(container.items[0]!.columns[0]!.items[0]!.actions[0]).to.deep.equal({
      type: 'Action.Execute',
      title: 'Mark done',
      style: 'positive',
      verb: 'transition.next.set',
      data: { rev: 3 },
    });
    expect(teams).to.not.have.property('refresh');
  });

  it('never changes the card in place and shares what it does not change (frozen rows stay shared)', () => {
    const teams = universalCard(CARD) as typeof CARD;
    expect(teams).to.not.equal(CARD);
    expect(teams.body[0]).to.equal(CARD.body[0]);
    expect(teams.body[1], 'inputs and their choices are not copied').to.equal(CARD.body[1]);
    expect(teams.body[3]).to.equal(CARD.body[3]);
    expect((CARD.actions[0] as { type: string }).type).to.equal('Action.Submit');
    const plain = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x' }] };
    expect(universalCard(plain), 'nothing to change: the same object').to.equal(plain);
  });

  it('adds refresh { action: Action.Execute refresh { view }, userIds } with at most 60 user ids', () => {
    const ids = Array.from({ length: 75 }, (_, i) => `29:user-${i}`);
    const teams = universalCard(CARD, { view: 'checklist.current', userIds: ids });
    expect(teams.refresh).to.deep.equal({
      action: { type: 'Action.Execute', verb: 'refresh', data: { view: 'checklist.current' } },
      userIds: ids.slice(0, MAX_REFRESH_USER_IDS),
    });
    expect(MAX_REFRESH_USER_IDS).to.equal(60);
  });

  it('marks live cards without touching their JSON', () => {
    const attachment = CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [] });
    const json = JSON.stringify(attachment);
    expect(liveViewOf(attachment.content)).to.equal(undefined);
    expect(markLive(attachment, 'checklist.next')).to.equal(attachment);
    expect(liveViewOf(attachment.content)).to.equal('checklist.next');
    expect(JSON.stringify(attachment)).to.equal(json);
  });

  it('Teams forms of real templates are Adaptive Cards 1.5 the adaptivecards parser reads without warnings', () => {
    const welcome = buildCard('welcome', {
      title: 'Hi',
      intro: 'Hello',
      status: '',
      journeysTitle: 'What I can do',
      journeys: [{ title: 'Checklist', description: 'Steps', button: 'Start the checklist', data: { verb: 'menu.open', journey: 'transition' } }],
      commandsHint: 'help',
    });
    expect(JSON.stringify(universalCard(welcome))).to.contain(
      '"type":"Action.Execute","title":"Start the checklist","style":"positive","data":{"journey":"transition"},"verb":"menu.open"',
    );
    for (const card of [universalCard(CARD, { view: 'checklist.current', userIds: ['29:a'] }), universalCard(welcome, { view: 'x', userIds: [] })]) {
      expect(card.version).to.equal('1.5');
      const ac = new AC.AdaptiveCard();
      const ctx = new AC.SerializationContext();
      ac.parse(card, ctx);
      expect(Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message)).to.deep.equal([]);
      expect(ac.validateProperties().validationEvents.map((e) => e.message)).to.deep.equal([]);
    }
  });

  it('a frozen row shared across turns is converted once: the same frozen Teams form every time, the row itself unchanged', () => {
    const row = Object.freeze({
      type: 'ActionSet',
      actions: Object.freeze([
        Object.freeze({ type: 'Action.Submit', title: 'Mark done', data: Object.freeze({ verb: 'transition.next.set', item: 'serveDirect' }) }),
      ]),
    });
    const card = (n: number) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `turn ${n}` }, row] });
    const first = universalCard(card(1)) as { body: unknown[] };
    const second = universalCard(card(2)) as { body: unknown[] };
    expect(first.body[1]).to.equal(second.body[1]);
    expect(Object.isFrozen(first.body[1])).to.equal(true);
    expect(first.body[1]).to.deep.equal({
      type: 'ActionSet',
      actions: [{ type: 'Action.Execute', title: 'Mark done', verb: 'transition.next.set', data: { item: 'serveDirect' } }],
    });
    expect(row.actions[0]!.type).to.equal('Action.Submit');
  });
});
