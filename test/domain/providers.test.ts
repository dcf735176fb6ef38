import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PROVIDER_SERVICES,
  ProviderDirectory,
  ProviderDirectoryError,
  loadProviderDirectory,
  rankProviders,
  servesCountry,
  type Priority,
  type Provider,
  type ProviderQuery,
  type RankReason,
} from '../../src/domain/providers.js';
import { isCountryCode } from '../../src/domain/countries.js';

const SHIPPED = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/data/providers.json');

function prov(id: string, name: string, fields: Partial<Provider> = {}): Provider {
  return {
    id,
    name,
    website: `https://${id}.example`,
    headquarters: 'US',
    countries: ['US'],
    services: {},
    supportTiers: [],
    languages: [],
    source: `https://${id}.example/partners`,
    checked: '2026-11-01',
    ...fields,
  };
}

/** Hand-built directory. Stated facts: alpha 4, bravo 5, charlie 5, delta 0, echo 1. */
const HAND: Provider[] = [
  prov('alpha', 'Alpha', { headquarters: 'DE', countries: ['DE', 'AT'], services: { training: true, financing: true }, languages: ['de', 'en'] }),
  prov('bravo', 'Bravo', {
    headquarters: 'FR',
    countries: ['DE', 'FR'],
    services: { training: true, marketing: true, financing: true, support: true },
    languages: ['fr'],
  }),
  // Offers everything, but only in the US: never a match for Germany (region rule).
  prov('charlie', 'Charlie', {
    headquarters: 'US',
    countries: ['US'],
    services: { training: true, marketing: true, financing: true, support: true },
    languages: ['de'],
  }),
  prov('delta', 'Delta', { headquarters: 'DE', countries: ['DE'] }),
  prov('echo', 'Echo', { headquarters: 'AT', countries: ['AT', 'DE'], services: { training: true } }),
];
const dir = new ProviderDirectory(HAND);
const ids = (q: ProviderQuery, limit?: number) => rankProviders(dir, q, limit).map((r) => r.provider.id);

describe('provider ranking', () => {
  describe('order and scores (Germany)', () => {
    const cases: Array<[string, ProviderQuery, Array<[string, number]>]> = [
      [
        'no priorities: headquarters +1, then stated facts',
        { country: 'DE', priorities: [] },
        [
          ['alpha', 1],
          ['delta', 1],
          ['bravo', 0],
          ['echo', 0],
        ],
      ],
      [
        'training',
        { country: 'DE', priorities: ['training'] },
        [
          ['alpha', 4],
          ['bravo', 3],
          ['echo', 3],
          ['delta', 1],
        ],
      ],
      [
        'marketing + support',
        { country: 'DE', priorities: ['marketing', 'support'] },
        [
          ['bravo', 6],
          ['alpha', 1],
          ['delta', 1],
          ['echo', 0],
        ],
      ],
      [
        'everything',
        { country: 'DE', priorities: ['training', 'marketing', 'financing', 'support'] },
        [
          ['bravo', 12],
          ['alpha', 7],
          ['echo', 3],
          ['delta', 1],
        ],
      ],
      [
        'German support',
        { country: 'DE', priorities: ['language'], language: 'de' },
        [
          ['alpha', 4],
          ['delta', 1],
          ['bravo', 0],
          ['echo', 0],
        ],
      ],
      [
        'French support, upper-case code',
        { country: 'DE', priorities: ['language'], language: 'FR' },
        [
          ['bravo', 3],
          ['alpha', 1],
          ['delta', 1],
          ['echo', 0],
        ],
      ],
      [
        'duplicated priority counts once',
        { country: 'DE', priorities: ['financing', 'financing'] },
        [
          ['alpha', 4],
          ['bravo', 3],
          ['delta', 1],
          ['echo', 0],
        ],
      ],
      [
        'lower-case country',
        { country: 'de', priorities: ['training'] },
        [
          ['alpha', 4],
          ['bravo', 3],
          ['echo', 3],
          ['delta', 1],
        ],
      ],
      [
        'Austria',
        { country: 'AT', priorities: ['training'] },
        [
          ['echo', 4],
          ['alpha', 3],
        ],
      ],
      ['United States: only charlie', { country: 'US', priorities: ['support'] }, [['charlie', 4]]],
    ];
    for (const [label, query, expected] of cases) {
      it(label, () => {
        expect(rankProviders(dir, query).map((r) => [r.provider.id, r.score])).to.deep.equal(expected);
      });
    }
  });

  describe('reasons', () => {
    const cases: Array<[string, ProviderQuery, string, RankReason[]]> = [
      [
        'offered and not stated, in query order',
        { country: 'DE', priorities: ['marketing', 'training'] },
        'alpha',
        [
          { code: 'servesCountry', country: 'DE' },
          { code: 'headquarteredInCountry', country: 'DE' },
          { code: 'notStated', service: 'marketing' },
          { code: 'offers', service: 'training' },
        ],
      ],
      [
        'unknown services count 0 and say not stated',
        { country: 'DE', priorities: ['training', 'marketing', 'financing', 'support'] },
        'delta',
        [
          { code: 'servesCountry', country: 'DE' },
          { code: 'headquarteredInCountry', country: 'DE' },
          { code: 'notStated', service: 'training' },
          { code: 'notStated', service: 'marketing' },
          { code: 'notStated', service: 'financing' },
          { code: 'notStated', service: 'support' },
        ],
      ],
      [
        'language spoken',
        { country: 'DE', priorities: ['language', 'support'], language: 'de' },
        'alpha',
        [
          { code: 'servesCountry', country: 'DE' },
          { code: 'headquarteredInCountry', country: 'DE' },
          { code: 'speaks', language: 'de' },
          { code: 'notStated', service: 'support' },
        ],
      ],
      [
        'language not stated',
        { country: 'DE', priorities: ['support', 'language'], language: 'de' },
        'bravo',
        [
          { code: 'servesCountry', country: 'DE' },
          { code: 'offers', service: 'support' },
          { code: 'languageNotStated', language: 'de' },
        ],
      ],
      ['no priorities: only the country', { country: 'DE', priorities: [] }, 'echo', [{ code: 'servesCountry', country: 'DE' }]],
    ];
    for (const [label, query, id, reasons] of cases) {
      it(label, () => {
        const found = rankProviders(dir, query).find((r) => r.provider.id === id);
        expect(found?.reasons).to.deep.equal(reasons);
      });
    }

    it('unknown services score exactly like the absence of priorities', () => {
      const delta = (q: Priority[]) => rankProviders(dir, { country: 'DE', priorities: q }).find((r) => r.provider.id === 'delta')!.score;
      expect(delta(['training', 'marketing', 'financing', 'support'])).to.equal(delta([]));
    });
  });

  describe('region rule', () => {
    const all: Priority[] = ['training', 'marketing', 'financing', 'support', 'language'];
    const subsets = Array.from({ length: 1 << all.length }, (_, m) => all.filter((_, i) => m & (1 << i)));
    for (const country of ['DE', 'AT', 'FR', 'US', 'GB']) {
      it(`only providers serving ${country} appear, for all ${subsets.length} priority sets`, () => {
        for (const priorities of subsets) {
          for (const r of rankProviders(dir, { country, priorities, language: 'de' })) {
            expect(servesCountry(r.provider, country), `${r.provider.id} for ${country}`).to.equal(true);
          }
        }
      });
    }

    it('the best-equipped provider never appears outside its countries', () => {
      expect(ids({ country: 'DE', priorities: ['training', 'marketing', 'financing', 'support', 'language'], language: 'de' })).not.to.include('charlie');
    });

    it('gives an empty result for a country nobody serves', () => {
      expect(rankProviders(dir, { country: 'JP', priorities: ['training'] })).to.deep.equal([]);
      expect(rankProviders(dir, { country: 'JP', priorities: [] }, 5)).to.deep.equal([]);
    });

    it('servesCountry ignores case', () => {
      expect(servesCountry(HAND[0]!, 'at')).to.equal(true);
      expect(servesCountry(HAND[0]!, 'FR')).to.equal(false);
    });
  });

  describe('tie-breaks', () => {
    const tie = [
      prov('alpha-2', 'Alpha', { countries: ['SE'], headquarters: 'NO' }),
      prov('lower-alpha', 'alpha', { countries: ['SE'], headquarters: 'NO' }),
      prov('beta', 'Beta', { countries: ['SE'], headquarters: 'NO', languages: ['sv'] }),
      prov('alpha-1', 'Alpha', { countries: ['SE'], headquarters: 'NO' }),
      prov('gamma', 'Gamma', { countries: ['SE'], headquarters: 'NO', supportTiers: ['24x7'], services: { training: true } }),
    ];
    const expected = ['gamma', 'beta', 'alpha-1', 'alpha-2', 'lower-alpha'];
    const cases: Array<[string, Provider[]]> = [
      ['given order', tie],
      ['reversed', [...tie].reverse()],
      ['rotated', [...tie.slice(2), ...tie.slice(0, 2)]],
    ];
    for (const [label, providers] of cases) {
      it(`more stated facts, then name (code-unit order), then id; input ${label}`, () => {
        const d = new ProviderDirectory(providers);
        expect(rankProviders(d, { country: 'SE', priorities: ['marketing'] }).map((r) => r.provider.id)).to.deep.equal(expected);
      });
    }

    it('is deterministic across calls', () => {
      const q: ProviderQuery = { country: 'DE', priorities: ['training', 'language'], language: 'en' };
      const first = rankProviders(dir, q);
      for (let i = 0; i < 5; i++) expect(rankProviders(dir, q)).to.deep.equal(first);
    });
  });

  describe('limit', () => {
    const q: ProviderQuery = { country: 'DE', priorities: ['training'] };
    const cases: Array<[number | undefined, string[]]> = [
      [undefined, ['alpha', 'bravo', 'echo', 'delta']],
      [0, []],
      [1, ['alpha']],
      [2, ['alpha', 'bravo']],
      [3, ['alpha', 'bravo', 'echo']],
      [4, ['alpha', 'bravo', 'echo', 'delta']],
      [99, ['alpha', 'bravo', 'echo', 'delta']],
    ];
    for (const [limit, expected] of cases) {
      it(`limit ${limit}`, () => expect(ids(q, limit)).to.deep.equal(expected));
    }

    it('agrees with a plain sort on a random directory, with and without limit', () => {
      let seed = 7;
      const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const countries = ['DE', 'FR', 'AT', 'NL'];
      const providers = Array.from({ length: 300 }, (_, i) =>
        prov(`p-${i}`, `P${Math.floor(rnd() * 40)}`, {
          headquarters: countries[Math.floor(rnd() * 4)]!,
          countries: countries.filter(() => rnd() < 0.6).concat('BE'),
          services: Object.fromEntries(PROVIDER_SERVICES.filter(() => rnd() < 0.5).map((s) => [s, true])),
          languages: ['de', 'fr', 'nl'].filter(() => rnd() < 0.4),
          supportTiers: rnd() < 0.3 ? ['24x7'] : [],
        }),
      );
      const d = new ProviderDirectory(providers);
      const facts = (p: Provider) => Object.keys(p.services).length + p.languages.length + p.supportTiers.length;
      for (let t = 0; t < 50; t++) {
        const country = [...countries, 'BE'][t % 5]!;
        const priorities = (['training', 'marketing', 'financing', 'support', 'language'] as Priority[]).filter(() => rnd() < 0.5);
        const query: ProviderQuery = { country, priorities, language: 'fr' };
        const score = (p: Provider) =>
          priorities.reduce((s, x) => s + (x === 'language' ? (p.languages.includes('fr') ? 3 : 0) : p.services[x] ? 3 : 0), 0) +
          (p.headquarters === country ? 1 : 0);
        const naive = providers
          .filter((p) => p.countries.includes(country))
          .map((p) => ({ id: p.id, name: p.name, facts: facts(p), score: score(p) }))
          .sort((a, b) => b.score - a.score || b.facts - a.facts || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : 1))
          .map((x) => [x.id, x.score]);
        expect(rankProviders(d, query).map((r) => [r.provider.id, r.score])).to.deep.equal(naive);
        expect(rankProviders(d, query, 7).map((r) => [r.provider.id, r.score])).to.deep.equal(naive.slice(0, 7));
      }
    });
  });

  describe('refused queries', () => {
    const cases: Array<[string, ProviderQuery, number | undefined, RegExp]> = [
      ['not a country code', { country: 'XX', priorities: [] }, undefined, /country/],
      ['unknown priority', { country: 'DE', priorities: ['pricing' as Priority] }, undefined, /priority/],
      ['language priority without a language', { country: 'DE', priorities: ['language'] }, undefined, /language/],
      ['negative limit', { country: 'DE', priorities: [] }, -1, /limit/],
      ['fractional limit', { country: 'DE', priorities: [] }, 1.5, /limit/],
    ];
    for (const [label, query, limit, message] of cases) {
      it(label, () => expect(() => rankProviders(dir, query, limit)).to.throw(RangeError, message));
    }
  });
});

describe('provider directory', () => {
  it('indexes countries, looks up ids, and is immutable', () => {
    expect(dir.size).to.equal(5);
    expect(dir.get('bravo')?.name).to.equal('Bravo');
    expect(dir.get('nobody')).to.equal(undefined);
    expect(dir.servingCountry('DE').map((p) => p.id)).to.deep.equal(['bravo', 'alpha', 'echo', 'delta']);
    expect(dir.servingCountry('at').map((p) => p.id)).to.deep.equal(['alpha', 'echo']);
    expect(dir.servingCountry('JP')).to.deep.equal([]);
    expect(dir.all().map((p) => p.id)).to.deep.equal(HAND.map((p) => p.id));
    expect(Object.isFrozen(dir.get('alpha')!.countries)).to.equal(true);
  });

  it('refuses duplicate ids', () => {
    expect(() => new ProviderDirectory([prov('same', 'A'), prov('same', 'B')])).to.throw(RangeError, /same/);
  });

  describe('shipped src/data/providers.json', () => {
    const shipped = loadProviderDirectory(SHIPPED);

    it('loads and validates', () => {
      expect(shipped.size).to.be.greaterThan(5);
    });

    it('every provider serves its headquarters country', () => {
      for (const p of shipped.all()) expect(p.countries, p.id).to.include(p.headquarters);
    });

    it('only uses valid codes and https pages', () => {
      for (const p of shipped.all()) {
        for (const c of p.countries) expect(isCountryCode(c), `${p.id} ${c}`).to.equal(true);
        expect(p.source.startsWith('https://')).to.equal(true);
      }
    });

    it('finds providers for well-known markets', () => {
      for (const c of ['US', 'GB', 'DE', 'AU', 'CA']) expect(rankProviders(shipped, { country: c, priorities: ['training'] }).length, c).to.be.greaterThan(0);
    });
  });

  describe('validation failures name the file and the field', () => {
    let tmp: string;
    before(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'providers-test-'));
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    const NOW = new Date('2026-11-21T12:00:00Z');
    const good = () => ({
      note: 'test',
      providers: [
        prov('one', 'One', { headquarters: 'DE', countries: ['DE', 'AT'], services: { training: true }, languages: ['de'] }),
        prov('two', 'Two', { headquarters: 'FR', countries: ['FR', 'BE'] }),
      ] as unknown as Array<Record<string, unknown>>,
    });
    type File = ReturnType<typeof good>;
    const cases: Array<[string, (f: File) => File | string, string]> = [
      ['bad country code', (f) => ((f.providers[1]!.countries = ['FR', 'XX']), f), 'providers[1].countries[1]: "XX" is not an ISO 3166-1 alpha-2 code'],
      ['lower-case country code', (f) => ((f.providers[0]!.headquarters = 'de'), f), 'providers[0].headquarters: "de" is not an ISO 3166-1 alpha-2 code'],
      ['duplicate id', (f) => ((f.providers[1]!.id = 'one'), f), 'providers[1].id: duplicate id "one" (also providers[0].id)'],
      ['bad id', (f) => ((f.providers[0]!.id = 'One Two'), f), 'providers[0].id: must match'],
      ['missing field', (f) => (delete f.providers[0]!.website, f), 'providers[0].website: is required'],
      ['missing providers', () => ({ note: 'x' }) as unknown as File, 'providers: is required'],
      ['wrong type', (f) => ((f.providers[1]!.countries = 'FR'), f), 'providers[1].countries: must be array'],
      ['non-https website', (f) => ((f.providers[0]!.website = 'http://one.example'), f), 'providers[0].website: "http://one.example" is not an https URL'],
      ['non-https source', (f) => ((f.providers[1]!.source = 'ftp://two.example'), f), 'providers[1].source: "ftp://two.example" is not an https URL'],
      ['malformed JSON', () => '{ "providers": [ { "id": "one", ', '(root): malformed JSON'],
      [
        'future checked date',
        (f) => ((f.providers[1]!.checked = '2026-11-22'), f),
        'providers[1].checked: "2026-11-22" is in the future (today is 2026-11-21)',
      ],
      ['not a real date', (f) => ((f.providers[0]!.checked = '2026-02-30'), f), 'providers[0].checked: "2026-02-30" is not a real date'],
      ['empty countries', (f) => ((f.providers[0]!.countries = []), f), 'providers[0].countries: must list at least one'],
      ['duplicate country', (f) => ((f.providers[0]!.countries = ['DE', 'AT', 'DE']), f), 'providers[0].countries[2]: duplicate country "DE"'],
      ['bad language', (f) => ((f.providers[0]!.languages = ['de', 'xx']), f), 'providers[0].languages[1]: "xx" is not an ISO 639-1'],
      ['unknown service', (f) => ((f.providers[0]!.services = { pricing: true }), f), 'providers[0].services.pricing: is not a known field'],
      ['service set to false', (f) => ((f.providers[0]!.services = { training: false }), f), 'providers[0].services.training: must be true when stated'],
      ['unknown field', (f) => ((f.providers[1]!.rating = 5), f), 'providers[1].rating: is not a known field'],
    ];
    for (const [label, mutate, expected] of cases) {
      it(label, () => {
        const file = path.join(tmp, `${label.replace(/\W+/g, '-')}.json`);
        const content = mutate(good());
        writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
        let error: unknown;
        try {
          loadProviderDirectory(file, NOW);
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(ProviderDirectoryError);
        expect((error as Error).message).to.include(`${file}: ${expected}`);
        expect((error as ProviderDirectoryError).file).to.equal(file);
      });
    }

    it('the unmodified test file loads', () => {
      const file = path.join(tmp, 'good.json');
      writeFileSync(file, JSON.stringify(good()));
      expect(loadProviderDirectory(file, NOW).size).to.equal(2);
    });

    it('a missing file names the file', () => {
      const file = path.join(tmp, 'nope.json');
      expect(() => loadProviderDirectory(file, NOW)).to.throw(ProviderDirectoryError, `${file}: (file): cannot be read`);
    });
  });
});
