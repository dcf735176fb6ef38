/**
 * Loading the provider directory from its JSON file (src/data/providers.json), validated at
 * start-up: a bad entry stops the start with a message naming the file, the field and the problem.
 * The only I/O of the provider modules.
 */
import { readFileSync } from 'node:fs';
import { toIsoDate } from '../businessDays.js';
import { ProviderDirectory } from './directory.js';
import { fileSchema, toIssues } from './fileSchema.js';
import type { Provider } from './model.js';

/** One problem found in a directory file: `path` like `providers[3].countries[1]`. */
export interface ProviderDirectoryIssue {
  path: string;
  message: string;
}

/** Issues spelled out in the message; all of them stay in `issues`. */
const MAX_LISTED_ISSUES = 50;

/**
 * A directory file could not be read, parsed or validated. `message` has one line per issue
 * (the first 50, then a count),
 * each `<file>: <field path>: <problem>`, e.g.
 * `src/data/providers.json: providers[3].countries[1]: "XX" is not an ISO 3166-1 alpha-2 code`.
 */
export class ProviderDirectoryError extends Error {
  override readonly name = 'ProviderDirectoryError';
  /** The file as passed to {@link loadProviderDirectory}. */
  readonly file: string;
  readonly issues: readonly ProviderDirectoryIssue[];

  constructor(file: string, issues: ProviderDirectoryIssue[]) {
    const shown = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${file}: ${i.path}: ${i.message}`);
    if (issues.length > MAX_LISTED_ISSUES) shown.push(`${file}: ... and ${issues.length - MAX_LISTED_ISSUES} more issues`);
    super(shown.join('\n'));
    this.file = file;
    this.issues = Object.freeze(issues);
  }
}

/**
 * Reads a provider directory file, JSON `{ "note"?: string, "providers": Provider[] }`, validates
 * every field and returns the directory.
 *
 * Checked: every {@link Provider} field is present with the right type and no unknown fields;
 * `id` matches `/^[a-z0-9-]{2,40}$/` and is unique; `website` and `source` are https URLs;
 * `headquarters` and `countries` are upper-case ISO 3166-1 alpha-2 codes (`isCountryCode`),
 * `countries` non-empty and unique; `languages` lower-case ISO 639-1 codes, unique; `services`
 * keys from {@link PROVIDER_SERVICES} and only `true`; `checked` a real `YYYY-MM-DD` date not
 * after the UTC date of `now`.
 *
 * @param filePath path of the JSON file; error messages name it exactly as passed
 * @param now the "today" for the `checked` check (UTC date); defaults to the current time
 * @throws ProviderDirectoryError when the file cannot be read, is not valid JSON, or fails
 *   validation; the message names the file, the field path and the problem for every issue
 */
export function loadProviderDirectory(filePath: string, now: Date = new Date()): ProviderDirectory {
  let raw: string;
  try {
    raw = readFileSync(filePath, 'utf8');
  } catch (e) {
    throw new ProviderDirectoryError(filePath, [{ path: '(file)', message: `cannot be read: ${(e as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    throw new ProviderDirectoryError(filePath, [{ path: '(root)', message: `malformed JSON: ${(e as Error).message}` }]);
  }
  const parsed = fileSchema(toIsoDate(now)).safeParse(data, { reportInput: true });
  if (!parsed.success) throw new ProviderDirectoryError(filePath, toIssues(parsed.error));
  const providers = parsed.data.providers as Provider[];
  const firstIndex = new Map<string, number>();
  const issues: ProviderDirectoryIssue[] = [];
  providers.forEach((p, i) => {
    const first = firstIndex.get(p.id);
    if (first !== undefined) issues.push({ path: `providers[${i}].id`, message: `duplicate id "${p.id}" (also providers[${first}].id)` });
    else firstIndex.set(p.id, i);
  });
  if (issues.length) throw new ProviderDirectoryError(filePath, issues);
  return new ProviderDirectory(providers);
}
