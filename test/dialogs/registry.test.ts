import { expect } from 'chai';
import { JOURNEYS, LOOP_JOURNEYS, MENU, claimOf, ownerOf, parseSubmit, router } from '../../dialogs/registry.js';
import { SUPPORTED_LOCALES, translator } from '../../src/i18n/index.js';

describe('journey registry (dialogs/registry.ts)', () => {
  it('gives each journey its own verb prefix, and every verb of a slice starts with it', () => {
    const prefixes = JOURNEYS.map((j) => j.verbPrefix);
    expect(new Set(prefixes).size).to.equal(prefixes.length);
    for (const j of JOURNEYS) {
      for (const schema of j.submits) {
        const verb = (schema.shape.verb as unknown as { value: string }).value;
        expect(verb.startsWith(j.verbPrefix), `${verb} in ${j.id}`).to.equal(true);
        expect(ownerOf(verb)?.id ?? 'reminders').to.equal(j.id);
      }
    }
  });

  it('lists the welcome entries in card order, each with its words in every language', () => {
    expect(MENU.map((m) => m.id)).to.deep.equal(['transition', 'providers', 'invitations', 'customers', 'providerListing']);
    for (const locale of SUPPORTED_LOCALES) {
      const t = translator(locale);
      for (const m of MENU)
        for (const key of ['title', 'description', 'start'])
          expect(t(`journeys.${m.id}.${key}`), `${locale} ${m.id}.${key}`).not.to.equal(`journeys.${m.id}.${key}`);
    }
  });

  it('refuses a welcome button for an entry that does not exist, and an unknown verb', () => {
    expect(parseSubmit({ verb: 'menu.open', journey: 'customers' })).to.deep.equal({ ok: true, submit: { verb: 'menu.open', journey: 'customers' } });
    expect(parseSubmit({ verb: 'menu.open', journey: 'nowhere' })).to.deep.equal({ ok: false });
    expect(parseSubmit({ verb: 'nowhere.go' })).to.deep.equal({ ok: false });
    expect(parseSubmit('text')).to.equal(undefined);
  });

  it("reads a what's-next button with or without a revision (cards sent before it was dropped carry one)", () => {
    const submit = { verb: 'transition.next.set', item: 'findProvider', done: true };
    expect(parseSubmit({ ...submit })).to.deep.equal({ ok: true, submit });
    expect(parseSubmit({ ...submit, rev: 7 })).to.deep.equal({ ok: true, submit: { ...submit, rev: 7 } });
    expect(parseSubmit({ ...submit, rev: 'x' })).to.deep.equal({ ok: false });
  });

  it('hands typed words to the journey that claims them, in every language, and tells the others', () => {
    const cases: Array<[string, string]> = [
      ['customers', 'customers'],
      ['invitations', 'invitations'],
      ['continue', 'checklist'],
      ['name,domain\nContoso,contoso.com', 'customers'],
    ];
    const t = translator('en-US');
    for (const [text, id] of cases) {
      expect(claimOf(t, { text })?.journey.id, text).to.equal(id);
      for (const other of LOOP_JOURNEYS) expect(router.claimedElsewhere(other.id, t, { text }), `${text} in ${other.id}`).to.equal(other.id !== id);
    }
    for (const locale of SUPPORTED_LOCALES) {
      const tl = translator(locale);
      const word = tl.list('commands.customers')[0]!;
      expect(claimOf(tl, { text: word })?.journey.id, `${locale}: ${word}`).to.equal('customers');
    }
    expect(claimOf(t, { text: 'purple elephants' })).to.equal(undefined);
  });

  it('claims a message with a CSV file for the customer journey, whatever its text', () => {
    const file = { contentType: 'text/csv', name: 'customers.csv', contentUrl: 'data:text/csv;base64,YSxi' };
    expect(claimOf(translator('en-US'), { text: 'here you go', attachments: [file] })?.journey.id).to.equal('customers');
  });
});
