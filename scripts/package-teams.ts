/**
 * Builds the Teams app package (`npm run package:teams`): fills the `${{NAME}}` placeholders of
 * manifest/manifest.json from the environment (and optionally a dotenv file), checks every value,
 * validates the filled manifest offline against the JSON schema that `@microsoft/app-manifest`
 * ships for its `manifestVersion`, checks the icons, and zips manifest.json, color.png and
 * outline.png at the root of `dist/teams/csp-partner-assistant-<version>.zip`.
 *
 * Usage:
 *   npm run package:teams -- [--env-file <path>] [--out <zip path>]
 *
 * Variables: TEAMS_APP_ID and BOT_ID (GUIDs), BOT_DOMAIN (bare host name), DEVELOPER_NAME
 * (1-32 characters), DEVELOPER_WEBSITE_URL, PRIVACY_URL and TERMS_URL (https URLs). A variable set
 * in the environment wins over the same one in the `--env-file`.
 *
 * Exit codes: 0 package written; 1 a variable, the manifest or an icon is wrong (every problem is
 * listed); 2 bad command-line arguments.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import AjvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { zipSync } from 'fflate';
import pngjs from 'pngjs';

// The three are CommonJS modules whose `module.exports` also carries `.default`: under Node ESM the
// default import is `module.exports`, while TypeScript (NodeNext) types it as the whole module, so
// `.default` is the one spelling that is right for both.
const Ajv = AjvDraft04.default;
const addFormats = addFormatsModule.default;
const { PNG } = pngjs;

/** The repository root (this file lives in `<root>/scripts/`). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The manifest template and icons shipped with the app. */
export const DEFAULT_MANIFEST_DIR = join(ROOT, 'manifest');

/** Where packages go unless `outFile` / `--out` says otherwise. */
export const DEFAULT_OUT_DIR = join(ROOT, 'dist', 'teams');

/** The package file name's stem: `<stem>-<manifest.version>.zip`. */
export const PACKAGE_NAME = 'csp-partner-assistant';

/** Icon sizes Teams requires. */
const ICON_SIZES = { color: 192, outline: 32 } as const;

/** A `${{NAME}}` placeholder (spaces inside the braces are tolerated, as Teams Toolkit does). */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Variables for the package: a plain object, e.g. `process.env`. */
export type PackageEnv = Record<string, string | undefined>;

/** The package could not be built; `problems` lists every reason, one sentence each. */
export class TeamsPackageError extends Error {
  /** Every problem found, each naming the variable, JSON pointer or file concerned. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TeamsPackageError';
    this.problems = problems;
  }
}

/** Options of {@link packageTeamsApp}. */
export interface PackageTeamsOptions {
  /** Values for the `${{NAME}}` placeholders (e.g. `process.env`). */
  env: PackageEnv;
  /** Folder holding manifest.json and its icons; defaults to the repository's `manifest/`. */
  manifestDir?: string;
  /** Zip to write; defaults to `dist/teams/csp-partner-assistant-<version>.zip` in the repository. */
  outFile?: string;
}

/** What {@link packageTeamsApp} wrote. */
export interface PackageTeamsResult {
  /** Absolute path of the zip. */
  file: string;
  /** Size of the zip in bytes. */
  size: number;
  /** The filled manifest, as written into the zip. */
  manifest: Record<string, unknown>;
}

// ------------------------------------------------------------------------------------------------
// Variables

interface VariableRule {
  /** What a good value looks like, for messages. */
  expected: string;
  /** Why the value is wrong, or undefined when it is fine. */
  check(value: string): string | undefined;
}

const guidRule = (what: string): VariableRule => ({
  expected: `${what}, a GUID like 00000000-0000-0000-0000-000000000000`,
  check: (value) => (GUID.test(value) ? undefined : 'is not a GUID'),
});

const httpsUrlRule = (what: string): VariableRule => ({
  expected: `${what}, an https:// URL`,
  check(value) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'is not a URL';
    }
    if (url.protocol !== 'https:') return `uses ${url.protocol.replace(/:$/, '')}, not https`;
    if (!url.hostname) return 'has no host';
    if (value.length > 2048) return 'is longer than 2048 characters';
    return undefined;
  },
});

/** Reasons a bare host name is wrong, or undefined when it is a host name. */
function checkHostName(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'has a scheme (give the host name only, without https://)';
  if (/[/?#]/.test(value)) return 'has a path (give the host name only)';
  if (value.includes(':')) return 'has a port (give the host name only)';
  if (value.includes('*')) return 'has a wildcard (give the bot\'s own host name)';
  if (value.length > 253) return 'is longer than 253 characters';
  return value.split('.').every((label) => HOST_LABEL.test(label)) ? undefined : 'is not a host name';
}

/** The rules for the placeholders this project's manifest uses; any other placeholder only needs a value. */
export const VARIABLE_RULES: Readonly<Record<string, VariableRule>> = {
  TEAMS_APP_ID: guidRule('the Teams app id'),
  BOT_ID: guidRule("the bot's Microsoft App ID (its Entra app registration's client id)"),
  BOT_DOMAIN: {
    expected: "the bot's bare host name, like bot.example.com (no scheme, port or path)",
    check: checkHostName,
  },
  DEVELOPER_NAME: {
    expected: "the developer's display name, 1-32 characters",
    check: (value) => ([...value].length > 32 ? `is ${[...value].length} characters long` : undefined),
  },
  DEVELOPER_WEBSITE_URL: httpsUrlRule("the developer's website"),
  PRIVACY_URL: httpsUrlRule('the privacy statement'),
  TERMS_URL: httpsUrlRule('the terms of use'),
};

const show = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);

/**
 * Checks the values of `names` in `env`: returns the trimmed values and one problem per missing
 * or bad variable, each naming the variable and what is expected.
 */
export function checkVariables(names: Iterable<string>, env: PackageEnv): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of [...new Set(names)].sort()) {
    const rule = VARIABLE_RULES[name];
    const expected = rule?.expected ?? 'a value';
    const value = env[name]?.trim();
    if (!value) {
      problems.push(`${name} is not set: expected ${expected}`);
      continue;
    }
    const reason = rule?.check(value);
    if (reason) problems.push(`${name} ${show(value)} ${reason}: expected ${expected}`);
    else values[name] = value;
  }
  return { values, problems };
}

/**
 * Reads a dotenv file (`NAME=value` lines, `#` comments, quoted values) with Node's own parser.
 * @throws {TeamsPackageError} when the file cannot be read.
 */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TeamsPackageError([`--env-file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`]);
  }
  const parsed = parseEnv(text);
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined));
}

// ------------------------------------------------------------------------------------------------
// JSON helpers

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const pointerPart = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/** Calls `visit` on every string value and object key of `value`, with its JSON pointer. */
function walkStrings(value: Json, visit: (text: string, pointer: string) => void, pointer = ''): void {
  if (typeof value === 'string') visit(value, pointer || '/');
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, visit, `${pointer}/${i}`));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = `${pointer}/${pointerPart(key)}`;
      visit(key, `${at} (key)`);
      walkStrings(item, visit, at);
    }
  }
}

/** A copy of `value` with every placeholder in its string values replaced (values are set, so no JSON escaping issue). */
function fill(value: Json, values: Record<string, string>): Json {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, values)]));
  }
  return value;
}

// ------------------------------------------------------------------------------------------------
// Schema

const requireHere = createRequire(import.meta.url);
const validators = new Map<string, ValidateFunction>();

/** Path of the Teams manifest schema that `@microsoft/app-manifest` ships for `manifestVersion` (read offline). */
export function schemaPath(manifestVersion: string): string {
  const root = dirname(requireHere.resolve('@microsoft/app-manifest'));
  return join(root, 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/** The compiled validator for `manifestVersion` (draft-04 schemas, ajv-draft-04 + ajv-formats), cached. */
function schemaValidator(manifestVersion: string): ValidateFunction | string {
  if (!/^\d+\.\d+$|^devPreview$/.test(manifestVersion)) return `/manifestVersion ${show(manifestVersion)} is not a manifest schema version like 1.19`;
  const path = schemaPath(manifestVersion);
  const cached = validators.get(path);
  if (cached) return cached;
  if (!existsSync(path)) return `/manifestVersion ${show(manifestVersion)}: @microsoft/app-manifest ships no schema for it (looked for ${path})`;
  const schema = JSON.parse(readFileSync(path, 'utf8')) as { $schema?: string };
  if (!schema.$schema?.includes('draft-04')) return `${path}: expected a draft-04 JSON schema, found ${schema.$schema ?? 'no $schema'}`;
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  validators.set(path, validate);
  return validate;
}

/** One line per schema error: `<JSON pointer>: <message> (<details>)`. */
function describeSchemaError(error: ErrorObject): string {
  const at = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  const extra: string[] = [];
  if (error.keyword === 'additionalProperties') extra.push(`unexpected property ${JSON.stringify(params.additionalProperty)}`);
  else if (error.keyword === 'enum') extra.push(`allowed: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
  else if (error.keyword === 'const') extra.push(`allowed: ${JSON.stringify(params.allowedValue)}`);
  return `${at}: ${error.message ?? error.keyword}${extra.length ? ` (${extra.join('; ')})` : ''}`;
}

/**
 * Validates a filled manifest against the schema shipped for its `manifestVersion`.
 * @returns one problem per schema error (JSON pointer and message), empty when valid.
 */
export function validateManifestSchema(manifest: unknown): string[] {
  const version = (manifest as { manifestVersion?: unknown } | null)?.manifestVersion;
  if (typeof version !== 'string') return ['/manifestVersion: must be a string such as "1.19"'];
  const validate = schemaValidator(version);
  if (typeof validate === 'string') return [validate];
  if (validate(manifest)) return [];
  const lines = (validate.errors ?? []).map(describeSchemaError);
  return [...new Set(lines)].map((line) => `schema v${version}: ${line}`);
}

// ------------------------------------------------------------------------------------------------
// Icons

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Checks one icon: a PNG of `size`x`size`; for the outline, every pixel white or fully transparent. */
function checkIcon(kind: 'color' | 'outline', bytes: Buffer, label: string): string[] {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return [`${label}: not a PNG file`];
  let png: InstanceType<typeof PNG>;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    return [`${label}: cannot be decoded as PNG (${(error as Error).message})`];
  }
  const size = ICON_SIZES[kind];
  if (png.width !== size || png.height !== size) {
    return [`${label}: is ${png.width}x${png.height}, expected ${size}x${size}`];
  }
  if (kind === 'outline') {
    let bad = 0;
    let first = -1;
    let visible = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i + 3] === 0) continue;
      visible++;
      if (png.data[i] !== 255 || png.data[i + 1] !== 255 || png.data[i + 2] !== 255) {
        bad++;
        if (first < 0) first = i / 4;
      }
    }
    if (bad > 0) {
      return [
        `${label}: must be white on a transparent background, but ${bad} pixel(s) are neither fully transparent nor white (first at x=${first % size}, y=${Math.floor(first / size)})`,
      ];
    }
    if (visible === 0) return [`${label}: is fully transparent, expected a white glyph`];
  }
  return [];
}

/** Reads and checks the icons the manifest names; returns their bytes by zip entry name, and problems. */
function readIcons(manifest: Json, manifestDir: string): { files: Record<string, Buffer>; problems: string[] } {
  const files: Record<string, Buffer> = {};
  const problems: string[] = [];
  const icons = (manifest as { icons?: Record<string, unknown> } | null)?.icons ?? {};
  for (const kind of ['color', 'outline'] as const) {
    const name = icons[kind];
    if (typeof name !== 'string' || !name) {
      problems.push(`/icons/${kind}: expected the file name of the ${kind} icon`);
      continue;
    }
    if (!/^[^/\\]+\.png$/i.test(name) || name.startsWith('.')) {
      problems.push(`/icons/${kind}: ${show(name)} must be a .png file name at the package root (no folders)`);
      continue;
    }
    const path = join(manifestDir, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      problems.push(`/icons/${kind}: ${path} does not exist`);
      continue;
    }
    const before = problems.length;
    problems.push(...checkIcon(kind, bytes, `/icons/${kind} (${name})`));
    if (problems.length === before) files[name] = bytes;
  }
  if (typeof icons.color === 'string' && icons.color === icons.outline) {
    problems.push('/icons: the color and outline icons must be different files');
  }
  return { files, problems };
}

// ------------------------------------------------------------------------------------------------
// The package

/** The default package path for a manifest `version`: `dist/teams/csp-partner-assistant-<version>.zip` in the repository. */
export function defaultPackageFile(version: string): string {
  return join(DEFAULT_OUT_DIR, `${PACKAGE_NAME}-${version}.zip`);
}

/** The zip entries' timestamp: fixed (local time, as zip stores it) so that equal inputs give equal bytes. */
const ZIP_MTIME = new Date(2000, 0, 1);

/**
 * Builds the Teams app package: fills every `${{NAME}}` placeholder of `manifestDir/manifest.json`
 * from `env` (each value checked first), validates the result against the offline schema for its
 * `manifestVersion` plus the checks the schema cannot express (icons' format and sizes, a white on
 * transparent outline icon, BOT_DOMAIN in `validDomains`, no placeholder left), and writes a zip
 * with manifest.json and the two icons at its root.
 *
 * @throws {TeamsPackageError} listing every problem found (variables, schema errors by JSON
 *   pointer, icons) when the package cannot be built.
 */
export async function packageTeamsApp(options: PackageTeamsOptions): Promise<PackageTeamsResult> {
  const manifestDir = resolve(options.manifestDir ?? DEFAULT_MANIFEST_DIR);
  const manifestPath = join(manifestDir, 'manifest.json');
  let template: Json;
  try {
    template = JSON.parse(readFileSync(manifestPath, 'utf8')) as Json;
  } catch (error) {
    throw new TeamsPackageError([`${manifestPath}: ${(error as Error).message}`]);
  }

  const names = new Set<string>();
  walkStrings(template, (text) => {
    for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]!);
  });
  const { values, problems: variableProblems } = checkVariables(names, options.env);
  const { files: icons, problems: iconProblems } = readIcons(template, manifestDir);
  const problems = [...variableProblems, ...iconProblems];

  let manifest: Json = template;
  if (variableProblems.length === 0) {
    manifest = fill(template, values);
    walkStrings(manifest, (text, pointer) => {
      if (text.includes('${{')) problems.push(`${pointer}: ${show(text)} still contains "\${{" after filling the placeholders`);
    });
    problems.push(...validateManifestSchema(manifest));
    const domain = values.BOT_DOMAIN ?? options.env.BOT_DOMAIN?.trim();
    const validDomains = (manifest as { validDomains?: unknown }).validDomains;
    if (domain && !(Array.isArray(validDomains) && validDomains.some((d) => typeof d === 'string' && d.toLowerCase() === domain.toLowerCase()))) {
      problems.push(`/validDomains: must include BOT_DOMAIN ${show(domain)}`);
    }
    const version = (manifest as { version?: unknown }).version;
    if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
      problems.push(`/version: ${JSON.stringify(version)} must be MAJOR.MINOR.PATCH, like 1.0.0`);
    }
  }
  if (problems.length > 0) throw new TeamsPackageError(problems);

  const filled = manifest as Record<string, unknown>;
  const file = resolve(options.outFile ?? defaultPackageFile(filled.version as string));
  const entries: Record<string, [Uint8Array, { level: 0 | 9 }]> = {
    'manifest.json': [Buffer.from(`${JSON.stringify(filled, null, 2)}\n`, 'utf8'), { level: 9 }],
  };
  for (const [name, bytes] of Object.entries(icons)) entries[name] = [bytes, { level: 9 }];
  const zip = zipSync(entries, { mtime: ZIP_MTIME });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, zip);
  return { file, size: zip.length, manifest: filled };
}

// ------------------------------------------------------------------------------------------------
// CLI

const USAGE = `Usage: npm run package:teams -- [--env-file <path>] [--out <zip path>]

Fills manifest/manifest.json from the environment, validates it and the icons offline and writes
dist/teams/${PACKAGE_NAME}-<version>.zip. Variables: ${Object.keys(VARIABLE_RULES).join(', ')}.
A variable set in the environment wins over the same one in --env-file.`;

/** Parses the CLI arguments; returns an error message for bad ones. */
export function parseArgs(argv: string[]): { envFile?: string; out?: string; help?: boolean } | string {
  const result: { envFile?: string; out?: string; help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--help' || flag === '-h') result.help = true;
    else if (flag === '--env-file' || flag === '--out') {
      const value = inline ?? argv[++i];
      if (!value) return `${flag} needs a path`;
      if (flag === '--env-file') result.envFile = value;
      else result.out = value;
    } else return `unknown argument ${arg}`;
  }
  return result;
}

/** The CLI: returns the exit code (0 written, 1 problems found, 2 bad arguments). */
export async function main(argv: string[], env: PackageEnv = process.env): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`${args}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const merged = args.envFile ? { ...readEnvFile(resolve(args.envFile)), ...definedOnly(env) } : env;
    const result = await packageTeamsApp({ env: merged, ...(args.out ? { outFile: resolve(args.out) } : {}) });
    const shown = relative(process.cwd(), result.file);
    console.log(`Teams app package: ${shown.startsWith('..') ? result.file : shown}`);
    console.log(`Size: ${result.size} bytes (${(result.size / 1024).toFixed(1)} KiB)`);
    console.log(`App id: ${String(result.manifest.id)}`);
    return 0;
  } catch (error) {
    if (error instanceof TeamsPackageError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

/** Drops unset and empty entries, so an empty variable in the environment does not hide the env file's value. */
function definedOnly(env: PackageEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => !!e[1]));
}

const invokedDirectly = (() => {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
