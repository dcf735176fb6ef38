/**
 * cards/render.ts partials: the repeated rows of the progress header (bar segments, steps) and of the
 * what's-next list are templates of their own, expanded once per distinct row and shared frozen.
 * A card built that way must equal the card the single inline (`$data`) template gives.
 */
import { expect } from 'chai';
import * as ACData from 'adaptivecards-templating';
import { buildCard } from '../../cards/render.js';
import { escapeLeadingMarker } from '../../cards/markdown.js';
import nextTemplate from '../../cards/templates/next.json' with { type: 'json' };
import nextItem from '../../cards/templates/nextItem.json' with { type: 'json' };
import progressHeaderTemplate from '../../cards/templates/progressHeader.json' with { type: 'json' };
import progressSegment from '../../cards/templates/progressSegment.json' with { type: 'json' };
import progressStep from '../../cards/templates/progressStep.json' with { type: 'json' };
import { nextCard, progressHeader, type ViewContext } from '../../dialogs/checklist/views.js';
import type { Actor, TransitionCommand } from '../../src/domain/transition.js';
import { translator } from '../../src/i18n/index.js';
import { runCommands, STEPS_TO_NEXT } from '../support/transitionScripts.js';

type Template = { expand(context: { $root: unknown }): unknown };
const Template = (ACData as unknown as { Template: new (json: unknown) => Template }).Template;

/** The parent template with each `"${field}"` placeholder replaced by the partial as an inline `$data` loop (the form before partials). */
function inline(node: unknown, partials: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, partials));
  if (typeof node === 'string') {
    const field = /^\$\{(\w+)\}$/.exec(node)?.[1];
    return field && field in partials ? [{ $data: `\${${field}}`, ...(partials[field] as object) }] : node;
  }
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const field = typeof v === 'string' ? /^\$\{(\w+)\}$/.exec(v)?.[1] : undefined;
      out[k] = field && field in partials ? [{ $data: v, ...(partials[field] as object) }] : inline(v, partials);
    }
    return out;
  }
  return node;
}

/** What buildCard did before partials: expand the inline template, then guard single-line TextBlocks. */
function guardAll(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(guardAll);
  if (!node || typeof node !== 'object') return node;
  const o = { ...(node as Record<string, unknown>) };
  if (o.type === 'TextBlock' && typeof o.text === 'string') o.text = escapeLeadingMarker(o.text);
  for (const key of ['items', 'columns', 'rows', 'cells']) if (key in o) o[key] = guardAll(o[key]);
  return o;
}

const ga: Actor = { id: 'ga', name: 'Ada Admin' };
const now = new Date('2026-11-20T09:00:00Z');
const run = (commands: readonly TransitionCommand[]) => runCommands(commands, ga, now);

const fresh = run([]);
const toNext = run([...STEPS_TO_NEXT, { type: 'setNextItem', item: 'serveDirect', done: true }]);

describe('card partials (repeated rows rendered once, shared frozen)', () => {
  for (const [label, record, locale] of [
    ['a fresh checklist, en-US', fresh, 'en-US'],
    ['the what-s-next list with one item done, de-DE', toNext, 'de-DE'],
    ['the what-s-next list with one item done, zh-TW', toNext, 'zh-TW'],
  ] as const) {
    it(`${label}: the progress header (collapsed and open) equals the inline-template rendering`, () => {
      const v: ViewContext = { record, userId: 'ga', t: translator(locale), now };
      for (const expanded of [false, true]) {
        const header = progressHeader(v, expanded);
        const viaPartials = buildCard('status', { recentTitle: '', recent: [], actions: [] }, header).body as unknown[];
        const inlineHeader = new Template(inline(progressHeaderTemplate, { segments: progressSegment, steps: progressStep })).expand({ $root: header });
        expect(JSON.parse(JSON.stringify(viaPartials[0]))).to.deep.equal(guardAll(inlineHeader));
      }
    });
  }

  it("the what's-next card equals the inline-template rendering (items with and without note, done line, journey and link)", () => {
    const item = (n: number, extra: Record<string, unknown>) => ({
      icon: '○',
      color: 'default',
      title: `${n}. Item ${n}`,
      detail: `Detail ${n}`,
      note: '',
      who: 'Who: global admin',
      doneBy: '',
      buttonTitle: 'Mark done',
      buttonData: { verb: 'transition.next.set', rev: 9, item: `i${n}`, done: true },
      linkUrl: '',
      linkTitle: 'Official list',
      journeyTitle: '',
      journeyData: {},
      ...extra,
    });
    const data = {
      title: 'What is next',
      intro: 'Seven things',
      items: [
        item(1, {}),
        item(2, { note: 'A note', doneBy: 'Done by Ada on Nov 20, 2026', icon: '✓', color: 'good', buttonTitle: 'Reopen' }),
        item(3, {
          linkUrl: 'https://partnercenter.microsoft.com/partner/find-a-provider',
          journeyTitle: 'Find one',
          journeyData: { verb: 'menu.open', journey: 'providers' },
        }),
      ],
    };
    const viaPartials = JSON.parse(JSON.stringify(buildCard('next', data)));
    const inlineCard = new Template(inline(nextTemplate, { items: nextItem })).expand({ $root: data }) as Record<string, unknown>;
    if (Array.isArray(inlineCard.actions) && inlineCard.actions.length === 0) delete inlineCard.actions;
    expect(viaPartials).to.deep.equal({ ...inlineCard, body: guardAll(inlineCard.body) });
    expect((viaPartials.body as unknown[]).length).to.equal(2 + 3);
  });

  it("the what's-next list of a real record shows its seven items, one done", () => {
    const v: ViewContext = { record: toNext, userId: 'ga', t: translator('en-US'), now };
    const items = (nextCard(v).content as { body: unknown[] }).body
      .filter((e) => (e as { separator?: boolean }).separator === true)
      .map((i) => JSON.stringify(i));
    expect(items).to.have.length(7);
    expect(items.filter((s) => s.includes('✓'))).to.have.length(1);
    expect(items.filter((s) => s.includes('○'))).to.have.length(6);
  });

  it('a shared row cannot be changed in place (rendered cards are read-only)', () => {
    const v: ViewContext = { record: fresh, userId: 'ga', t: translator('en-US'), now };
    const body = buildCard('status', { recentTitle: '', recent: [], actions: [] }, progressHeader(v)).body as Array<{ items: Array<{ columns?: unknown[] }> }>;
    const segment = body[0]!.items[1]!.columns![0] as Record<string, unknown>;
    expect(() => {
      segment.style = 'attention';
    }).to.throw(TypeError);
    expect(segment.style).to.equal('accent');
  });

  it('a row changes when its data does (remembered by data, not by position)', () => {
    const before = progressHeader({ record: fresh, userId: 'ga', t: translator('en-US'), now });
    const after = progressHeader({ record: run([{ type: 'confirmPrepared' }]), userId: 'ga', t: translator('en-US'), now });
    const firstSegment = (h: typeof before) =>
      (buildCard('status', { recentTitle: '', recent: [], actions: [] }, h).body as Array<{ items: Array<{ columns: Array<{ style: string }> }> }>)[0]!
        .items[1]!.columns[0]!.style;
    expect(firstSegment(before)).to.equal('accent');
    expect(firstSegment(after)).to.equal('good');
  });
});
