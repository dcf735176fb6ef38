/**
 * Builds the Teams app package (`npm run package:teams`): fills the `${{NAME}}` placeholders of
 * manifest/manifest.json from the environment (and optionally a dotenv file), checks every value,
 * validates the filled manifest offline with `@microsoft/app-manifest`'s own validator against the
 * JSON schema the package ships for its `manifestVersion`, checks the icons, and zips
 * manifest.json, color.png and outline.png at the root of
 * `dist/teams/csp-partner-assistant-<version>.zip`.
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
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { show, TeamsPackageError, type PackageEnv } from './teams/common.js';
import { readIcons } from './teams/icons.js';
import { fill, PLACEHOLDER, walkStrings, type Json } from './teams/manifestJson.js';
import { validateManifestSchema } from './teams/schema.js';
import { checkVariables, readEnvFile, VARIABLE_RULES } from './teams/variables.js';

// The parts live in ./teams/ (common, variables, manifestJson, schema, icons); their public
// functions stay importable from this file.
export { TeamsPackageError, type PackageEnv } from './teams/common.js';
export { checkVariables, readEnvFile, VARIABLE_RULES } from './teams/variables.js';
export { newestManifestVersion, schemaPath, schemaUrl, validateManifestSchema } from './teams/schema.js';

/** The repository root (this file lives in `<root>/scripts/`). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The manifest template and icons shipped with the app. */
export const DEFAULT_MANIFEST_DIR = join(ROOT, 'manifest');

/** Where packages go unless `outFile` / `--out` says otherwise. */
export const DEFAULT_OUT_DIR = join(ROOT, 'dist', 'teams');

/** The package file name's stem: `<stem>-<manifest.version>.zip`. */
export const PACKAGE_NAME = 'csp-partner-assistant';

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
// The package

/** The default package path for a manifest `version`: `dist/teams/csp-partner-assistant-<version>.zip` in the repository. */
export function defaultPackageFile(version: string): string {
  return join(DEFAULT_OUT_DIR, `${PACKAGE_NAME}-${version}.zip`);
}

/** The zip entries' timestamp: fixed (local time, as zip stores it) so that equal inputs give equal bytes. */
const ZIP_MTIME = new Date(2000, 0, 1);

/**
 * Builds the Teams app package: fills every `${{NAME}}` placeholder of `manifestDir/manifest.json`
 * from `env` (each value checked first), validates the result with `@microsoft/app-manifest`'s
 * validator against the offline schema for its `manifestVersion` plus the checks the schema
 * cannot express (icons' format and sizes, a white on transparent outline icon, BOT_DOMAIN in
 * `validDomains`, no placeholder left), and writes a zip with manifest.json and the two icons at
 * its root.
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
    problems.push(...(await validateManifestSchema(manifest)));
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
