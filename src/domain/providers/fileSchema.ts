/**
 * The zod schema of a provider directory file and the translation of its issues into
 * {@link ProviderDirectoryIssue}s (field path + problem), for {@link loadProviderDirectory}.
 */
import { z } from 'zod';
import type { IsoDate } from '../businessDays.js';
import { isCountryCode } from '../countries.js';
import type { ProviderDirectoryIssue } from './loading.js';
import { PROVIDER_SERVICES, type ProviderService } from './model.js';

const ID_RE = /^[a-z0-9-]{2,40}$/;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

function isRealDate(s: string): boolean {
  if (!ISO_DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function isHttpsUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && u.hostname.length > 0;
  } catch {
    return false;
  }
}

const text = () => z.string().trim().min(1, 'must not be empty');

const countryCode = z.string().superRefine((v, ctx) => {
  if (!/^[A-Z]{2}$/.test(v) || !isCountryCode(v)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an ISO 3166-1 alpha-2 code (upper case)` });
  }
});

const languageCode = z.string().superRefine((v, ctx) => {
  if (!/^[a-z]{2}$/.test(v) || LANGUAGE_NAMES.of(v) === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an ISO 639-1 language code (lower case)` });
  }
});

const httpsUrl = z.string().superRefine((v, ctx) => {
  if (!isHttpsUrl(v)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an https URL` });
});

/** Array whose items must be distinct; a repeat is reported at its own index. */
function uniqueArray<T extends z.ZodType<string>>(item: T, what: string) {
  return z.array(item).superRefine((arr, ctx) => {
    const seen = new Set<string>();
    arr.forEach((v, i) => {
      if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${what} ${JSON.stringify(v)}` });
      seen.add(v);
    });
  });
}

/**
 * `true` only: a service the source does not state is left out rather than set to `false`, so the
 * card never presents a guess as a fact.
 */
const stated = z.literal(true, { error: 'must be true when stated; leave the service out when the source does not state it' });

/** The file schema, JSON `{ "note"?: string, "providers": Provider[] }`; `checked` may not be after `today`. */
export function fileSchema(today: IsoDate) {
  const provider = z.strictObject({
    id: z.string().regex(ID_RE, 'must match /^[a-z0-9-]{2,40}$/'),
    name: text(),
    website: httpsUrl,
    headquarters: countryCode,
    countries: uniqueArray(countryCode, 'country').min(1, 'must list at least one country/region'),
    services: z.strictObject(Object.fromEntries(PROVIDER_SERVICES.map((s) => [s, stated.optional()])) as Record<ProviderService, z.ZodOptional<typeof stated>>),
    supportTiers: uniqueArray(text(), 'support tier'),
    languages: uniqueArray(languageCode, 'language'),
    source: httpsUrl,
    checked: z.string().superRefine((v, ctx) => {
      if (!isRealDate(v)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a real date as YYYY-MM-DD` });
      else if (v > today) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is in the future (today is ${today})` });
    }),
  });
  return z.strictObject({
    note: z.string().optional(),
    providers: z.array(provider),
  });
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${JSON.stringify(v) ?? ''}`.trim();
}

/** One {@link ProviderDirectoryIssue} per zod issue (an unknown-keys issue gives one per key). */
export function toIssues(error: z.ZodError): ProviderDirectoryIssue[] {
  const issues: ProviderDirectoryIssue[] = [];
  for (const iss of error.issues) {
    const input = (iss as { input?: unknown }).input;
    if (iss.code === 'invalid_type') {
      issues.push({
        path: formatPath(iss.path),
        message: input === undefined ? `is required (${iss.expected})` : `must be ${iss.expected}, got ${describe(input)}`,
      });
    } else if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) issues.push({ path: formatPath([...iss.path, key]), message: 'is not a known field' });
    } else {
      issues.push({ path: formatPath(iss.path), message: iss.message });
    }
  }
  return issues;
}
