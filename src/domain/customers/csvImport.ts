/**
 * Importing a customer list from a CSV file (a partner's spreadsheet or this assistant's own
 * export): finding the header's columns, reading records with their physical line numbers, and
 * validating each row with {@link validateCustomerInput}. Errors are values; nothing throws.
 */
import { parse } from 'csv-parse/sync';
import { validateCustomerInput, type CustomerFieldError, type CustomerInput } from './validation.js';

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
  const read = readRecords(normalized);
  if (!read.ok) return read;
  const { records } = read;

  const header = records[0];
  if (!header) return { ok: false, problem: 'empty' };
  const columns = headerColumns(header.cells, extraAliases);
  const missing = (['name', 'domain'] as const).filter((f) => columns[f] === undefined);
  if (missing.length > 0) {
    const found = header.cells.map((c) => truncate(c.trim(), 40)).filter((c) => c !== '');
    return { ok: false, problem: 'noHeader', line: header.line, missing, detail: truncate(found.join(', '), 400) };
  }
  const dataCount = records.length - 1;
  if (dataCount > MAX_CSV_ROWS) return { ok: false, problem: 'tooManyRows', detail: String(dataCount) };
  return { ok: true, ...validateRows(records, columns) };
}

/** One CSV record: its cells and the 1-based physical line where it starts. */
interface CsvRecord {
  cells: string[];
  line: number;
}

/** A whole-file refusal (the `ok: false` branch of {@link CustomerCsvResult}). */
type CsvRefusal = Extract<CustomerCsvResult, { ok: false }>;

/**
 * The delimiter of `normalized` (LF line ends): `,` unless the first non-blank line (of the first
 * 64) has no `,` but has `;`, or has neither but has a tab.
 */
function detectDelimiter(normalized: string): string {
  const firstLine = normalized.split('\n', 64).find((l) => l.trim() !== '') ?? '';
  return firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
}

/**
 * Parses `normalized` (no BOM, LF line ends, no NUL) with csv-parse into records with the line
 * each starts on; blank lines and all-blank records are skipped. A parse error is refused as
 * `malformed`, naming the line where the bad record starts (after the last good record, skipping
 * blank lines) and csv-parse's error code.
 */
function readRecords(normalized: string): { ok: true; records: CsvRecord[] } | CsvRefusal {
  let lastEnd = 0;
  try {
    const out = parse(normalized, {
      delimiter: detectDelimiter(normalized),
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
    const records = out.map(({ record, info }) => {
      let inner = 0;
      for (const cell of record) inner += countNewlines(cell);
      return { cells: record, line: info.lines - inner };
    });
    return { ok: true, records };
  } catch (e) {
    const lines = normalized.split('\n');
    let line = lastEnd + 1;
    while (line < lines.length && /^[\s,;]*$/.test(lines[line - 1]!)) line++;
    const code = e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : 'CSV_ERROR';
    return { ok: false, problem: 'malformed', line, detail: `line ${line}: ${code}` };
  }
}

/**
 * The column index of each field in the header row: {@link CSV_COLUMN_ALIASES} first, then
 * `extraAliases`; the leftmost matching column wins.
 */
function headerColumns(cells: string[], extraAliases: Partial<Record<CsvField, readonly string[]>>): Partial<Record<CsvField, number>> {
  const columns: Partial<Record<CsvField, number>> = {};
  cells.forEach((cell, i) => {
    const key = headerKey(cell);
    const field = ALIAS_TO_FIELD.get(key) ?? (Object.keys(extraAliases) as CsvField[]).find((f) => extraAliases[f]!.some((a) => headerKey(a) === key));
    if (field && columns[field] === undefined) columns[field] = i;
  });
  return columns;
}

/**
 * Validates the data records (all but the header): a bad row gives one error per bad field, a
 * domain repeating an earlier good row's gives `duplicateInFile`; both are left out of `rows`.
 */
function validateRows(
  records: CsvRecord[],
  columns: Partial<Record<CsvField, number>>,
): { rows: Array<{ line: number; value: CustomerInput }>; errors: CsvRowError[] } {
  const rows: Array<{ line: number; value: CustomerInput }> = [];
  const errors: CsvRowError[] = [];
  const firstLineOf = new Map<string, number>();
  const cellOf = (r: CsvRecord, field: CsvField) => {
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
  return { rows, errors };
}
