/**
 * Fuzz: thousands of random and malformed activities and card submits through the real HTTP
 * endpoint (seeded, so a failure is repeatable: FUZZ_SEED, FUZZ_COUNT). Wrong types, huge strings,
 * unknown verbs, missing fields, odd locales, stray attachments, other activity types.
 * Properties: the server never crashes and stays healthy; well-formed protocol requests never get a
 * 5xx and never hit the "something went wrong" path (no exception in any dialog); tenants that only
 * ever sent rejected input have nothing stored.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { prng } from '../../bench/stats.js';
import { submitSchema } from '../../dialogs/submits.js';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { describe as describeActivity } from '../support/chat.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2000);

const VERBS = submitSchema.options.map((o) => o.shape.verb.value as string);
const SAMPLE_TEXT = [
  'hi',
  'help',
  'status',
  'continue',
  'approved',
  'menu',
  'back',
  'cancel',
  'start over',
  'plan',
  'providers in Germany with financing',
  'I have an invitation',
  'invitations',
  'customers',
  'import customers',
  'export customers',
  'language',
  'Deutsch',
  '繁體中文',
  'русский',
  'English',
  'add a customer',
  'Name,Domain\nA,a.example\nB,not a domain',
];
const WEIRD = [
  '',
  ' ',
  '\u0000',
  '\u202e',
  '👩🏽‍💻',
  '<script>alert(1)</script>',
  '**bold**',
  '{{count}}',
  '${x}',
  '../../etc/passwd',
  'null',
  '[]',
  '{}',
  '\n\n\n',
  'a'.repeat(5000),
  'ü'.repeat(300),
];
const LOCALES = ['en-US', 'de-DE', 'ru-RU', 'zh-TW', 'zh-CN', 'fr-FR', 'xx', '', 'EN_us', '🦄', 'de'];

describe(`fuzz: ${COUNT} random activities through the real endpoint (seed ${SEED})`, function () {
  this.timeout(180_000);
  let dir: string;
  let app: RunningApp;
  let channel: LoopbackChannel;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'csp-fuzz-'));
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', RATE_LIMIT_TURNS: '100000' }));
    channel = new LoopbackChannel();
    await channel.start();
  });
  after(async () => {
    await app.close();
    await channel.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('never crashes, never answers a well-formed request with 5xx or an internal error, stores nothing for rejected input', async () => {
    const rnd = prng(SEED);
    const int = (n: number) => Math.floor(rnd() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const chance = (p: number) => rnd() < p;
    const junk = (depth = 0): unknown => {
      switch (int(depth > 2 ? 6 : 9)) {
        case 0:
          return pick(WEIRD);
        case 1:
          return int(2 ** 31) * (chance(0.5) ? -1 : 1);
        case 2:
          return chance(0.5);
        case 3:
          return null;
        case 4:
          return rnd();
        case 5:
          return pick(SAMPLE_TEXT);
        case 6:
          return Array.from({ length: int(4) }, () => junk(depth + 1));
        case 7:
          return Object.fromEntries(
            Array.from({ length: int(4) }, () => [pick(['verb', 'rev', 'token', 'kind', 'x', '__proto__', 'constructor']), junk(depth + 1)]),
          );
        default:
          return { verb: pick(VERBS), rev: junk(depth + 1) };
      }
    };
    /** A card submit: a known verb with random, partly wrong fields, or an unknown verb. */
    const submit = (): Record<string, unknown> => {
      const fields = [
        'rev',
        'role',
        'answer',
        'country',
        'priorities',
        'providerId',
        'add',
        'item',
        'done',
        'journey',
        'command',
        'kind',
        'purpose',
        'email',
        'name',
        'company',
        'domain',
        'invitationId',
        'token',
        'consent',
        'filter',
        'page',
        'csv',
        'type',
        'locale',
        'side',
        'partnerId',
        'body',
        'link',
        'selected',
        'understood',
        'customer',
        'subscription',
        'resellerTenantId',
        'provider',
        'tenantId',
        'confirm',
      ];
      const value: Record<string, unknown> = { verb: chance(0.9) ? pick(VERBS) : `${pick(VERBS)}.${int(99)}` };
      for (let i = int(6); i > 0; i--)
        value[pick(fields)] = chance(0.5)
          ? pick([0, 1, 2, 'true', 'false', true, 'globalAdmin', 'restricted', 'DE', 'partnership', 'all', 'customers', 'ok@example.com', 'example.com'])
          : junk();
      return value;
    };
    const rejectedOnly = new Set<string>();
    const touched = new Set<string>();
    const url = `${app.url}/api/messages`;
    const failures: string[] = [];
    let serverErrors = 0;

    for (let n = 0; n < COUNT; n++) {
      const tenantNo = int(40);
      const tenant = `fuzz-${tenantNo}`;
      const kind = int(10);
      const base: Partial<Activity> = {
        type: 'message',
        channelId: pick(['msteams', 'msteams', 'webchat', 'emulator', 'directline']),
        from: { id: `29:u${int(5)}`, name: chance(0.5) ? pick(WEIRD) : 'Fuzz User', ...(chance(0.7) ? { aadObjectId: `aad-${int(5)}` } : {}) },
        conversation: { id: `a:fuzz-${tenantNo}-${int(3)}`, conversationType: pick(['personal', 'channel', 'groupChat']), isGroup: chance(0.3), name: '' },
        channelData: chance(0.9) ? { tenant: { id: tenant } } : pick([{}, { tenant: {} }, { tenant: { id: 42 } }, null]),
        locale: pick(LOCALES),
      };
      let extra: Partial<Activity>;
      let rejected = false;
      if (kind < 4) extra = { text: chance(0.6) ? pick(SAMPLE_TEXT) : String(junk()) };
      else if (kind < 8) {
        const value = chance(0.85) ? submit() : junk();
        rejected = typeof value === 'object' && value !== null && !Array.isArray(value) && !submitSchema.safeParse(value).success;
        extra = { value, ...(chance(0.2) ? { text: pick(WEIRD) } : {}) };
      } else if (kind === 8) {
        extra = {
          attachments: [
            pick([
              {
                contentType: 'text/csv',
                name: 'x.csv',
                contentUrl: pick(['https://evil.example/x.csv', 'data:text/csv;base64,bm9wZQ==', 'file:///etc/passwd', 'not a url']),
              },
              { contentType: 'image/png', contentUrl: 'data:,' },
              {
                contentType: 'application/vnd.microsoft.teams.file.download.info',
                name: 'c.csv',
                content: { downloadUrl: 'http://169.254.169.254/', fileType: 'csv' },
              },
            ]),
          ],
        };
      } else {
        extra = pick<Partial<Activity>>([
          { type: 'conversationUpdate', membersAdded: [{ id: '29:u1', name: 'x' }], text: undefined },
          { type: 'event', name: pick(['webchat/join', 'nope', '']), value: junk() },
          { type: 'typing' },
          { type: 'messageReaction', reactionsAdded: [{ type: 'like' }] },
          { type: 'installationUpdate', action: 'add' },
        ]);
      }
      const activity = { ...base, ...extra } as Partial<Activity>;
      const tenantIsValid = typeof (activity.channelData as { tenant?: { id?: unknown } } | null)?.tenant?.id === 'string';
      if (tenantIsValid && activity.type === 'message') {
        if (rejected && !touched.has(tenant)) rejectedOnly.add(tenant);
        if (!rejected) {
          touched.add(tenant);
          rejectedOnly.delete(tenant);
        }
      }
      let result;
      try {
        result = await channel.post(url, activity);
      } catch (err) {
        failures.push(`#${n} request failed: ${(err as Error).message}`);
        break;
      }
      if (result.status >= 500) {
        serverErrors++;
        failures.push(`#${n} HTTP ${result.status}: ${JSON.stringify(activity).slice(0, 300)}`);
      }
      const text = result.replies.map(describeActivity).join('\n');
      if (/something went wrong/i.test(text)) failures.push(`#${n} internal error reply: ${JSON.stringify(activity).slice(0, 300)}`);
      if (failures.length > 5) break;
    }

    // malformed protocol requests: refused with a 4xx (or ignored), never fatal
    const statuses: Record<string, number> = {};
    for (const body of [
      '{',
      '[]',
      'null',
      '"x"',
      '{"type":"message"}',
      '{"type":"message","conversation":7}',
      JSON.stringify({ type: 'message', text: 'x'.repeat(300_000) }),
    ]) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      statuses[body.slice(0, 40)] = res.status;
    }
    expect(
      Object.values(statuses).every((s) => s < 500),
      JSON.stringify(statuses),
    ).to.equal(true);
    expect(statuses['{'], 'invalid JSON').to.equal(400);
    expect((await fetch(`${app.url}/healthz`)).status, 'still healthy').to.equal(200);
    expect(failures).to.deep.equal([]);
    expect(serverErrors).to.equal(0);

    // tenants that only ever sent rejected card submits have nothing stored
    for (const tenant of rejectedOnly) {
      const keys = ['transition', 'invitations', 'relationships', 'customers', 'providers'].map((k) => `tenants/${tenant}/${k}`);
      const items = await app.storage.read(keys);
      expect(Object.keys(items), tenant).to.deep.equal([]);
    }
  });
});
