/**
 * Small building blocks shared by the journeys' views: card actions and the general-purpose
 * "step" card (title, paragraphs, bullets, facts, a note, buttons).
 */
import type { Attachment } from 'botbuilder';
import { renderCard, type ProgressHeaderData } from '../cards/render.js';
import { countryOptions } from '../src/domain/countries.js';
import type { Verb } from './submits.js';

const countryChoiceCache = new Map<string, ReadonlyArray<Readonly<{ title: string; value: string }>>>();

/**
 * The country picker's Input.ChoiceSet choices in `locale` (`{ title: name, value: ISO code }`,
 * about 250, sorted by name): built once per locale, frozen and shared by every card that shows
 * the picker (a template binds them whole instead of expanding 250 rows per render).
 */
export function countryChoices(locale: string): ReadonlyArray<Readonly<{ title: string; value: string }>> {
  let choices = countryChoiceCache.get(locale);
  if (!choices) {
    choices = Object.freeze(countryOptions(locale).map((c) => Object.freeze({ title: c.name, value: c.code })));
    countryChoiceCache.set(locale, choices);
  }
  return choices;
}

/** A card button: Action.Submit with `{ verb, ...fields }`, or Action.OpenUrl. */
export type Action =
  { kind: 'submit'; title: string; data: Record<string, unknown>; style: 'default' | 'positive' | 'destructive' } | { kind: 'url'; title: string; url: string };
export type SubmitAction = Extract<Action, { kind: 'submit' }>;

/** An Action.Submit sending `{ verb, ...fields }`. */
export function submit(title: string, verb: Verb, fields: Record<string, unknown> = {}, style: SubmitAction['style'] = 'default'): SubmitAction {
  return { kind: 'submit', title, data: { verb, ...fields }, style };
}

/** A button that sends one of the words that work at any prompt (`help`, `status`, `plan` ...). */
export function command(title: string, name: string): SubmitAction {
  return submit(title, 'command', { command: name });
}

/** An Action.OpenUrl. */
export function link(title: string, url: string): Action {
  return { kind: 'url', title, url };
}

/** Splits `items` into rows of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}

/** Content of the general-purpose card (`cards/templates/step.json`); every string already translated. */
export interface StepCardData {
  title: string;
  paragraphs: string[];
  bullets?: string[];
  bulletsTitle?: string;
  facts?: Array<{ title: string; value: string }>;
  /** Facts as "**Title:** value" lines, for narrow cards (carousels) where a FactSet's title column wraps. */
  lines?: string[];
  note?: { title?: string; text: string; style: 'attention' | 'warning' | 'accent' | 'emphasis' | 'good' };
  footer?: string;
  /** Card-level buttons (at most five). */
  actions: Action[];
  /** Extra rows of submit buttons inside the body (a card allows at most five actions per row). */
  actionRows?: Array<{ actions: SubmitAction[] }>;
}

/** Renders the general-purpose card, optionally under a progress header. */
export function infoCard(data: StepCardData, header?: ProgressHeaderData): Attachment {
  const filled = {
    bullets: [],
    bulletsTitle: '',
    actionRows: [],
    facts: [],
    lines: [],
    footer: '',
    ...data,
    note: { title: '', text: '', style: 'default', ...data.note },
  };
  return renderCard('step', filled, header);
}

/** Content of the one-question form card (`cards/templates/form.json`): a ChoiceSet and a submit button. */
export interface ChoiceFormData {
  title: string;
  paragraphs: string[];
  input: {
    id: string;
    label: string;
    choices: Array<{ title: string; value: string }>;
    /** `filtered` (type to search), `expanded` (radio buttons/check boxes) or `compact`. Default `compact`. */
    style?: 'filtered' | 'expanded' | 'compact';
    isMultiSelect?: boolean;
    placeholder?: string;
    /** Preselected value(s), comma-separated for multi-select. */
    value?: string;
  };
  footer?: string;
  submit: { title: string; data: Record<string, unknown> & { verb: Verb } };
  links?: Array<{ title: string; url: string }>;
}

/** Renders a one-question form; optional fields get their empty defaults. */
export function choiceFormCard(data: ChoiceFormData): Attachment {
  return renderCard('form', {
    footer: '',
    links: [],
    ...data,
    input: { style: 'compact', isMultiSelect: false, placeholder: '', value: '', ...data.input },
  });
}

/** One input of an entry form: a text box, a choice list or a check box. */
export type EntryField =
  | {
      kind: 'text';
      id: string;
      label: string;
      value?: string;
      placeholder?: string;
      style?: 'text' | 'email' | 'url';
      isMultiline?: boolean;
      maxLength?: number;
      isRequired?: boolean;
      errorMessage?: string;
      hint?: string;
    }
  | {
      kind: 'choice';
      id: string;
      label: string;
      value?: string;
      choices: Array<{ title: string; value: string }>;
      style?: 'compact' | 'expanded';
      isRequired?: boolean;
      errorMessage?: string;
      hint?: string;
    }
  | { kind: 'toggle'; id: string; label: string; hint?: string };

/** Content of the entry form card (`cards/templates/entry.json`): text, inputs, errors, buttons. */
export interface EntryCardData {
  title: string;
  paragraphs: string[];
  bullets?: string[];
  bulletsTitle?: string;
  /** Problems with the last answer, shown above the inputs (already translated). */
  errors?: string[];
  errorIntro?: string;
  fields: EntryField[];
  note?: StepCardData['note'];
  footer?: string;
  /** At most five. */
  actions: Action[];
}

/** Renders an entry form; every optional property gets its empty default so nothing stays unexpanded. */
export function entryCard(data: EntryCardData): Attachment {
  const fields = data.fields.map((f) =>
    f.kind === 'text'
      ? { placeholder: '', value: '', style: 'text', isMultiline: false, maxLength: 1000, isRequired: false, errorMessage: '', hint: '', ...f }
      : f.kind === 'choice'
        ? { value: '', style: 'compact', isRequired: false, errorMessage: '', hint: '', ...f }
        : { hint: '', ...f },
  );
  return renderCard('entry', {
    bullets: [],
    bulletsTitle: '',
    errors: [],
    errorIntro: '',
    footer: '',
    ...data,
    fields,
    note: { title: '', text: '', style: 'default', ...data.note },
  });
}
