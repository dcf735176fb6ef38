/**
 * cards/swatches.ts: each progress-bar fill is a real 1x1 opaque PNG of its declared colour with at
 * least 3:1 contrast against a white card (WCAG 1.4.11), and every segment of the progress header
 * (data and rendered card) carries the fill of its step's state as `backgroundImage`.
 */
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { buildCard } from '../../cards/render.js';
import { SWATCHES, swatchUrl, type SwatchName } from '../../cards/swatches.js';
import { statusCard } from '../../dialogs/checklist/overviewViews.js';
import { progressHeader, type ViewContext } from '../../dialogs/checklist/views.js';
import { applyCommand, newTransitionRecord, progress, type Actor, type TransitionCommand, type TransitionRecord } from '../../src/domain/transition.js';
import { translator } from '../../src/i18n/index.js';

/** WCAG 2.x relative luminance of an sRGB colour (0-255 channels). */
function luminance([r, g, b]: readonly number[]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}
function contrast(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const WHITE = [255, 255, 255];

const NAMES = Object.keys(SWATCHES) as SwatchName[];

describe('progress fills (cards/swatches.ts)', () => {
  it('has a fill for every step state', () => {
    expect([...NAMES].sort()).to.deep.equal(['blocked', 'current', 'done', 'upcoming']);
  });

  it('the contrast helper matches known WCAG values (black/white 21:1, #767676 4.54:1)', () => {
    expect(contrast([0, 0, 0], WHITE)).to.be.closeTo(21, 0.001);
    expect(contrast(rgbOf('#767676'), WHITE)).to.be.closeTo(4.54, 0.01);
    expect(contrast(WHITE, WHITE)).to.equal(1);
  });

  for (const name of ['done', 'current', 'blocked', 'upcoming'] as const) {
    describe(name, () => {
      const { color, png } = SWATCHES[name];

      it(`decodes as a 1x1 opaque PNG of ${color}`, () => {
        expect(color).to.match(/^#[0-9A-F]{6}$/);
        const image = PNG.sync.read(Buffer.from(png, 'base64'));
        expect([image.width, image.height]).to.deep.equal([1, 1]);
        expect([...image.data]).to.deep.equal([...rgbOf(color), 255]);
      });

      it('has at least 3:1 contrast against white', () => {
        const ratio = contrast(rgbOf(color), WHITE);
        expect(ratio, `${color} on #FFFFFF`).to.be.at.least(3);
      });

      it('swatchUrl is its base64 data URI', () => {
        expect(swatchUrl(name)).to.equal(`data:image/png;base64,${png}`);
        const decoded = PNG.sync.read(Buffer.from(swatchUrl(name).slice('data:image/png;base64,'.length), 'base64'));
        expect([...decoded.data.subarray(0, 3)]).to.deep.equal(rgbOf(color));
      });
    });
  }

  it('the four fills are four different colours', () => {
    expect(new Set(NAMES.map((n) => SWATCHES[n].color)).size).to.equal(4);
    expect(new Set(NAMES.map((n) => SWATCHES[n].png)).size).to.equal(4);
  });

  describe('progress header segments', () => {
    const now = new Date('2026-11-20T09:00:00Z');
    const ga: Actor = { id: 'ga', name: 'Grace Admin' };
    const agent: Actor = { id: 'agent', name: 'Alan Agent' };
    const details = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };
    function run(commands: Array<[TransitionCommand, Actor]>): TransitionRecord {
      let r = newTransitionRecord('tenant-a', now);
      for (const [c, a] of commands) {
        const res = applyCommand(r, c, a, now);
        if (!res.ok) throw new Error(c.type);
        r = res.record;
      }
      return r;
    }
    const toDetails: Array<[TransitionCommand, Actor]> = [
      [{ type: 'confirmPrepared' }, ga],
      [{ type: 'setRole', role: 'globalAdmin' }, ga],
      [{ type: 'answerEligibility', answer: 'restricted' }, ga],
    ];
    // [case, record, viewing user, states expected on the 8 segments]
    const cases: Array<[string, TransitionRecord, string, SwatchName[]]> = [
      ['fresh record', newTransitionRecord('tenant-a', now), 'ga', ['current', ...Array<SwatchName>(7).fill('upcoming')]],
      ['at details, global admin', run(toDetails), 'ga', ['done', 'done', 'done', 'current', 'upcoming', 'upcoming', 'upcoming', 'upcoming']],
      [
        'at details, a sales agent (blocked)',
        run([...toDetails, [{ type: 'setRole', role: 'salesAgent' }, agent]]),
        'agent',
        ['done', 'done', 'done', 'blocked', 'upcoming', 'upcoming', 'upcoming', 'upcoming'],
      ],
      [
        'not Restricted (blocked at eligibility)',
        run([...toDetails.slice(0, 2), [{ type: 'answerEligibility', answer: 'notRestricted' }, ga]]),
        'ga',
        ['done', 'done', 'blocked', 'upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming'],
      ],
      [
        'enrolled and approved',
        run([...toDetails, [{ type: 'submitDetails', details }, ga], [{ type: 'confirmEnrollment', understood: true }, ga], [{ type: 'confirmApproved' }, ga]]),
        'ga',
        ['done', 'done', 'done', 'done', 'done', 'done', 'current', 'upcoming'],
      ],
    ];

    for (const [label, record, userId, states] of cases) {
      it(`${label}: each segment's image is swatchUrl(its state), in the data and in the rendered card`, () => {
        const v: ViewContext = { record, userId, t: translator('en-US'), now };
        expect(progress(record, userId).steps.map((s) => s.state)).to.deep.equal(states);
        const header = progressHeader(v);
        expect(header.segments.map((s) => s.image)).to.deep.equal(states.map(swatchUrl));

        for (const card of [buildCard('status', { recentTitle: '', recent: [], actions: [] }, header), statusCard(v).content as Record<string, unknown>]) {
          const columns = segmentColumns(card);
          expect(columns).to.have.length(8);
          expect(columns.map((c) => (c.backgroundImage as { url?: string } | undefined)?.url)).to.deep.equal(states.map(swatchUrl));
          for (const c of columns) expect(c.backgroundImage).to.deep.include({ fillMode: 'repeat' });
          expect(
            columns.map((c) => c.style),
            'container styles stay as the fallback',
          ).to.deep.equal(states.map((s) => ({ done: 'good', current: 'accent', blocked: 'warning', upcoming: 'emphasis' })[s]));
        }
      });
    }
  });
});

/** The columns of the progress bar: the ColumnSet in the header whose columns carry a background image. */
function segmentColumns(card: Record<string, unknown>): Array<Record<string, unknown>> {
  const header = (card.body as Array<Record<string, unknown>>)[0]!;
  const sets = (header.items as Array<Record<string, unknown>>).filter((i) => i.type === 'ColumnSet');
  const bar = sets.find((s) => (s.columns as Array<Record<string, unknown>>).some((c) => 'backgroundImage' in c));
  if (!bar) throw new Error('no progress bar in the card header');
  return bar.columns as Array<Record<string, unknown>>;
}
