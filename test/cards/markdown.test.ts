/**
 * cards/markdown.ts and its use by buildCard: a single-line TextBlock that starts like a list item
 * ("2. Who you are", German dates "21. Nov. 2026 · Ada") keeps its number instead of rendering as
 * list item "1."; user-typed values are literal (no emphasis, no link, no linkified domain).
 * Rendered with markdown-it configured as Web Chat configures it (linkify and typographer on), so
 * the assertions are about what a partner sees, not only about backslashes.
 */
import { textBlocksOf } from '../support/chat.js';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { escapeLeadingMarker, markdownLiteral } from '../../cards/markdown.js';
import { buildCard } from '../../cards/render.js';
import { planCard, statusCard } from '../../dialogs/checklist/overviewViews.js';
import { type ViewContext } from '../../dialogs/checklist/views.js';
import { SUPPORTED_LOCALES, translator } from '../../src/i18n/index.js';
import { applyCommand, newTransitionRecord, type Actor, type TransitionCommand, type TransitionRecord } from '../../src/domain/transition.js';

const require = createRequire(import.meta.url);
// markdown-it is the renderer botframework-webchat depends on (renderMarkdown.js); same options as Web Chat
const MarkdownIt = require('markdown-it') as new (options: Record<string, unknown>) => { render(text: string): string };
const md = new MarkdownIt({ breaks: false, html: false, linkify: true, typographer: true, xhtmlOut: true });
const render = (text: string) => md.render(text).trim();

/** A leading ordered-list marker not escaped: what Web Chat renders as "1.". */
const UNESCAPED_LIST_MARKER = /^\s*\d+[.)](\s|$)/;

describe('markdown guards (cards/markdown.ts)', () => {
  describe('escapeLeadingMarker', () => {
    // [input, expected output]
    const cases: Array<[string, string]> = [
      ['2. Who you are', '2\\. Who you are'],
      ['21. Nov. 2026 · Ada', '21\\. Nov. 2026 · Ada'],
      ['8.', '8\\.'],
      ['3) Accept the agreement', '3\\) Accept the agreement'],
      ['  4. indented', '  4\\. indented'],
      ['- x', '\\- x'],
      ['+ x', '\\+ x'],
      ['* x', '\\* x'],
      ['# x', '\\# x'],
      ['> quoted', '\\> quoted'],
      // not a block marker: left as is
      ['Who you are', 'Who you are'],
      ['Step 2. Who you are', 'Step 2. Who you are'],
      ['3.5 million customers', '3.5 million customers'],
      ['2026 was a good year', '2026 was a good year'],
      ['#hashtag', '#hashtag'],
      ['-5 degrees', '-5 degrees'],
      ['Nov 21, 2026 · Ada', 'Nov 21, 2026 · Ada'],
      ['', ''],
      // several lines are meant as lists
      ['1. first\n2. second', '1. first\n2. second'],
      ['- a\n- b', '- a\n- b'],
      ['Intro\n1. first', 'Intro\n1. first'],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
        expect(escapeLeadingMarker(input)).to.equal(expected);
      });
    }

    const single = cases.filter(([input]) => input !== '' && !input.includes('\n'));
    for (const [input] of single) {
      it(`${JSON.stringify(input)} renders as a plain paragraph reading as written`, () => {
        const html = render(escapeLeadingMarker(input));
        expect(html).to.not.match(/<(ol|ul|li|h\d|blockquote)\b/);
        expect(html.replace(/<[^>]+>/g, '').replace(/&gt;/g, '>')).to.equal(input.trim());
      });
    }

    it('without it, "2. Who you are" and "21. Nov. 2026" become list item 1 (the defect it fixes)', () => {
      expect(render('2. Who you are')).to.match(/<ol start="2">/);
      expect(render('21. Nov. 2026 · Ada')).to.match(/<ol start="21">/);
      expect(render('1. first\n2. second'), 'multi-line lists still render as lists').to.match(/<ol>/);
    });
  });

  describe('markdownLiteral', () => {
    // [typed value, expected markdown]
    const cases: Array<[string, string]> = [
      ['*bold*', '\\*bold\\*'],
      ['_under_score_', '\\_under\\_score\\_'],
      ['[click](https://evil.example)', '\\[click\\](https\\://evil\\.example)'],
      ['`code`', '\\`code\\`'],
      ['outlook.com', 'outlook\\.com'],
      ['fabrikam.onmicrosoft.com', 'fabrikam\\.onmicrosoft\\.com'],
      ['a.b@c.com', 'a\\.b@c\\.com'],
      ['Contoso Ltd. is', 'Contoso Ltd. is'],
      ['Contoso Ltd.', 'Contoso Ltd.'],
      ['Contoso Cloud & Co', 'Contoso Cloud & Co'],
      ['<b>x</b>', '\\<b\\>x\\</b\\>'],
      ['back\\slash', 'back\\\\slash'],
      ['2. Reseller GmbH', '2\\. Reseller GmbH'],
      ['Ada Admin', 'Ada Admin'],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
        expect(markdownLiteral(input)).to.equal(expected);
      });
    }

    for (const [input] of [...cases, ['https://contoso.com', '']]) {
      it(`${JSON.stringify(input)} renders as literal text: no link, no emphasis, no code, no list`, () => {
        const html = render(markdownLiteral(input));
        expect(html).to.not.match(/<(a|em|strong|code|ol|ul|b)\b/);
        const text = html
          .replace(/<[^>]+>/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&');
        expect(text).to.equal(input);
      });
    }

    it('without it, domains and emails are linkified (the defect it fixes)', () => {
      for (const domain of ['outlook.com', 'fabrikam.onmicrosoft.com', 'a.b@c.com']) expect(render(domain), domain).to.match(/<a href=/);
    });
  });

  describe('buildCard escapes every single-line TextBlock', () => {
    it('a step card whose title starts with a number keeps the number', () => {
      const card = buildCard('step', {
        title: '2. Who you are',
        paragraphs: ['1. first\n2. second'],
        bullets: [],
        bulletsTitle: '',
        actionRows: [],
        facts: [],
        lines: [],
        footer: '',
        note: { title: '', text: '', style: 'default' },
        actions: [],
      });
      const texts = textBlocksOf(card);
      expect(texts).to.include('2\\. Who you are');
      expect(texts, 'a multi-line paragraph is a list on purpose').to.include('1. first\n2. second');
    });
  });

  const ga: Actor = { id: 'ga', name: 'Ada' };
  const details = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };
  /** Steps 1-5 done by Ada on 21 Nov 2026 (German short date "21. Nov. 2026"). */
  function enrolledRecord(): TransitionRecord {
    const at = new Date('2026-11-21T10:00:00Z');
    const commands: TransitionCommand[] = [
      { type: 'confirmPrepared' },
      { type: 'setRole', role: 'globalAdmin' },
      { type: 'answerEligibility', answer: 'restricted' },
      { type: 'submitDetails', details },
      { type: 'confirmEnrollment', understood: true },
    ];
    let r = newTransitionRecord('tenant-a', at);
    for (const c of commands) {
      const res = applyCommand(r, c, ga, at);
      if (!res.ok) throw new Error(c.type);
      r = res.record;
    }
    return r;
  }

  for (const locale of SUPPORTED_LOCALES) {
    describe(`plan and status cards through the real views (${locale})`, () => {
      const view = (): ViewContext => ({
        record: enrolledRecord(),
        userId: 'ga',
        t: translator(locale),
        now: new Date('2026-11-22T09:00:00Z'),
        channelId: 'webchat',
      });
      const cards: Array<[string, (v: ViewContext) => { content?: unknown }]> = [
        ['plan', planCard],
        ['status', statusCard],
      ];
      for (const [name, build] of cards) {
        it(`${name} card: no TextBlock starts with an unescaped "n." or "n)"; single lines render without lists`, () => {
          const texts = textBlocksOf(build(view()).content);
          expect(texts.length).to.be.greaterThan(8);
          const numbered = texts.filter((t) => /^\s*\d+\\[.)]/.test(t));
          expect(numbered.length, 'the step numbers are there, escaped').to.be.at.least(8);
          for (const text of texts) {
            expect(text, 'unescaped leading list marker').to.not.match(UNESCAPED_LIST_MARKER);
            if (!text.includes('\n')) expect(render(text), text).to.not.match(/<(ol|ul|h\d)\b/);
          }
        });
      }

      if (locale === 'de-DE') {
        it('status card: the German dates of the latest activity keep their day ("21. Nov. 2026")', () => {
          const texts = textBlocksOf(statusCard(view()).content);
          const recent = texts.filter((t) => t.includes(' · Ada · '));
          expect(recent.length).to.be.at.least(1);
          for (const line of recent) {
            expect(line).to.match(/^21\\\. Nov\. 2026 · Ada · /);
            expect(render(line)).to.match(/^<p>21\. Nov\. 2026 · Ada · /);
          }
        });
      }
    });
  }
});
