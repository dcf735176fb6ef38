/**
 * A reseller's customer list during the transition: which customers are direct bill customers
 * (acquired as a direct bill partner) and which are indirect reseller customers (an indirect
 * provider orders for them), how the partner imports the list from a CSV file, and how far each
 * direct bill customer is in moving to the indirect provider.
 *
 * Sources (transition seed, transition-direct-bill-to-indirect-reseller.en.md):
 * - "Managing your direct bill customers and your indirect reseller customers": what each class
 *   allows ({@link CLASS_RULES}) and "To identify customers that you acquired as a direct bill
 *   partner": open the customer in Partner Center; if you can add or view products and see their
 *   subscriptions it is a direct bill customer, if those options are missing it is an indirect
 *   reseller customer ({@link answerIdentifyingQuestion}).
 * - "Acquire new customers as indirect reseller": indirect resellers can't create tenants, the
 *   provider creates them and names the reseller; the direct bill capability can't purchase for
 *   customers acquired as indirect reseller ({@link classifyFromRelationships}, basis `addedByProvider`).
 * - "Move your direct bill customers to your indirect provider": an indirect reseller invitation
 *   gives the provider a reseller relationship with an existing direct bill customer
 *   ({@link moveStatus}, basis `moved`).
 *
 * Pure: no botbuilder import, no I/O; every function takes data and returns new data (inputs are
 * never mutated; unchanged customer objects may be shared between the old and new record, so
 * treat records as immutable). Errors are values.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { DOMAIN_NAME } from './domainName.js';
import { invitationState, type Invitation } from './invitations.js';
import type { CustomerLink } from './relationships.js';
import type { Actor, Mark } from './transition.js';

/** The customer classes: direct bill, indirect reseller, or not known yet. */
export const CUSTOMER_CLASSES = ['directBill', 'indirectReseller', 'unknown'] as const;
export type CustomerClass = (typeof CUSTOMER_CLASSES)[number];

/** Why a customer has its class: an accepted indirect reseller invitation, a provider created it for the reseller, a moved direct bill customer, or the partner's answer to the identifying question. */
export type ClassificationBasis = 'invitation' | 'addedByProvider' | 'moved' | 'question';

/** The indirect provider of an indirect reseller customer: tenant ID when known, company name. */
export interface CustomerProviderRef {
  tenantId?: string;
  name: string;
}

/** One customer of the reseller, keyed by primary domain. Times are ISO 8601 instants (UTC). */
export interface Customer {
  /** Primary domain, lower-case, e.g. `fabrikam.onmicrosoft.com`; the key. */
  domain: string;
  /** Company name, 1-200 characters, whitespace collapsed. */
  name: string;
  /** Microsoft Entra tenant ID (GUID), lower-case. */
  tenantId?: string;
  class: CustomerClass;
  /** indirectReseller only, when known. */
  provider?: CustomerProviderRef;
  /** Undefined while unknown. */
  basis?: ClassificationBasis;
  /** Who/when the class was set (undefined while unknown). */
  classified?: Mark;
  /** Who added the customer, when, and how: typed on a card, imported from CSV, or from a relationship. */
  added: Mark & { source: 'card' | 'import' | 'relationship' };
}

/** One tenant's customer list; `revision` increases on every change (stale-card guard). */
export interface CustomerRecord {
  schemaVersion: 1;
  tenantId: string;
  revision: number;
  updatedAt: string;
  customers: Customer[];
}

/** Most customers one tenant's record keeps. */
export const MAX_CUSTOMERS = 50_000;

/** The actor recorded on classifications the assistant derives from relationships. */
export const ASSISTANT_ACTOR: Actor = { id: 'assistant', name: 'CSP partner assistant' };

/** An empty record for `tenantId` at `now` (revision 0). */
export function newCustomerRecord(tenantId: string, now: Date): CustomerRecord {
  return { schemaVersion: 1, tenantId, revision: 0, updatedAt: now.toISOString(), customers: [] };
}

// ---------------------------------------------------------------------------------------------
// Validation

/** A validated customer as typed on a card or read from a CSV row. */
export interface CustomerInput {
  name: string;
  domain: string;
  tenantId?: string;
}

/** Field-level error: `code` is a stable id the UI translates. */
export interface CustomerFieldError {
  field: 'name' | 'domain' | 'tenantId';
  code: 'required' | 'tooLong' | 'domainInvalid' | 'tenantIdInvalid';
}

/** Longest customer name, in characters (after trimming and collapsing whitespace). */
export const MAX_CUSTOMER_NAME = 200;

/** A GUID, 8-4-4-4-12 hex digits, any case, no braces. */
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const customerSchema = z.object({
  name: z
    .string()
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'required').max(MAX_CUSTOMER_NAME, 'tooLong')),
  domain: z
    .string()
    .trim()
    .min(1, 'required')
    .transform((d) => d.replace(/^https?:\/\//i, '').replace(/\/$/, ''))
    .pipe(z.string().regex(DOMAIN_NAME, 'domainInvalid'))
    .transform((d) => d.toLowerCase()),
  tenantId: z
    .string()
    .trim()
    .refine((t) => t === '' || GUID_RE.test(t), 'tenantIdInvalid')
    .transform((t) => t.toLowerCase()),
});

const asText = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Validates raw input (strings or missing values; anything else counts as empty) into a
 * {@link CustomerInput}. Returns every field error at once, at most one per field, in the order
 * name, domain, tenantId; never throws.
 * - `name`: required, whitespace runs (including newlines) collapsed to one space, trimmed, at most
 *   {@link MAX_CUSTOMER_NAME} characters (`tooLong`).
 * - `domain`: required; a leading `http://` or `https://` and one trailing `/` are stripped (a
 *   pasted URL), then it must be a DNS name with at least one dot (`domainInvalid`: `fabrikam`,
 *   `fabrikam..com`, `fabrikam.com/path`, an email address); lower-cased. Decided: `www.` is kept
 *   (it is a different name, not guessed away) and a trailing `.` is refused as `domainInvalid`
 *   (not a form Partner Center shows; usually a sentence's full stop copied along).
 * - `tenantId`: optional Microsoft Entra tenant ID, a GUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
 *   (hex, any case, no braces) else `tenantIdInvalid`; lower-cased; blank means absent.
 */
export function validateCustomerInput(raw: Partial<Record<string, unknown>>): { ok: true; value: CustomerInput } | { ok: false; errors: CustomerFieldError[] } {
  const parsed = customerSchema.safeParse({ name: asText(raw.name), domain: asText(raw.domain), tenantId: asText(raw.tenantId) });
  if (parsed.success) {
    const { name, domain, tenantId } = parsed.data;
    return { ok: true, value: tenantId ? { name, domain, tenantId } : { name, domain } };
  }
  const errors: CustomerFieldError[] = [];
  for (const field of ['name', 'domain', 'tenantId'] as const) {
    const issue = parsed.error.issues.find((i) => i.path[0] === field);
    if (issue) errors.push({ field, code: issue.message as CustomerFieldError['code'] });
  }
  return { ok: false, errors };
}

// ---------------------------------------------------------------------------------------------
// CSV import

/** A CSV row's problem: `line` is the 1-based physical line where the record starts (header = 1). */
export interface CsvRowError {
  line: number;
  field?: 'name' | 'domain' | 'tenantId';
  code: CustomerFieldError['code'] | 'duplicateInFile';
  /** The offending cell as in the file (trimmed), at most {@link CSV_ERROR_VALUE_MAX} characters; absent when blank. */
  value?: string;
  /** duplicateInFile: the line of the earlier row with the same domain. */
  firstLine?: number;
}

/** Why a whole file is refused. */
export type CsvProblem = 'empty' | 'tooLarge' | 'tooManyRows' | 'noHeader' | 'malformed';

/** Largest CSV accepted, in bytes of UTF-8 (5 MiB). */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;
/** Most data rows (records after the header, blank ones not counted) a CSV may have. */
export const MAX_CSV_ROWS = 50_000;
/** Offending values in {@link CsvRowError} are cut to this many characters. */
export const CSV_ERROR_VALUE_MAX = 80;

/**
 * Header names recognized for each column, compared case-insensitively and ignoring spaces and
 * punctuation (`Customer Name`, `customer_name` and `CustomerName` all match `customer name`).
 */
export const CSV_COLUMN_ALIASES = {
  name: ['name', 'customer', 'customer name', 'company', 'company name', 'organization', 'organisation'],
  domain: ['domain', 'primary domain', 'primary domain name', 'domain name', 'default domain'],
  tenantId: ['tenant id', 'tenantid', 'tenant', 'microsoft id', 'customer id', 'directory id', 'entra tenant id', 'azure ad tenant id'],
} as const satisfies Record<CustomerFieldError['field'], readonly string[]>;

/** A column the import reads. */
export type CsvField = keyof typeof CSV_COLUMN_ALIASES;
const headerKey = (cell: string) => cell.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const ALIAS_TO_FIELD = new Map<string, CsvField>(
  (Object.keys(CSV_COLUMN_ALIASES) as CsvField[]).flatMap((field) => CSV_COLUMN_ALIASES[field].map((alias) => [headerKey(alias), field] as const)),
);

const truncate = (s: string, max = CSV_ERROR_VALUE_MAX) => (s.length > max ? s.slice(0, max) : s);
const countNewlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/** A parsed CSV (see {@link parseCustomerCsv}). */
export type CustomerCsvResult =
  | { ok: true; rows: Array<{ line: number; value: CustomerInput }>; errors: CsvRowError[] }
  | { ok: false; problem: CsvProblem; detail?: string; line?: number; missing?: Array<'name' | 'domain'> };

/**
 * Reads a customer list from CSV text (already decoded to a string).
 *
 * Format: a header row is required; columns are recognized by {@link CSV_COLUMN_ALIASES} or
 * `extraAliases` (e.g. the localized headers of this assistant's own export, so an exported file
 * imports again in any language; the leftmost matching column wins; other columns are ignored); name and domain are required, tenant
 * ID is optional. Handles a UTF-8 BOM, CRLF/LF/CR line ends, quoted fields with delimiters,
 * quotes and newlines, stray quotes inside unquoted fields (kept as text), blank lines and rows
 * whose cells are all blank (skipped), short rows (missing cells are blank). The delimiter is `,`
 * unless the first non-blank line has no `,` but has `;` (Excel in many European locales), or
 * has neither but has a tab (tab-separated export).
 *
 * Rows: each is checked with {@link validateCustomerInput}; a bad row yields one
 * {@link CsvRowError} per bad field and is left out of `rows`. A row whose domain repeats an
 * earlier good row's yields `duplicateInFile` (field `domain`, `firstLine`) and is left out.
 * `line` is the 1-based physical line where the record starts (a quoted field spanning lines
 * counts all its lines), computed from csv-parse's record info.
 *
 * Refused as a whole: `tooLarge` (more than {@link MAX_CSV_BYTES} bytes of UTF-8; `detail` the byte
 * count), `empty` (nothing but blanks and a BOM), `noHeader` (the first row lacks a name or domain
 * column; `detail` lists the cells found, `missing` the columns not found, `line` the row read as
 * header), `tooManyRows` (more than {@link MAX_CSV_ROWS} data rows; `detail` the count),
 * `malformed` (not parseable, e.g. a quote never closed, or a NUL character from a binary or
 * UTF-16 file; `line` and `detail` name the line where the bad record starts).
 */
export function parseCustomerCsv(text: string, extraAliases: Partial<Record<CsvField, readonly string[]>> = {}): CustomerCsvResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CSV_BYTES) return { ok: false, problem: 'tooLarge', detail: String(bytes) };
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (normalized.trim() === '') return { ok: false, problem: 'empty' };
  const nul = normalized.indexOf('\0');
  if (nul !== -1) {
    const line = countNewlines(normalized.slice(0, nul)) + 1;
    return { ok: false, problem: 'malformed', line, detail: `line ${line}: NUL character (binary or UTF-16 file?)` };
  }

  const firstLine = normalized.split('\n', 64).find((l) => l.trim() !== '') ?? '';
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';

  type Parsed = { cells: string[]; line: number };
  let lastEnd = 0;
  let records: Parsed[];
  try {
    const out = parse(normalized, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      on_record: (record, info) => {
        lastEnd = info.lines; // where a record that then fails to parse starts from
        return record;
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    // info.lines is the line where the record ends; quoted newlines move its start up.
    records = out.map(({ record, info }) => {
      let inner = 0;
      for (const cell of record) inner += countNewlines(cell);
      return { cells: record, line: info.lines - inner };
    });
  } catch (e) {
    const lines = normalized.split('\n');
    let line = lastEnd + 1;
    while (line < lines.length && /^[\s,;]*$/.test(lines[line - 1]!)) line++;
    const code = e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : 'CSV_ERROR';
    return { ok: false, problem: 'malformed', line, detail: `line ${line}: ${code}` };
  }

  const header = records[0];
  if (!header) return { ok: false, problem: 'empty' };
  const columns: Partial<Record<CsvField, number>> = {};
  header.cells.forEach((cell, i) => {
    const key = headerKey(cell);
    const field = ALIAS_TO_FIELD.get(key) ?? (Object.keys(extraAliases) as CsvField[]).find((f) => extraAliases[f]!.some((a) => headerKey(a) === key));
    if (field && columns[field] === undefined) columns[field] = i;
  });
  const missing = (['name', 'domain'] as const).filter((f) => columns[f] === undefined);
  if (missing.length > 0) {
    const found = header.cells.map((c) => truncate(c.trim(), 40)).filter((c) => c !== '');
    return { ok: false, problem: 'noHeader', line: header.line, missing, detail: truncate(found.join(', '), 400) };
  }
  const dataCount = records.length - 1;
  if (dataCount > MAX_CSV_ROWS) return { ok: false, problem: 'tooManyRows', detail: String(dataCount) };

  const rows: Array<{ line: number; value: CustomerInput }> = [];
  const errors: CsvRowError[] = [];
  const firstLineOf = new Map<string, number>();
  const cellOf = (r: Parsed, field: CsvField) => {
    const i = columns[field];
    return i === undefined ? '' : (r.cells[i] ?? '');
  };
  for (let k = 1; k < records.length; k++) {
    const r = records[k]!;
    const raw = { name: cellOf(r, 'name'), domain: cellOf(r, 'domain'), tenantId: cellOf(r, 'tenantId') };
    const v = validateCustomerInput(raw);
    if (!v.ok) {
      for (const err of v.errors) {
        const value = truncate(raw[err.field].trim());
        errors.push({ line: r.line, field: err.field, code: err.code, ...(value ? { value } : {}) });
      }
      continue;
    }
    const first = firstLineOf.get(v.value.domain);
    if (first !== undefined) {
      errors.push({ line: r.line, field: 'domain', code: 'duplicateInFile', value: truncate(v.value.domain), firstLine: first });
      continue;
    }
    firstLineOf.set(v.value.domain, r.line);
    rows.push({ line: r.line, value: v.value });
  }
  return { ok: true, rows, errors };
}

// ---------------------------------------------------------------------------------------------
// Changes

function bumped(record: CustomerRecord, customers: Customer[], now: Date): CustomerRecord {
  return { ...record, revision: record.revision + 1, updatedAt: now.toISOString(), customers };
}

/**
 * Adds or refreshes customers by domain (rows as returned by {@link validateCustomerInput} or
 * {@link parseCustomerCsv}; domain and tenant ID are lower-cased again defensively).
 * - A new domain is added with class `unknown` and `added` = actor, now, `source`.
 * - An existing domain with a different name, or a tenant ID given and different, is `updated`:
 *   name and tenant ID replaced; class, provider, basis, classified and added kept. A row without
 *   a tenant ID never erases a known one.
 * - Otherwise it counts as `unchanged` (so re-importing the same file adds and updates nothing).
 * - A row repeating an earlier row's domain in the same call is ignored (not counted).
 * The revision goes up by one only when something was added or updated.
 * Refused: `tooMany` when the record would hold more than {@link MAX_CUSTOMERS} customers (nothing
 * is imported). Linear time (a Map by domain).
 */
export function importCustomers(
  record: CustomerRecord,
  rows: CustomerInput[],
  actor: Actor,
  now: Date,
  source: 'import' | 'card',
): { ok: true; record: CustomerRecord; added: Customer[]; updated: Customer[]; unchanged: number } | { ok: false; error: { code: 'tooMany'; limit: number } } {
  const index = new Map<string, number>();
  record.customers.forEach((c, i) => index.set(c.domain, i));
  const seen = new Set<string>();
  const unique: CustomerInput[] = [];
  let newCount = 0;
  for (const row of rows) {
    const domain = row.domain.trim().toLowerCase();
    if (seen.has(domain)) continue;
    seen.add(domain);
    const tenantId = row.tenantId?.trim().toLowerCase();
    unique.push({ name: row.name, domain, ...(tenantId ? { tenantId } : {}) });
    if (!index.has(domain)) newCount++;
  }
  if (record.customers.length + newCount > MAX_CUSTOMERS) return { ok: false, error: { code: 'tooMany', limit: MAX_CUSTOMERS } };

  const at = now.toISOString();
  const customers = record.customers.slice();
  const added: Customer[] = [];
  const updated: Customer[] = [];
  let unchanged = 0;
  for (const row of unique) {
    const i = index.get(row.domain);
    if (i === undefined) {
      const c: Customer = { domain: row.domain, name: row.name, ...(row.tenantId ? { tenantId: row.tenantId } : {}), class: 'unknown', added: { by: actor, at, source } };
      customers.push(c);
      added.push(c);
      continue;
    }
    const old = customers[i]!;
    const tenantId = row.tenantId ?? old.tenantId;
    if (old.name === row.name && old.tenantId === tenantId) {
      unchanged++;
      continue;
    }
    const c: Customer = { ...old, name: row.name, ...(tenantId ? { tenantId } : {}) };
    customers[i] = c;
    updated.push(c);
  }
  if (added.length === 0 && updated.length === 0) return { ok: true, record, added, updated, unchanged };
  return { ok: true, record: bumped(record, customers, now), added, updated, unchanged };
}

/** What a relationship link says about a customer's class; `undefined` when it decides nothing. */
export interface LinkClassification {
  class: 'indirectReseller';
  basis: Exclude<ClassificationBasis, 'question'>;
  provider?: CustomerProviderRef;
}

/**
 * The class a {@link CustomerLink} proves (transition seed, "Acquire new customers" and "Move your
 * direct bill customers"): a `resellerAndProvider` relationship (the customer authorized both the
 * reseller and the indirect provider) makes an indirect reseller customer, with the link's
 * provider; basis `moved` when `movedFromDirectBill`, else `addedByProvider` when the provider
 * created the customer, else `invitation`. A `reseller` relationship (reseller alone) decides
 * nothing: it exists for direct bill customers too. Returns `undefined` then.
 */
export function linkClassification(link: CustomerLink): LinkClassification | undefined {
  if (link.relationship !== 'resellerAndProvider') return undefined;
  const basis = link.movedFromDirectBill ? 'moved' : link.source === 'addedByProvider' ? 'addedByProvider' : 'invitation';
  const provider = link.provider ? { tenantId: link.provider.tenantId, name: link.provider.name } : undefined;
  return { class: 'indirectReseller', basis, ...(provider ? { provider } : {}) };
}

const sameProvider = (a?: CustomerProviderRef, b?: CustomerProviderRef) => (a?.name ?? '') === (b?.name ?? '') && (a?.tenantId ?? '') === (b?.tenantId ?? '');

/**
 * Classifies customers from the reseller's relationships ({@link linkClassification}), with
 * `classified.by` = {@link ASSISTANT_ACTOR} and `classified.at` = now.
 * - The relationship overrides a class set earlier, including a `directBill` answer to the
 *   identifying question given before the relationship (`classified.at` not after `link.since`):
 *   the accepted invitation is newer evidence. A question answer given after the relationship
 *   was made is kept (the partner looked at Partner Center since; otherwise the two would undo
 *   each other every time this runs).
 * - A customer already classified the same way (class, basis, provider) is not changed.
 * - A `reseller` link decides nothing: the customer keeps its class (unknown stays unknown).
 * - A link whose domain is not in the record adds the customer (`added.source` `relationship`,
 *   by the assistant) with the class the link proves, or unknown; beyond {@link MAX_CUSTOMERS}
 *   such links are skipped and counted in `skipped`.
 * `changed` lists each added or reclassified customer once. Revision +1 only if something changed.
 */
export function classifyFromRelationships(record: CustomerRecord, links: CustomerLink[], now: Date): { record: CustomerRecord; changed: Customer[]; skipped: number } {
  const at = now.toISOString();
  const index = new Map<string, number>();
  record.customers.forEach((c, i) => index.set(c.domain, i));
  let customers: Customer[] | undefined;
  const changed = new Map<string, Customer>();
  let skipped = 0;
  for (const link of links) {
    const domain = link.domain.trim().toLowerCase();
    const target = linkClassification(link);
    const i = index.get(domain);
    customers ??= record.customers.slice();
    if (i === undefined) {
      if (customers.length >= MAX_CUSTOMERS) {
        skipped++;
        continue;
      }
      const c: Customer = {
        domain,
        name: link.name.replace(/\s+/g, ' ').trim() || domain,
        class: target?.class ?? 'unknown',
        ...(target?.provider ? { provider: target.provider } : {}),
        ...(target ? { basis: target.basis, classified: { by: ASSISTANT_ACTOR, at } } : {}),
        added: { by: ASSISTANT_ACTOR, at, source: 'relationship' },
      };
      index.set(domain, customers.length);
      customers.push(c);
      changed.set(domain, c);
      continue;
    }
    if (!target) continue;
    const old = customers[i]!;
    if (old.class === target.class && old.basis === target.basis && sameProvider(old.provider, target.provider)) continue;
    if (old.basis === 'question' && old.classified && Date.parse(old.classified.at) > Date.parse(link.since)) continue;
    const { provider: _p, ...rest } = old;
    const c: Customer = { ...rest, class: target.class, ...(target.provider ? { provider: target.provider } : {}), basis: target.basis, classified: { by: ASSISTANT_ACTOR, at } };
    customers[i] = c;
    changed.set(domain, c);
  }
  if (!customers || changed.size === 0) return { record, changed: [], skipped };
  return { record: bumped(record, customers, now), changed: [...changed.values()], skipped };
}

/** Answers to "Open the customer in Partner Center: can you add or view products and see their subscriptions?" */
export const IDENTIFYING_ANSWERS = ['canAddProducts', 'cannotAddProducts', 'notSure'] as const;
export type IdentifyingAnswer = (typeof IDENTIFYING_ANSWERS)[number];

/**
 * Records the partner's answer to the identifying question for the customer with `domain`
 * (transition seed, "To identify customers that you acquired as a direct bill partner"):
 * - `canAddProducts` -> `directBill` (basis `question`, provider removed);
 * - `cannotAddProducts` -> `indirectReseller` (basis `question`; provider = `provider` if given with
 *   a non-blank name, else the one already known if the customer was indirect, else none);
 * - `notSure` -> `unknown` (basis, classified and provider removed).
 * `classified` = actor, now. The revision always goes up by one (an answer is an action, even if
 * it repeats the last one), so a double-clicked card is refused as stale.
 * Refused: `stale` when `expectedRevision` is given and differs from the record's; `notFound` when
 * no customer has that domain (compared trimmed, lower-case).
 */
export function answerIdentifyingQuestion(
  record: CustomerRecord,
  domain: string,
  answer: IdentifyingAnswer,
  actor: Actor,
  now: Date,
  provider?: CustomerProviderRef,
  expectedRevision?: number,
): { ok: true; record: CustomerRecord; customer: Customer } | { ok: false; error: { code: 'notFound' } | { code: 'stale' } } {
  if (expectedRevision !== undefined && expectedRevision !== record.revision) return { ok: false, error: { code: 'stale' } };
  const key = domain.trim().toLowerCase();
  const i = record.customers.findIndex((c) => c.domain === key);
  const old = record.customers[i];
  if (!old) return { ok: false, error: { code: 'notFound' } };
  const { provider: oldProvider, basis: _b, classified: _c, ...rest } = old;
  const classified: Mark = { by: actor, at: now.toISOString() };
  let customer: Customer;
  if (answer === 'canAddProducts') customer = { ...rest, class: 'directBill', basis: 'question', classified };
  else if (answer === 'notSure') customer = { ...rest, class: 'unknown' };
  else {
    const given = provider && provider.name.trim() ? { ...(provider.tenantId?.trim() ? { tenantId: provider.tenantId.trim().toLowerCase() } : {}), name: provider.name.trim() } : undefined;
    const kept = old.class === 'indirectReseller' ? oldProvider : undefined;
    const p = given ?? kept;
    customer = { ...rest, class: 'indirectReseller', ...(p ? { provider: p } : {}), basis: 'question', classified };
  }
  const customers = record.customers.slice();
  customers[i] = customer;
  return { ok: true, record: bumped(record, customers, now), customer };
}

// ---------------------------------------------------------------------------------------------
// Views

/** Deterministic name order independent of the server's locale: case- and accent-insensitive, numbers by value. */
const nameCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
function byName(a: Customer, b: Customer): number {
  return nameCollator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0);
}

/**
 * Counts per class and, for indirect reseller customers, per provider name (largest first, ties
 * by name; customers with no known provider are counted under the name `''`).
 */
export function summarizeCustomers(record: CustomerRecord): { total: number; counts: Record<CustomerClass, number>; byProvider: Array<{ name: string; count: number }> } {
  const counts = Object.fromEntries(CUSTOMER_CLASSES.map((c) => [c, 0])) as Record<CustomerClass, number>;
  const providers = new Map<string, number>();
  for (const c of record.customers) {
    counts[c.class] += 1;
    if (c.class === 'indirectReseller') {
      const name = c.provider?.name ?? '';
      providers.set(name, (providers.get(name) ?? 0) + 1);
    }
  }
  const byProvider = [...providers].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || nameCollator.compare(a.name, b.name) || (a.name < b.name ? -1 : 1));
  return { total: record.customers.length, counts, byProvider };
}

/**
 * One page of customers of class `filter` (or all), sorted by name (case- and accent-insensitive,
 * numbers by value, ties by domain). `page` is 0-based and clamped to the pages there are;
 * `pageSize` is floored and at least 1. `pages` is at least 1 (an empty list has one empty page);
 * `page` in the result is the page actually shown.
 */
export function listCustomers(record: CustomerRecord, filter: CustomerClass | 'all', page: number, pageSize: number): { items: Customer[]; total: number; pages: number; page: number } {
  const size = Number.isFinite(pageSize) ? Math.max(1, Math.floor(pageSize)) : 1;
  const matching = filter === 'all' ? record.customers.slice() : record.customers.filter((c) => c.class === filter);
  matching.sort(byName);
  const pages = Math.max(1, Math.ceil(matching.length / size));
  const p = Number.isFinite(page) ? Math.min(pages - 1, Math.max(0, Math.floor(page))) : 0;
  return { items: matching.slice(p * size, (p + 1) * size), total: matching.length, pages, page: p };
}

/**
 * What each class allows the partner (transition seed, "Managing your direct bill customers and
 * your indirect reseller customers"). Values are stable ids the UI translates:
 * - directBill.youCan: create orders for products, manage Azure reservations, manage their order
 *   history, purchase software, bill customers directly (the things you won't do as an indirect reseller);
 * - indirectReseller.providerDoes: your indirect provider orders products for your customers;
 *   youCan: manage customers' licenses and users, handle subscription renewals;
 *   youCannot: use your direct bill capability to create purchases for them ("Acquire new customers"
 *   note), create their tenants (the provider creates them, "Acquire new customers").
 */
export const CLASS_RULES: {
  directBill: { youCan: readonly string[] };
  indirectReseller: { providerDoes: readonly string[]; youCan: readonly string[]; youCannot: readonly string[] };
} = {
  directBill: { youCan: ['createOrders', 'azureReservations', 'orderHistory', 'purchaseSoftware', 'billDirectly'] },
  indirectReseller: { providerDoes: ['ordersProducts'], youCan: ['manageLicensesUsers', 'renewals'], youCannot: ['directBillPurchases', 'createTenants'] },
};

/** Where moving a direct bill customer to the indirect provider stands. */
export const MOVE_STATES = ['notStarted', 'invited', 'expired', 'declined', 'revoked', 'moved'] as const;
export type MoveState = (typeof MOVE_STATES)[number];

/** `resellerAndProvider` invitations by recipient domain, newest (by `created.at`) first. */
function moveInvitationsByDomain(invitations: Invitation[]): Map<string, Invitation[]> {
  const map = new Map<string, Invitation[]>();
  for (const inv of invitations) {
    if (inv.kind !== 'resellerAndProvider' || !inv.to.domain) continue;
    const key = inv.to.domain.toLowerCase();
    const list = map.get(key);
    if (list) list.push(inv);
    else map.set(key, [inv]);
  }
  for (const list of map.values()) list.sort((a, b) => Date.parse(b.created.at) - Date.parse(a.created.at));
  return map;
}

function moveStatusFrom(customer: Customer, byDomain: Map<string, Invitation[]>, now: Date): { state: MoveState; invitation?: Invitation } {
  const list = byDomain.get(customer.domain);
  if (customer.class === 'indirectReseller' && customer.basis === 'moved') {
    const accepted = list?.find((i) => i.status === 'accepted');
    return { state: 'moved', ...(accepted ? { invitation: accepted } : {}) };
  }
  if (customer.class !== 'directBill') return { state: 'notStarted' };
  const newest = list?.[0];
  if (!newest) return { state: 'notStarted' };
  const s = invitationState(newest, now);
  return { state: s === 'pending' ? 'invited' : s === 'accepted' ? 'moved' : s, invitation: newest };
}

/**
 * How far moving a customer to the indirect provider is (transition seed, "Move your direct bill
 * customers to your indirect provider": an indirect reseller invitation, kind `resellerAndProvider`).
 * For a `directBill` customer the newest such invitation (by creation time) whose `to.domain` is
 * the customer's domain decides: pending -> `invited`, accepted -> `moved`, expired, declined,
 * revoked -> the same name; none -> `notStarted`. An `indirectReseller` customer with basis
 * `moved` is `moved` (with the accepted invitation if there is one). Other customers: `notStarted`.
 */
export function moveStatus(customer: Customer, invitations: Invitation[], now: Date): { state: MoveState; invitation?: Invitation } {
  return moveStatusFrom(customer, moveInvitationsByDomain(invitations), now);
}

/** The columns of {@link customersCsv}, in order; header labels are `customers.csv.<column>`. */
export const CUSTOMER_CSV_COLUMNS = ['name', 'domain', 'tenantId', 'class', 'provider', 'basis', 'classifiedBy', 'classifiedAt', 'moveStatus'] as const;

/**
 * The customer list as CSV for a spreadsheet: a header row (labels `customers.csv.<column>` for
 * {@link CUSTOMER_CSV_COLUMNS}) and one row per customer, sorted like `listCustomers(record, 'all')`.
 * Cells: name, domain, tenant ID, class (`customers.class.<class>`), provider name, basis
 * (`customers.basis.<basis>` or blank), classified by (name, else id), classified at (ISO instant),
 * move status (`customers.move.<state>` for direct bill customers and basis `moved`, else blank).
 * Written with csv-stringify: CRLF line ends, no BOM, quotes only where needed; a cell starting
 * with `=`, `+`, `-`, `@`, tab or CR (or their full-width forms) gets a leading `'` so a
 * spreadsheet does not run it as a formula (csv-stringify `escape_formulas`).
 */
export function customersCsv(record: CustomerRecord, invitations: Invitation[], now: Date, label: (key: string) => string): string {
  const byDomain = moveInvitationsByDomain(invitations);
  const rows: string[][] = [CUSTOMER_CSV_COLUMNS.map((c) => label(`customers.csv.${c}`))];
  for (const c of record.customers.slice().sort(byName)) {
    const showMove = c.class === 'directBill' || c.basis === 'moved';
    rows.push([
      c.name,
      c.domain,
      c.tenantId ?? '',
      label(`customers.class.${c.class}`),
      c.provider?.name ?? '',
      c.basis ? label(`customers.basis.${c.basis}`) : '',
      c.classified ? (c.classified.by.name ?? c.classified.by.id) : '',
      c.classified?.at ?? '',
      showMove ? label(`customers.move.${moveStatusFrom(c, byDomain, now).state}`) : '',
    ]);
  }
  return stringify(rows, { record_delimiter: 'windows', bom: false, escape_formulas: true });
}
