/**
 * Cards of the provider discovery journey: the search form, ranked provider cards with their
 * reasons, the side-by-side comparison, the shortlist, "contacted" guidance and the provider-side
 * listing view. Pure presentation; every word from the locale file.
 */
import type { Attachment } from 'botbuilder';
import { renderCard } from '../../cards/render.js';
import { countryName } from '../../src/domain/countries.js';
import { SHORTLIST_LIMIT, type ProviderChoiceRecord } from '../../src/domain/providerChoice.js';
import { PRIORITIES, PROVIDER_SERVICES, type Priority, type Provider, type RankReason, type RankedProvider } from '../../src/domain/providers.js';
import type { Translator } from '../../src/i18n/index.js';
import { OFFICIAL_PROVIDER_LIST_URL } from '../checklist/views.js';
import { choiceFormCard, countryChoices, infoCard, link, submit, type Action } from '../cardKit.js';

/** Name of an ISO 639-1 language in the user's locale ("de" -> "German"). */
export function languageName(t: Translator, code: string): string {
  try {
    return new Intl.DisplayNames([t.locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The user's own language (from the locale), the one "support in my language" means. */
export function userLanguage(t: Translator): string {
  return t.locale.slice(0, 2);
}

/** Step 1 of a search: which country/region (prefilled when the tenant's details name one). */
export function countryCard(t: Translator, preset: string | undefined, checked: string): Attachment {
  return choiceFormCard({
    title: t('providers.title'),
    paragraphs: [t('providers.intro'), t('providers.regionRule'), t('providers.countryQuestion')],
    input: {
      id: 'country',
      label: t('providers.countryLabel'),
      placeholder: t('providers.countryPlaceholder'),
      style: 'filtered',
      value: preset ?? '',
      choices: [...countryChoices(t.locale)],
    },
    footer: t('providers.authoritative', { date: t.date(checked) }),
    submit: { title: t('providers.next'), data: { verb: 'providers.country' } },
    links: [{ title: t('providers.actions.officialList'), url: OFFICIAL_PROVIDER_LIST_URL }],
  });
}

/** Step 2: what matters (multi-select), for `country`. */
export function prioritiesCard(t: Translator, country: string, preset: Priority[] = []): Attachment {
  return choiceFormCard({
    title: t('providers.title'),
    paragraphs: [t('providers.prioritiesQuestion')],
    input: {
      id: 'priorities',
      label: t('providers.prioritiesLabel'),
      style: 'expanded',
      isMultiSelect: true,
      value: preset.join(','),
      choices: PRIORITIES.map((p) => ({ title: t(`providers.priority.${p}`, { language: languageName(t, userLanguage(t)) }), value: p })),
    },
    footer: t('providers.reasons.servesCountry', { country: countryName(country, t.locale) }),
    submit: { title: t('providers.prioritiesSubmit'), data: { verb: 'providers.priorities', country } },
  });
}

function reasonText(t: Translator, reason: RankReason): string {
  switch (reason.code) {
    case 'servesCountry':
    case 'headquarteredInCountry':
      return `✓ ${t(`providers.reasons.${reason.code}`, { country: countryName(reason.country, t.locale) })}`;
    case 'offers':
      return `✓ ${t('providers.reasons.offers', { service: t(`providers.service.${reason.service}`) })}`;
    case 'notStated':
      return `? ${t('providers.reasons.notStated', { service: capitalize(t(`providers.service.${reason.service}`)) })}`;
    case 'speaks':
      return `✓ ${t('providers.reasons.speaks', { language: languageName(t, reason.language) })}`;
    case 'languageNotStated':
      return `? ${t('providers.reasons.languageNotStated', { language: languageName(t, reason.language) })}`;
  }
}

/**
 * A label written for a button, used inside a sentence: its first letter lower-cased, except in
 * German, where nouns keep their capital ("Finanzierung"); the rest is untouched ("support in German").
 */
function midSentence(t: Translator, label: string): string {
  return t.locale.startsWith('de') ? label : label.charAt(0).toLocaleLowerCase(t.locale) + label.slice(1);
}

function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase() + s.slice(1);
}

/** "Germany, Austria, Switzerland and 12 more" in the user's language. */
function countryList(t: Translator, codes: readonly string[], max = 6): string {
  const names = codes.map((c) => countryName(c, t.locale));
  if (names.length <= max) return new Intl.ListFormat(t.locale, { type: 'conjunction' }).format(names);
  return t('providers.moreCountries', { list: names.slice(0, max).join(', '), count: names.length - max });
}

/** The facts shown for a provider, each "not stated" when the source does not say. */
export function providerFacts(t: Translator, p: Provider): Array<{ title: string; value: string }> {
  const notStated = t('providers.facts.notStated');
  const yes = t('providers.facts.yes');
  return [
    { title: t('providers.facts.headquarters'), value: countryName(p.headquarters, t.locale) },
    { title: t('providers.facts.countries'), value: countryList(t, p.countries) },
    ...PROVIDER_SERVICES.map((s) => ({ title: t(`providers.facts.${s}`), value: p.services[s] === true ? yes : notStated })),
    { title: t('providers.facts.supportTiers'), value: p.supportTiers.length ? p.supportTiers.join(', ') : notStated },
    { title: t('providers.facts.languages'), value: p.languages.length ? p.languages.map((l) => languageName(t, l)).join(', ') : notStated },
  ];
}

/** One ranked provider, with why it ranks there and what the tenant can do with it. */
export function providerCard(t: Translator, ranked: RankedProvider, rank: number, choice: ProviderChoiceRecord): Attachment {
  const p = ranked.provider;
  const onShortlist = choice.shortlist.some((s) => s.providerId === p.id);
  const rev = choice.revision;
  const actions: Action[] = [
    submit(onShortlist ? t('providers.actions.unshortlist') : t('providers.actions.shortlist'), 'providers.shortlist', {
      rev,
      providerId: p.id,
      add: !onShortlist,
    }),
    submit(t('providers.actions.contacted'), 'providers.contacted', { rev, providerId: p.id }),
    submit(t('providers.actions.choose'), 'providers.choose', { rev, providerId: p.id }, 'positive'),
    link(t('providers.actions.website'), p.website),
  ];
  return infoCard({
    title: p.name,
    paragraphs: [t('providers.rank', { rank })],
    bullets: ranked.reasons.map((r) => reasonText(t, r)),
    lines: providerFacts(t, p).map((f) => `**${f.title}:** ${f.value}`),
    footer: `${t('providers.facts.source')}: ${t('providers.facts.sourceValue', { url: p.source, date: t.date(p.checked) })}`,
    actions,
  });
}

/** Heading of the results, plus the compare form over the shown providers. */
export function resultsSummaryCard(t: Translator, country: string, priorities: Priority[], ranked: RankedProvider[], total: number): Attachment {
  const names = priorities.map((p) => midSentence(t, t(`providers.priority.${p}`, { language: languageName(t, userLanguage(t)) })));
  return choiceFormCard({
    title: t('providers.resultsTitle', { count: total, country: countryName(country, t.locale) }),
    paragraphs: [
      priorities.length ? t('providers.resultsIntro', { priorities: new Intl.ListFormat(t.locale).format(names) }) : t('providers.resultsIntroNone'),
      t('providers.regionRule'),
    ],
    input: {
      id: 'selected',
      label: t('providers.compareLabel'),
      style: 'expanded',
      isMultiSelect: true,
      choices: ranked.map((r) => ({ title: r.provider.name, value: r.provider.id })),
    },
    footer: t('providers.authoritative', { date: t.date(ranked[0]?.provider.checked ?? new Date().toISOString().slice(0, 10)) }),
    submit: { title: t('providers.actions.compare'), data: { verb: 'providers.compare', country } },
    links: [{ title: t('providers.actions.officialList'), url: OFFICIAL_PROVIDER_LIST_URL }],
  });
}

/** No provider in the directory serves `country`. */
export function noProviderCard(t: Translator, country: string): Attachment {
  return infoCard({
    title: t('providers.none.title', { country: countryName(country, t.locale) }),
    paragraphs: [t('providers.none.body'), t('providers.regionRule')],
    actions: [
      submit(t('providers.actions.tryAnother'), 'providers.newSearch', {}, 'positive'),
      link(t('providers.actions.officialList'), OFFICIAL_PROVIDER_LIST_URL),
    ],
  });
}

/** Two or three providers side by side (Adaptive Cards 1.5 Table). */
export function compareCard(t: Translator, country: string, providers: Provider[]): Attachment {
  const header = [t('providers.facts.provider'), ...providers.map((p) => p.name)];
  const factRows = providers.map((p) => providerFacts(t, p));
  const labels = [t('providers.facts.servesYou', { country: countryName(country, t.locale) }), ...factRows[0]!.map((f) => f.title)];
  const rows = [
    { cells: header.map((text) => ({ text, weight: 'bolder' })) },
    ...labels.map((label, i) => ({
      cells: [
        { text: label, weight: 'bolder' },
        ...providers.map((p, j) => ({
          text: i === 0 ? (p.countries.includes(country) ? t('providers.facts.yes') : '—') : factRows[j]![i - 1]!.value,
          weight: 'default',
        })),
      ],
    })),
  ];
  return renderCard('compare', {
    title: t('providers.compareTitle'),
    columns: header.map((_, i) => ({ width: i === 0 ? 2 : 3 })),
    rows,
    footer: t('providers.authoritative', { date: t.date(providers[0]!.checked) }),
  });
}

/** The tenant's shortlist with who added, contacted and chose what. */
export function shortlistCard(t: Translator, choice: ProviderChoiceRecord, name: (id: string) => string): Attachment {
  const bullets = choice.shortlist.map((s) => {
    const parts = [t('providers.shortlistEntry', { name: name(s.providerId), by: s.by.name || t('progress.someone'), date: t.shortDate(s.at) })];
    const contacted = choice.contacted.find((c) => c.providerId === s.providerId);
    if (contacted) parts.push(t('providers.contactedEntry', { by: contacted.by.name || t('progress.someone'), date: t.shortDate(contacted.at) }));
    if (choice.chosen?.providerId === s.providerId)
      parts.push(t('providers.chosenEntry', { by: choice.chosen.by.name || t('progress.someone'), date: t.shortDate(choice.chosen.at) }));
    return parts.join(' · ');
  });
  return infoCard({
    title: t('providers.shortlistTitle'),
    paragraphs: bullets.length ? [] : [t('providers.shortlistEmpty')],
    bullets,
    footer: `${choice.shortlist.length} / ${SHORTLIST_LIMIT}`,
    actions: [submit(t('providers.actions.newSearch'), 'providers.newSearch')],
  });
}

/** What to discuss with a contacted provider, and the partnership-invitation next step. */
export function contactedCard(t: Translator, p: Provider): Attachment {
  return infoCard({
    title: t('providers.contactedTitle', { name: p.name }),
    paragraphs: [t('providers.discussIntro')],
    bullets: t.list('providers.discuss'),
    note: { text: t('providers.nextStep', { name: p.name }), style: 'accent' },
    actions: [link(t('providers.actions.website'), p.website), submit(t('providers.actions.showShortlist'), 'providers.showShortlist')],
  });
}

/** Provider side: pick your company. */
export function listingPickCard(t: Translator, providers: readonly Provider[]): Attachment {
  return choiceFormCard({
    title: t('journeys.providerListing.title'),
    paragraphs: [t('providers.listing.pick')],
    input: {
      id: 'providerId',
      label: t('providers.listing.label'),
      placeholder: t('providers.listing.label'),
      style: 'filtered',
      choices: [...providers].sort((a, b) => a.name.localeCompare(b.name)).map((p) => ({ title: p.name, value: p.id })),
    },
    submit: { title: t('providers.listing.submit'), data: { verb: 'providers.listing' } },
  });
}

/** Provider side: how the company appears, and how to change the official listing. */
export function listingCard(t: Translator, p: Provider): Attachment {
  return infoCard({
    title: t('providers.listing.title', { name: p.name }),
    paragraphs: [t('providers.listing.body')],
    facts: providerFacts(t, p),
    note: { text: t('providers.listing.changes'), style: 'accent' },
    footer: `${t('providers.facts.source')}: ${t('providers.facts.sourceValue', { url: p.source, date: t.date(p.checked) })}`,
    actions: [link(t('providers.actions.website'), p.website), link(t('providers.actions.officialList'), OFFICIAL_PROVIDER_LIST_URL)],
  });
}
