/**
 * Fuzz: thousands of random and malformed activities and card submits through the real HTTP
 * endpoint (seeded, so a failure is repeatable: FUZZ_SEED, FUZZ_COUNT). Wrong types, huge strings,
 * unknown verbs, missing fields, odd locales, stray attachments, other activity types, and Teams
 * `adaptiveCard/action` invokes (Universal Actions) with unknown verbs, malformed `action` objects,
 * random data and refreshes of unknown views.
 * Properties: the server never crashes and stays healthy; well-formed protocol requests never get a
 * 5xx and never hit the "something went wrong" path (no exception in any dialog); every card action
 * invoke is answered HTTP 200 with a body: 400 `application/vnd.microsoft.error` for a malformed
 * action or an unknown verb, 200 otherwise; tenants that only ever sent rejected input have nothing stored.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { prng } from '../../bench/stats.js';
import { parseSubmit, submitSchema } from '../../dialogs/submits.js';
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
const VIEWS = ['checklist.current', 'checklist.next', 'checklist.secrets', '', 'CHECKLIST.CURRENT', 'x'.repeat(300)];

/** True when `value` is an `adaptiveCard/action` value the bot runs: Action.Execute, a verb its cards send with data it accepts, or a refresh of a known view. */
function wellFormedCardAction(value: unknown): boolean {
  const plain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!plain(value) || !plain(value.action) || !['manual', 'automatic', undefined].includes(value.trigger as string)) return false;
  const { type, verb, data = {} } = value.action;
  if (type !== 'Action.Execute' || typeof verb !== 'string' || verb.length === 0 || verb.length > 200 || !plain(data)) return false;
  if (verb === 'refresh') return data.view === 'checklist.current' || data.view === 'checklist.next';
  return parseSubmit({ ...data, verb })?.ok === true;
}

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
    /** An `adaptiveCard/action` value: malformed, an unknown verb, a known verb with random data, or a refresh. */
    const cardAction = (): unknown => {
      switch (int(6)) {
        case 0:
          return junk();
        case 1:
          return { action: junk(), ...(chance(0.5) ? { trigger: chance(0.5) ? pick(['manual', 'automatic']) : junk() } : {}) };
        case 2:
          return {
            action: {
              type: pick(['Action.Execute', 'Action.Submit', 'Action.OpenUrl', '', 7, null]),
              verb: chance(0.5) ? pick(VERBS) : junk(),
              data: chance(0.5) ? submit() : junk(),
            },
          };
        case 3:
          return { action: { type: 'Action.Execute', verb: chance(0.5) ? `${pick(VERBS)}.${int(99)}` : String(junk()), data: submit() }, trigger: 'manual' };
        case 4:
          return { action: { type: 'Action.Execute', verb: 'refresh', data: chance(0.8) ? { view: pick(VIEWS) } : junk() }, trigger: 'automatic' };
        default: {
          const { verb, ...data } = submit();
          return { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' };
        }
      }
    };
    /** Posts an invoke as the channel does; returns the HTTP status, the invoke response body and the turn's replies. */
    const postInvoke = async (botUrl: string, activity: Partial<Activity>) => {
      const body = {
        id: `in-invoke-${invokes.sent}`,
        timestamp: new Date(),
        serviceUrl: channel.serviceUrl,
        recipient: { id: 'bot', name: 'assistant' },
        ...activity,
      };
      const res = await fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed, replies: channel.take(activity.conversation?.id ?? 'conv') };
    };
    const invokes = { sent: 0, refused: 0 };
    const rejectedOnly = new Set<string>();
    const touched = new Set<string>();
    const url = `${app.url}/api/messages`;
    const failures: string[] = [];
    let serverErrors = 0;

    for (let n = 0; n < COUNT; n++) {
      const tenantNo = int(40);
      const tenant = `fuzz-${tenantNo}`;
      const kind = int(12);
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
      } else if (kind >= 10) {
        const value = cardAction();
        rejected = !wellFormedCardAction(value) || (value as { action: { verb: string } }).action.verb === 'refresh';
        extra = { type: 'invoke', name: 'adaptiveCard/action', value, ...(chance(0.5) ? { replyToId: `reply-${int(50)}` } : {}) };
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
      if (tenantIsValid && (activity.type === 'message' || activity.type === 'invoke')) {
        if (rejected && !touched.has(tenant)) rejectedOnly.add(tenant);
        if (!rejected) {
          touched.add(tenant);
          rejectedOnly.delete(tenant);
        }
      }
      let result;
      try {
        result = activity.type === 'invoke' ? await postInvoke(url, activity) : await channel.post(url, activity);
      } catch (err) {
        failures.push(`#${n} request failed: ${(err as Error).message}`);
        break;
      }
      if (activity.type === 'invoke') {
        invokes.sent++;
        const body = (result as { body?: { statusCode?: unknown; type?: unknown } }).body;
        const expected = wellFormedCardAction(activity.value) ? 200 : 400;
        if (expected === 400) invokes.refused++;
        const type = expected === 400 ? 'application/vnd.microsoft.error' : undefined;
        if (result.status !== 200 || body?.statusCode !== expected || (type && body.type !== type))
          failures.push(
            `#${n} invoke answered HTTP ${result.status} ${JSON.stringify(body).slice(0, 200)} for ${JSON.stringify(activity.value).slice(0, 200)}`,
          );
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
    expect(invokes.sent, 'card action invokes sent').to.be.greaterThan(COUNT / 10);
    expect(invokes.refused, 'malformed actions and unknown verbs among them').to.be.greaterThan(invokes.sent / 4);

    // tenants that only ever sent rejected card submits have nothing stored
    for (const tenant of rejectedOnly) {
      const keys = ['transition', 'invitations', 'relationships', 'customers', 'providers'].map((k) => `tenants/${tenant}/${k}`);
      const items = await app.storage.read(keys);
      expect(Object.keys(items), tenant).to.deep.equal([]);
    }
  });
});
