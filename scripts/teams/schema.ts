/**
 * Offline validation of a filled manifest with `@microsoft/app-manifest`'s own validator
 * (`AppManifestUtils.validateAgainstSchema`), against the Teams manifest JSON schema the package
 * ships for the manifest's `manifestVersion` (`build/json-schemas/teams/v<version>/`), loaded with
 * the package's `AppManifestUtils.fetchSchema`, which reads a bundled schema from disk. Nothing
 * is fetched: a version the package does not ship is reported before the package is asked, because
 * `fetchSchema` would otherwise download the schema.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { show } from './common.js';

type ManifestSchema = Awaited<ReturnType<typeof AppManifestUtils.fetchSchema>>;

const requireHere = createRequire(import.meta.url);
const schemas = new Map<string, Promise<ManifestSchema>>();

/** Folder of the Teams manifest schemas that `@microsoft/app-manifest` ships (`v1.2` ... `vDevPreview`). */
function schemasDir(): string {
  return join(dirname(requireHere.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');
}

/** Path of the Teams manifest schema that `@microsoft/app-manifest` ships for `manifestVersion` (read offline). */
export function schemaPath(manifestVersion: string): string {
  return join(schemasDir(), `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/** The `$schema` URL of a manifest of `manifestVersion`, as Microsoft publishes it (the package maps it to its bundled copy). */
export function schemaUrl(manifestVersion: string): string {
  return `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;
}

/** The newest released manifest schema version the installed `@microsoft/app-manifest` ships, e.g. `1.30` (devPreview excluded). */
export function newestManifestVersion(): string {
  const versions = readdirSync(schemasDir())
    .map((name) => /^v(\d+)\.(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(schemaPath(`${m[1]}.${m[2]}`)))
    .map((m) => [Number(m[1]), Number(m[2])] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const newest = versions.at(-1);
  if (!newest) throw new Error(`${schemasDir()}: no Teams manifest schema found`);
  return `${newest[0]}.${newest[1]}`;
}

/** The schema for `manifestVersion` as the package loads it from its own files (cached); only called once the file is known to exist. */
function bundledSchema(manifestVersion: string): Promise<ManifestSchema> {
  let schema = schemas.get(manifestVersion);
  if (!schema) {
    schema = AppManifestUtils.fetchSchema(schemaUrl(manifestVersion));
    schemas.set(manifestVersion, schema);
  }
  return schema;
}

/**
 * One readable line per error of the package's validator, which answers
 * `<JSON pointer> <message>. Details: <ajv params as JSON>`: `<pointer>: <message> (<details>)`,
 * naming the unexpected property or the allowed values.
 */
function readable(error: string): string {
  const match = /^(\S*) ([\s\S]*?)\. Details: ([\s\S]*)$/.exec(error);
  if (!match) return error;
  const [, pointer, message, details] = match as unknown as [string, string, string, string];
  let params: Record<string, unknown> = {};
  try {
    params = (JSON.parse(details) ?? {}) as Record<string, unknown>;
  } catch {
    // no details to add
  }
  const extra: string[] = [];
  if (typeof params.additionalProperty === 'string') extra.push(`unexpected property ${JSON.stringify(params.additionalProperty)}`);
  if (Array.isArray(params.allowedValues)) extra.push(`allowed: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`);
  if ('allowedValue' in params) extra.push(`allowed: ${JSON.stringify(params.allowedValue)}`);
  return `${pointer || '/'}: ${message}${extra.length ? ` (${extra.join('; ')})` : ''}`;
}

/**
 * Validates a filled manifest with `@microsoft/app-manifest`'s validator against the schema the
 * package ships for its `manifestVersion`, offline; also checks that `$schema` names that schema.
 * @returns one problem per error (JSON pointer and message), empty when valid.
 */
export async function validateManifestSchema(manifest: unknown): Promise<string[]> {
  const { manifestVersion: version, $schema } = (manifest ?? {}) as { manifestVersion?: unknown; $schema?: unknown };
  if (typeof version !== 'string') return ['/manifestVersion: must be a string such as "1.30"'];
  if (!/^\d+\.\d+$/.test(version)) return [`/manifestVersion ${show(version)} is not a released manifest schema version like 1.30`];
  const path = schemaPath(version);
  if (!existsSync(path)) return [`/manifestVersion ${show(version)}: @microsoft/app-manifest ships no schema for it (looked for ${path})`];
  const problems: string[] = [];
  const expected = schemaUrl(version);
  if ($schema !== expected && $schema !== expected.replace('/en-us/', '/')) {
    problems.push(`/$schema: ${typeof $schema === 'string' ? JSON.stringify($schema) : 'missing'} must be ${expected} (manifestVersion ${version})`);
  }
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as AppManifest, await bundledSchema(version));
  problems.push(...[...new Set(errors.map(readable))].map((line) => `schema v${version}: ${line}`));
  return problems;
}
