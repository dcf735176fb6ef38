/**
 * Offline validation of a filled manifest against the JSON schema that `@microsoft/app-manifest`
 * ships for the manifest's `manifestVersion` (draft-04 schemas, ajv-draft-04 + ajv-formats).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { show } from './common.js';

// ajv-draft-04 and ajv-formats (and pngjs, in icons.ts) are CommonJS modules whose `module.exports` also carries `.default`: under Node ESM the
// default import is `module.exports`, while TypeScript (NodeNext) types it as the whole module, so
// `.default` is the one spelling that is right for both.
const Ajv = AjvDraft04.default;
const addFormats = addFormatsModule.default;

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
