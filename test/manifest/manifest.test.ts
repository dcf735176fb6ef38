import { expect } from 'chai';
import { newestManifestVersion, schemaPath, schemaUrl, validateManifestSchema } from '../../scripts/package-teams.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateSync } from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { offline } from '../support/offline.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MANIFEST_DIR = join(ROOT, 'manifest');
const MANIFEST_PATH = join(MANIFEST_DIR, 'manifest.json');

/** The manifest schema version the manifest targets: the newest one @microsoft/app-manifest ships. */
const MANIFEST_VERSION = '1.30';

const EXPECTED_PLACEHOLDERS = ['BOT_DOMAIN', 'BOT_ID', 'DEVELOPER_NAME', 'DEVELOPER_WEBSITE_URL', 'PRIVACY_URL', 'TEAMS_APP_ID', 'TERMS_URL'];

const SAMPLE_VALUES: Record<string, string> = {
  TEAMS_APP_ID: '6f1c2b7e-3a4d-4e5f-9a8b-1c2d3e4f5a6b',
  BOT_ID: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  BOT_DOMAIN: 'csp-assistant.example.com',
  DEVELOPER_NAME: 'Contoso CSP Tools',
  DEVELOPER_WEBSITE_URL: 'https://www.example.com',
  PRIVACY_URL: 'https://www.example.com/privacy',
  TERMS_URL: 'https://www.example.com/terms',
};

const EXPECTED_COMMANDS = ['menu', 'status', 'continue', 'providers', 'invitations', 'customers', 'reminders', 'help'];

interface Command {
  title: string;
  description: string;
}
interface CommandList {
  scopes: string[];
  commands: Command[];
}
interface Bot {
  botId: string;
  scopes: string[];
  supportsFiles?: boolean;
  isNotificationOnly?: boolean;
  commandLists?: CommandList[];
}
interface Manifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  name: { short: string; full: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  accentColor: string;
  bots: Bot[];
  permissions: string[];
  validDomains: string[];
}

type ManifestArg = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];

const rawManifest = (): string => readFileSync(MANIFEST_PATH, 'utf8');

function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{([A-Z][A-Z0-9_]*)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no sample value for ${whole}`);
    return value;
  });
}

const sampleManifest = (): Manifest => JSON.parse(substitute(rawManifest(), SAMPLE_VALUES)) as Manifest;

// ------------------------------------------------------------------------------------------------
// Minimal PNG reader: chunks, CRC, IHDR, and 8-bit non-interlaced RGB/RGBA pixels (filters 0-4).

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** Unfiltered samples, `channels` bytes per pixel, row after row. */
  pixels: Buffer;
  channels: number;
}

function readPng(path: string): Png {
  const buf = readFileSync(path);
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${path}: not a PNG`);
  let offset = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let sawEnd = false;
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    const crc = buf.readUInt32BE(offset + 8 + length);
    if (crc32(buf.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`${path}: bad CRC in ${type}`);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    offset += 12 + length;
  }
  if (!ihdr) throw new Error(`${path}: no IHDR`);
  if (!sawEnd) throw new Error(`${path}: no IEND`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8]!;
  const colorType = ihdr[9]!;
  const interlace = ihdr[12]!;
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (bitDepth !== 8 || channels === 0 || interlace !== 0) {
    throw new Error(`${path}: unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error(`${path}: image data has the wrong size`);
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`${path}: unknown filter type ${filter} on row ${y}`);
      }
      pixels[y * stride + i] = (line[i]! + predictor) & 0xff;
    }
  }
  return { width, height, bitDepth, colorType, interlace, pixels, channels };
}

// ------------------------------------------------------------------------------------------------

describe('Teams app manifest (manifest/)', () => {
  describe('manifest.json', () => {
    it('parses as JSON and targets manifest schema 1.30, the newest that @microsoft/app-manifest ships', () => {
      const manifest = JSON.parse(rawManifest()) as Manifest;
      expect(manifest.$schema).to.equal('https://developer.microsoft.com/en-us/json-schemas/teams/v1.30/MicrosoftTeams.schema.json');
      expect(manifest.$schema).to.equal(schemaUrl(MANIFEST_VERSION));
      expect(manifest.manifestVersion).to.equal(MANIFEST_VERSION);
      expect(newestManifestVersion(), 'a newer schema ships with the installed package: move the manifest to it').to.equal(MANIFEST_VERSION);
      expect(manifest.version).to.equal('1.0.0');
    });

    it('uses only ${{NAME}} placeholders, exactly the expected set', () => {
      const text = rawManifest();
      const wellFormed = [...text.matchAll(/\$\{\{([A-Z][A-Z0-9_]*)\}\}/g)];
      // Every "${" and every "{{" / "}}" in the file belongs to a well-formed placeholder.
      expect(text.split('${').length - 1, 'occurrences of "${"').to.equal(wellFormed.length);
      expect(text.split('{{').length - 1, 'occurrences of "{{"').to.equal(wellFormed.length);
      expect(text.split('}}').length - 1, 'occurrences of "}}"').to.equal(wellFormed.length);
      expect([...new Set(wellFormed.map((m) => m[1]))].sort()).to.deep.equal(EXPECTED_PLACEHOLDERS);
    });

    it('puts each placeholder where it belongs', () => {
      const manifest = JSON.parse(rawManifest()) as Manifest & {
        developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
      };
      expect(manifest.id).to.equal('${{TEAMS_APP_ID}}');
      expect(manifest.bots.map((b) => b.botId)).to.deep.equal(['${{BOT_ID}}']);
      expect(manifest.validDomains).to.include('${{BOT_DOMAIN}}');
      // Teams SSO for a bot: the bot's own app registration, app ID URI api://botid-<bot id>; the
      // OAuth card's sign-in page is served from token.botframework.com
      expect((manifest as unknown as { webApplicationInfo: unknown }).webApplicationInfo).to.deep.equal({
        id: '${{BOT_ID}}',
        resource: 'api://botid-${{BOT_ID}}',
      });
      expect(manifest.validDomains).to.include('token.botframework.com');
      expect(manifest.developer).to.deep.equal({
        name: '${{DEVELOPER_NAME}}',
        websiteUrl: '${{DEVELOPER_WEBSITE_URL}}',
        privacyUrl: '${{PRIVACY_URL}}',
        termsOfUseUrl: '${{TERMS_URL}}',
      });
    });

    it("names a schema @microsoft/app-manifest ships: the package's own loader reads it from disk, offline", async () => {
      const manifest = JSON.parse(rawManifest()) as Manifest;
      const schema = (await offline(() => AppManifestUtils.fetchSchema(manifest.$schema))) as unknown as { properties: { manifestVersion: { const: string } } };
      expect(schema.properties.manifestVersion.const).to.equal(MANIFEST_VERSION);
      const file = JSON.parse(readFileSync(schemaPath(MANIFEST_VERSION), 'utf8')) as { properties: object };
      expect(Object.keys(schema.properties), 'the same schema as the bundled file').to.deep.equal(Object.keys(file.properties));
    });

    it("passes @microsoft/app-manifest's validator once sample values are substituted (the package's check, and the packaging script's)", async () => {
      const errors = await offline(() => AppManifestUtils.validateAgainstSchema(sampleManifest() as unknown as ManifestArg));
      expect(errors, errors.join('\n')).to.deep.equal([]);
      const problems = await offline(() => validateManifestSchema(sampleManifest()));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('the schema check is not vacuous: a bad app id, an over-long short name and a missing required field are rejected, each naming the field', async () => {
      const manifest = sampleManifest() as Manifest & { developer?: unknown };
      manifest.id = 'not-a-guid';
      manifest.name.short = 'x'.repeat(31);
      delete manifest.developer;
      const problems = await offline(() => validateManifestSchema(manifest));
      expect(problems).to.include('schema v1.30: /id: must match pattern "^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"');
      expect(problems).to.include('schema v1.30: /name/short: must NOT have more than 30 characters');
      expect(problems).to.include("schema v1.30: /: must have required property 'developer'");
      expect(problems).to.have.length(3);
    });

    it('refuses a $schema that does not match manifestVersion', async () => {
      const manifest = sampleManifest();
      manifest.$schema = schemaUrl('1.19');
      expect(await offline(() => validateManifestSchema(manifest))).to.deep.equal([
        `/$schema: "${schemaUrl('1.19')}" must be ${schemaUrl(MANIFEST_VERSION)} (manifestVersion ${MANIFEST_VERSION})`,
      ]);
    });

    it('describes the app within the Teams length limits', () => {
      const manifest = JSON.parse(rawManifest()) as Manifest;
      expect(manifest.name.short).to.equal('CSP Partner Assistant');
      expect(manifest.name.short.length).to.be.at.most(30);
      expect(manifest.name.full.length).to.be.within(1, 100);
      expect(manifest.description.short.length).to.be.within(1, 80);
      expect(manifest.description.full.length).to.be.within(1, 4000);
      expect(manifest.description.full)
        .to.match(/direct bill/i)
        .and.to.match(/indirect reseller/i)
        .and.to.match(/tenant/i);
      expect(manifest.accentColor).to.equal('#0F6CBD');
      expect(manifest.icons).to.deep.equal({ color: 'color.png', outline: 'outline.png' });
    });

    it('declares one conversational bot in personal, team and group chat', () => {
      const manifest = JSON.parse(rawManifest()) as Manifest;
      expect(manifest.bots).to.have.length(1);
      const bot = manifest.bots[0]!;
      expect(bot.scopes).to.have.members(['personal', 'team', 'groupChat']);
      expect(bot.supportsFiles, 'CSV files attached in a personal chat reach the bot').to.equal(true);
      expect(bot.isNotificationOnly).to.equal(false);
      expect(manifest.permissions).to.have.members(['identity', 'messageTeamMembers']);
    });

    it('lists menu, status, reminders, help and a command per journey (continue, providers, invitations, customers) for the personal and team scopes, within length limits', () => {
      const bot = (JSON.parse(rawManifest()) as Manifest).bots[0]!;
      const lists = bot.commandLists ?? [];
      for (const scope of ['personal', 'team']) {
        const list = lists.find((l) => l.scopes.includes(scope));
        expect(list, `command list for ${scope}`).to.not.equal(undefined);
        expect(list!.commands.map((c) => c.title)).to.deep.equal(EXPECTED_COMMANDS);
      }
      for (const list of lists) {
        for (const command of list.commands) {
          expect(command.title.length, command.title).to.be.within(1, 32);
          expect(command.description.length, command.description).to.be.within(1, 128);
        }
      }
    });
  });

  describe('icons', () => {
    it('color.png is a 192x192 PNG with the brand colour in the corner', () => {
      const png = readPng(join(MANIFEST_DIR, 'color.png'));
      expect([png.width, png.height]).to.deep.equal([192, 192]);
      const corner = [...png.pixels.subarray(0, 3)];
      expect(corner).to.deep.equal([0x0f, 0x6c, 0xbd]);
      if (png.channels === 4) expect(png.pixels[3]).to.equal(255);
    });

    it('outline.png is a 32x32 RGBA PNG with only white or fully transparent pixels', () => {
      const png = readPng(join(MANIFEST_DIR, 'outline.png'));
      expect([png.width, png.height]).to.deep.equal([32, 32]);
      expect(png.colorType, 'colour type 6 (RGBA)').to.equal(6);
      let visible = 0;
      let transparent = 0;
      for (let i = 0; i < png.pixels.length; i += 4) {
        const [r, g, b, a] = png.pixels.subarray(i, i + 4);
        if (a === 0) {
          transparent++;
          continue;
        }
        visible++;
        expect([r, g, b], `pixel ${i / 4} (alpha ${a})`).to.deep.equal([255, 255, 255]);
      }
      expect(visible, 'pixels drawn').to.be.greaterThan(0);
      expect(transparent, 'transparent background pixels').to.be.greaterThan(0);
    });
  });
});
