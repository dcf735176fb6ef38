/**
 * `npm run package:teams` (scripts/package-teams.ts): the packaging function against the real
 * manifest/ and against broken copies of it in a temp dir, and the CLI as a child process.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { strFromU8, unzipSync } from 'fflate';
import pngjs from 'pngjs';
import { TeamsPackageError, defaultPackageFile, packageTeamsApp, parseArgs, readEnvFile, type PackageEnv } from '../../scripts/package-teams.js';
import { offline } from '../support/offline.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MANIFEST_DIR = join(ROOT, 'manifest');
const { PNG } = pngjs;

const GOOD_ENV = {
  TEAMS_APP_ID: '6f1c2b7e-3a4d-4e5f-9a8b-1c2d3e4f5a6b',
  BOT_ID: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  BOT_DOMAIN: 'csp-assistant.example.com',
  DEVELOPER_NAME: 'Contoso "CSP" Tools',
  DEVELOPER_WEBSITE_URL: 'https://www.example.com',
  PRIVACY_URL: 'https://www.example.com/privacy',
  TERMS_URL: 'https://www.example.com/terms',
} as const;
const VARIABLES = Object.keys(GOOD_ENV).sort();

type ManifestJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the manifest's JSON as read, walked by path in assertions

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'package-teams-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
/** A copy of manifest/ in the temp dir, with `edit` applied to its manifest.json. */
function manifestCopy(edit: (manifest: ManifestJson) => void = () => {}): string {
  const dir = join(tmp, `manifest-${++counter}`);
  cpSync(MANIFEST_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestJson;
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** The problems of a build expected to fail; also checks that no zip was written. */
async function problemsOf(env: PackageEnv, manifestDir?: string): Promise<string[]> {
  const outFile = join(tmp, `fail-${++counter}.zip`);
  try {
    await packageTeamsApp({ env, outFile, ...(manifestDir ? { manifestDir } : {}) });
  } catch (error) {
    expect(error).to.be.instanceOf(TeamsPackageError);
    expect(existsSync(outFile), 'no zip written').to.equal(false);
    const problems = (error as TeamsPackageError).problems;
    expect((error as Error).message).to.include(problems[0]);
    return problems;
  }
  throw new Error('expected packageTeamsApp to fail');
}

function pngBytes(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) png.data.set(pixel(x, y), (y * size + x) * 4);
  }
  return PNG.sync.write(png);
}

describe('npm run package:teams (scripts/package-teams.ts)', () => {
  describe('packageTeamsApp', () => {
    it('builds a zip with manifest.json, color.png and outline.png at its root, every placeholder filled, without using the network', async () => {
      const outFile = join(tmp, 'good', 'app.zip');
      const result = await offline(() => packageTeamsApp({ env: { ...GOOD_ENV }, outFile }));
      expect(result.file).to.equal(outFile);
      expect(result.size).to.equal(statSync(outFile).size);

      const entries = unzipSync(readFileSync(outFile));
      expect(Object.keys(entries)).to.deep.equal(['manifest.json', 'color.png', 'outline.png']);
      expect(Buffer.from(entries['color.png']!).equals(readFileSync(join(MANIFEST_DIR, 'color.png')))).to.equal(true);
      expect(Buffer.from(entries['outline.png']!).equals(readFileSync(join(MANIFEST_DIR, 'outline.png')))).to.equal(true);

      const text = strFromU8(entries['manifest.json']!);
      expect(text).to.not.include('${{');
      const manifest = JSON.parse(text) as ManifestJson;
      expect(manifest).to.deep.equal(result.manifest);
      expect(manifest.id).to.equal(GOOD_ENV.TEAMS_APP_ID);
      expect(manifest.bots[0].botId).to.equal(GOOD_ENV.BOT_ID);
      expect(manifest.validDomains).to.include(GOOD_ENV.BOT_DOMAIN);
      expect(manifest.developer).to.deep.equal({
        name: GOOD_ENV.DEVELOPER_NAME, // the quotes survive: values are filled into parsed JSON
        websiteUrl: GOOD_ENV.DEVELOPER_WEBSITE_URL,
        privacyUrl: GOOD_ENV.PRIVACY_URL,
        termsOfUseUrl: GOOD_ENV.TERMS_URL,
      });
      expect(manifest.manifestVersion).to.equal('1.30');

      // checked again with @microsoft/app-manifest's validator as a user of the package would call it:
      // the schema found from the zipped manifest's $schema, which the package reads from its own files
      type Args = Parameters<typeof AppManifestUtils.validateAgainstSchema>;
      const errors = await offline(() => AppManifestUtils.validateAgainstSchema(manifest as Args[0]));
      expect(errors, errors.join('\n')).to.deep.equal([]);
    });

    it('gives the same bytes for the same inputs, and names the default file after the manifest version', async () => {
      const a = await packageTeamsApp({ env: { ...GOOD_ENV }, outFile: join(tmp, 'same-a.zip') });
      const b = await packageTeamsApp({ env: { ...GOOD_ENV }, outFile: join(tmp, 'same-b.zip') });
      expect(readFileSync(a.file).equals(readFileSync(b.file))).to.equal(true);
      expect(defaultPackageFile('1.0.0')).to.equal(join(ROOT, 'dist', 'teams', 'csp-partner-assistant-1.0.0.zip'));
    });

    it('names each missing variable, and lists them all at once', async () => {
      for (const name of VARIABLES) {
        const env: PackageEnv = { ...GOOD_ENV, [name]: undefined };
        const problems = await problemsOf(env);
        expect(problems, name).to.have.length(1);
        expect(problems[0]).to.match(new RegExp(`^${name} is not set: expected `));
      }
      const blank = await problemsOf({ ...GOOD_ENV, DEVELOPER_NAME: '   ' });
      expect(blank).to.deep.equal(["DEVELOPER_NAME is not set: expected the developer's display name, 1-32 characters"]);
      const all = await problemsOf({});
      expect(all.map((p) => p.split(' ')[0])).to.deep.equal(VARIABLES);
    });

    it('names each bad GUID, URL, domain and name with what is expected', async () => {
      const problems = await problemsOf({
        ...GOOD_ENV,
        TEAMS_APP_ID: '{6f1c2b7e-3a4d-4e5f-9a8b-1c2d3e4f5a6b}',
        BOT_ID: 'not-a-guid',
        BOT_DOMAIN: 'https://csp-assistant.example.com/api/messages',
        DEVELOPER_NAME: 'x'.repeat(33),
        DEVELOPER_WEBSITE_URL: 'www.example.com',
        PRIVACY_URL: 'http://www.example.com/privacy',
        TERMS_URL: 'ftp://www.example.com/terms',
      });
      expect(problems).to.have.length(7);
      const byName = Object.fromEntries(problems.map((p) => [p.split(' ')[0], p]));
      expect(byName.TEAMS_APP_ID).to.match(/is not a GUID: expected the Teams app id, a GUID/);
      expect(byName.BOT_ID).to.match(/^BOT_ID "not-a-guid" is not a GUID/);
      expect(byName.BOT_DOMAIN).to.match(/has a scheme .*expected the bot's bare host name/);
      expect(byName.DEVELOPER_NAME).to.match(/is 33 characters long: expected .*1-32 characters/);
      expect(byName.DEVELOPER_WEBSITE_URL).to.match(/is not a URL: expected .*https:\/\/ URL/);
      expect(byName.PRIVACY_URL).to.match(/uses http, not https/);
      expect(byName.TERMS_URL).to.match(/uses ftp, not https/);

      for (const [domain, reason] of [
        ['csp-assistant.example.com/api', 'has a path'],
        ['csp-assistant.example.com:443', 'has a port'],
        ['*.example.com', 'has a wildcard'],
        ['bad_host.example.com', 'is not a host name'],
        ['-bad.example.com', 'is not a host name'],
        ['csp-assistant.example.com.', 'is not a host name'],
      ] as const) {
        const [problem] = await problemsOf({ ...GOOD_ENV, BOT_DOMAIN: domain });
        expect(problem, domain).to.include(`BOT_DOMAIN ${JSON.stringify(domain)} ${reason}`);
      }
    });

    it('reports schema errors by JSON pointer: an over-long description, a bad enum, an unknown field', async () => {
      const dir = manifestCopy((m) => {
        m.description.short = 'x'.repeat(81);
        m.bots[0].scopes = ['personal', 'meeting'];
        m.colour = '#0F6CBD';
      });
      const problems = await problemsOf({ ...GOOD_ENV }, dir);
      expect(problems).to.include('schema v1.30: /description/short: must NOT have more than 80 characters');
      expect(problems.find((p) => p.includes('/bots/0/scopes/1:'))).to.match(/must be equal to one of the allowed values \(allowed: .*"groupChat"/);
      expect(problems).to.include('schema v1.30: /: must NOT have additional properties (unexpected property "colour")');
    });

    it('fails on a manifestVersion with no shipped schema', async () => {
      const dir = manifestCopy((m) => {
        m.manifestVersion = '1.18';
      });
      const problems = await problemsOf({ ...GOOD_ENV }, dir);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^\/manifestVersion "1\.18": @microsoft\/app-manifest ships no schema/);
    });

    it('requires BOT_DOMAIN in validDomains, and finds placeholders left unfilled or unknown', async () => {
      const noDomain = manifestCopy((m) => {
        m.validDomains = ['other.example.com'];
      });
      expect(await problemsOf({ ...GOOD_ENV }, noDomain)).to.deep.equal(['/validDomains: must include BOT_DOMAIN "csp-assistant.example.com"']);

      const malformed = manifestCopy((m) => {
        m.name.full = 'CSP Partner Assistant ${{ broken';
      });
      expect(await problemsOf({ ...GOOD_ENV }, malformed)).to.deep.equal([
        '/name/full: "CSP Partner Assistant ${{ broken" still contains "${{" after filling the placeholders',
      ]);

      const extra = manifestCopy((m) => {
        m.name.full = 'CSP Partner Assistant for ${{PARTNER_NAME}}';
      });
      expect(await problemsOf({ ...GOOD_ENV }, extra)).to.deep.equal(['PARTNER_NAME is not set: expected a value']);
      const result = await packageTeamsApp({
        env: { ...GOOD_ENV, PARTNER_NAME: 'Contoso' },
        manifestDir: extra,
        outFile: join(tmp, 'extra.zip'),
      });
      expect((result.manifest.name as { full: string }).full).to.equal('CSP Partner Assistant for Contoso');
    });

    it('checks the icons: PNG, 192x192 and 32x32, outline white on transparent, files present', async () => {
      const dir = manifestCopy();
      writeFileSync(
        join(dir, 'color.png'),
        pngBytes(96, () => [15, 108, 189, 255]),
      );
      writeFileSync(
        join(dir, 'outline.png'),
        pngBytes(32, (x) => (x < 4 ? [255, 255, 255, 255] : x < 8 ? [0, 0, 0, 255] : [9, 9, 9, 0])),
      );
      const problems = await problemsOf({ ...GOOD_ENV }, dir);
      expect(problems).to.deep.equal([
        '/icons/color (color.png): is 96x96, expected 192x192',
        '/icons/outline (outline.png): must be white on a transparent background, but 128 pixel(s) are neither fully transparent nor white (first at x=4, y=0)',
      ]);

      writeFileSync(join(dir, 'color.png'), 'GIF89a not a png');
      rmSync(join(dir, 'outline.png'));
      const more = await problemsOf({ ...GOOD_ENV }, dir);
      expect(more).to.have.length(2);
      expect(more[0]).to.equal('/icons/color (color.png): not a PNG file');
      expect(more[1]).to.match(/^\/icons\/outline: .*outline\.png does not exist$/);
    });

    it('reads dotenv files and command-line arguments', () => {
      const file = join(tmp, 'vars.env');
      writeFileSync(file, '# Teams\nTEAMS_APP_ID=6f1c2b7e-3a4d-4e5f-9a8b-1c2d3e4f5a6b\nDEVELOPER_NAME="Contoso CSP Tools"\n');
      expect(readEnvFile(file)).to.deep.equal({ TEAMS_APP_ID: GOOD_ENV.TEAMS_APP_ID, DEVELOPER_NAME: 'Contoso CSP Tools' });
      expect(() => readEnvFile(join(tmp, 'missing.env'))).to.throw(TeamsPackageError, /--env-file .*missing\.env: no such file/);
      expect(parseArgs(['--env-file', 'a.env', '--out=b.zip'])).to.deep.equal({ envFile: 'a.env', out: 'b.zip' });
      expect(parseArgs(['--out'])).to.equal('--out needs a path');
      expect(parseArgs(['--bogus'])).to.equal('unknown argument --bogus');
    });
  });

  describe('the CLI (npx tsx scripts/package-teams.ts)', () => {
    const run = promisify(execFile);
    /** The test process's environment without any of the package variables. */
    const baseEnv = (): NodeJS.ProcessEnv => {
      const env = { ...process.env };
      for (const name of VARIABLES) delete env[name];
      return env;
    };
    const cli = (args: string[], env: NodeJS.ProcessEnv) =>
      run('npx', ['tsx', 'scripts/package-teams.ts', ...args], { cwd: ROOT, env }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code?: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );

    it('exits 1 naming every missing or bad variable, and 0 with a good env file, writing the zip', async () => {
      const out = join(tmp, 'cli', 'app.zip');
      const envFile = join(tmp, 'cli.env');
      writeFileSync(
        envFile,
        Object.entries(GOOD_ENV)
          .map(([k, v]) => `${k}='${v}'`)
          .join('\n'),
      );
      const [bad, good] = await Promise.all([
        cli(['--out', join(tmp, 'cli', 'bad.zip')], { ...baseEnv(), BOT_ID: 'nope', PRIVACY_URL: 'http://example.com' }),
        // the environment wins over the file: DEVELOPER_NAME comes from the environment
        cli(['--env-file', envFile, '--out', out], { ...baseEnv(), DEVELOPER_NAME: 'From The Environment' }),
      ]);

      expect(bad.code, bad.stderr).to.equal(1);
      for (const name of VARIABLES) expect(bad.stderr).to.include(`  - ${name} `);
      expect(bad.stderr).to.include('BOT_ID "nope" is not a GUID');
      expect(bad.stderr).to.include('PRIVACY_URL "http://example.com" uses http, not https');
      expect(existsSync(join(tmp, 'cli', 'bad.zip'))).to.equal(false);

      expect(good.code, good.stderr).to.equal(0);
      expect(good.stdout).to.include(`Teams app package: ${out}`);
      expect(good.stdout).to.match(new RegExp(`Size: ${statSync(out).size} bytes`));
      expect(good.stdout).to.include(`App id: ${GOOD_ENV.TEAMS_APP_ID}`);
      const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(out))['manifest.json']!)) as ManifestJson;
      expect(manifest.developer.name).to.equal('From The Environment');
      expect(manifest.bots[0].botId).to.equal(GOOD_ENV.BOT_ID);
    });
  });
});
