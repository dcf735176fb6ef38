import { expect } from 'chai';
import { LOCALE_RESOURCES, SUPPORTED_LOCALES, translator } from '../../src/i18n/index.js';

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
/** Lists of words people type (matched, not shown): their length may differ per language. */
const WORD_LISTS = /^(commands|keywords)\./;

/** Every leaf of a locale: dot path -> string or string[]. */
function leaves(node: unknown, prefix = '', out = new Map<string, string | string[]>()): Map<string, string | string[]> {
  if (typeof node === 'string' || Array.isArray(node)) out.set(prefix, node as string | string[]);
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('locale files: every locale has every key, no gaps and no extras', () => {
  const en = leaves(LOCALE_RESOURCES['en-US']);
  const enBase = new Set([...en.keys()].map((k) => k.replace(PLURAL_SUFFIX, '')));
  const enPlural = new Set([...en.keys()].filter((k) => PLURAL_SUFFIX.test(k)).map((k) => k.replace(PLURAL_SUFFIX, '')));

  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en-US')) {
    describe(locale, () => {
      const tr = leaves(LOCALE_RESOURCES[locale]);
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;

      it("has every English key (plural keys in exactly this language's plural forms) and nothing else", () => {
        const missing: string[] = [];
        const extra: string[] = [];
        for (const base of enBase) {
          if (enPlural.has(base)) {
            for (const c of categories) if (!tr.has(`${base}_${c}`)) missing.push(`${base}_${c}`);
          } else if (!tr.has(base)) missing.push(base);
        }
        for (const key of tr.keys()) {
          const base = key.replace(PLURAL_SUFFIX, '');
          const category = PLURAL_SUFFIX.exec(key)?.[1] as Intl.LDMLPluralRule | undefined;
          const ok = enPlural.has(base) ? category !== undefined && categories.includes(category) : enBase.has(key);
          if (!ok) extra.push(key);
        }
        expect(missing, `${locale} is missing`).to.deep.equal([]);
        expect(extra, `${locale} has extra`).to.deep.equal([]);
      });

      it('keeps every placeholder, list length and non-empty text', () => {
        const problems: string[] = [];
        for (const [key, value] of tr) {
          const enValue = en.get(key) ?? en.get(`${key.replace(PLURAL_SUFFIX, '')}_other`);
          if (enValue === undefined) continue;
          if (Array.isArray(enValue) !== Array.isArray(value)) {
            problems.push(`${key}: list vs text`);
            continue;
          }
          if (Array.isArray(enValue) && Array.isArray(value)) {
            if (value.length === 0 || value.some((v) => typeof v !== 'string' || !v.trim())) problems.push(`${key}: empty list or item`);
            if (!WORD_LISTS.test(key) && value.length !== enValue.length) problems.push(`${key}: ${value.length} items, English has ${enValue.length}`);
            if (!WORD_LISTS.test(key))
              value.forEach((v, i) => {
                if (JSON.stringify(placeholders(v)) !== JSON.stringify(placeholders(enValue[i]!)))
                  problems.push(`${key}[${i}]: placeholders ${placeholders(v)} vs ${placeholders(enValue[i]!)}`);
              });
            continue;
          }
          const text = value as string;
          if (!text.trim()) problems.push(`${key}: empty`);
          // a plural form may leave out {{count}} (e.g. Russian "one" written as a word), nothing else
          const want = placeholders(enValue as string).filter((p) => !(PLURAL_SUFFIX.test(key) && p === 'count'));
          const have = placeholders(text).filter((p) => !(PLURAL_SUFFIX.test(key) && p === 'count'));
          if (JSON.stringify(have) !== JSON.stringify(want)) problems.push(`${key}: placeholders ${have} vs ${want}`);
        }
        expect(problems).to.deep.equal([]);
      });

      it('answers in its own language (a sample is not the English text)', () => {
        const t = translator(locale);
        for (const key of [
          'welcome.intro',
          'steps.enroll.title',
          'invitations.review.authorize',
          'customers.summary.title',
          'pages.partnership.form.authorize',
        ]) {
          expect(t(key), key).to.not.equal(translator('en-US')(key));
        }
      });
    });
  }
});
