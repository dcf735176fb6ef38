/**
 * The manifest's `${{NAME}}` variables: the rule each known variable must satisfy (GUIDs, a bare
 * host name, https URLs, a short developer name), checking a set of values, and reading a dotenv file.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { show, TeamsPackageError, type PackageEnv } from './common.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** How one variable is checked. */
export interface VariableRule {
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
  if (value.includes('*')) return "has a wildcard (give the bot's own host name)";
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
