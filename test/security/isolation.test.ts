/**
 * Security properties through real surfaces:
 * - tenant isolation, with randomized cross-tenant attempts (seeded, repeatable): whatever a user of
 *   one tenant sends, with ids, tokens and domains taken from another tenant, the other tenant's
 *   records do not change and nothing of theirs is shown;
 * - roles (seed 003's table) enforced for every action that needs one, as a full matrix;
 * - no secrets, tokens or personal data in the logs of a full run over HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { findTokenInText } from '../../src/domain/invitationToken.js';
import { PARTNER_ROLES, ROLES_FOR_ACTION, type PartnerRole } from '../../src/domain/roles.js';
import { applyCommand } from '../../src/domain/transition.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { createLogger } from '../../src/logger.js';
import { TestChat, createBot, type BotUnderTest } from '../support/chat.js';
import { describe as describeActivity } from '../support/chat.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';
import { prng } from '../../bench/stats.js';

/** Everything stored for a tenant, as JSON (to compare before/after). */
async function snapshot(under: BotUnderTest, tenant: string): Promise<string> {
  return JSON.stringify([
    await under.transitions.get(tenant),
    await under.invitations.invitations.get(tenant),
    await under.invitations.relationships.get(tenant),
    await under.customers.customers.get(tenant),
    await under.providerChoices.get(tenant),
  ]);
}

describe('tenant isolation: randomized cross-tenant attempts', function () {
  this.timeout(60_000);

  it('a user of tenant X never changes or sees tenant Y, whatever ids, tokens and domains of Y they send', async () => {
    const under = createBot();
    // tenant Y: a provider with invitations, a partnership accepted by Z, customers
    const y = new TestChat(under, { userId: 'yara', userName: 'Yara Y', tenantId: 'tenant-y', conversationId: 'c-y' });
    await y.say('invitations');
    await y.click('Save', { side: 'provider', name: 'Ypsilon Distribution' });
    await y.click('Request a partnership');
    await y.click('Global admin');
    await y.click('Write the email', { email: 'zed@zeta.example', company: 'Zeta' });
    const yLink = /Personalized link:\*\* (\S+)/.exec(y.text())![1]!;
    await y.click('Invitations home');
    await y.click('Request a partnership');
    await y.click('Write the email', { email: 'other@omega.example' });
    await y.say('Name,Domain\nYcustomer,ycustomer.example\nSecret Corp,secret-corp.example');
    await y.say('export customers');
    const yExport = /(https:\/\/\S+\/exports\/customers\/\S+)/.exec(y.text())![1]!;
    const yRecord = await under.invitations.invitations.get('tenant-y');
    const yIds = yRecord.invitations.map((i) => i.id);
    const yToken = findTokenInText(yLink)!;
    const yDomains = ['ycustomer.example', 'secret-corp.example'];
    const before = await snapshot(under, 'tenant-y');

    const rnd = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const x = new TestChat(under, { userId: 'xavier', userName: 'Xavier X', tenantId: 'tenant-x', conversationId: 'c-x' });
    await x.say('invitations');
    await x.click('Save', { side: pick(['provider', 'reseller']), name: 'Xenon Ltd.' });
    await x.submit({ verb: 'invitations.role', role: 'globalAdmin' });
    const attempts: Array<() => Record<string, unknown>> = [
      () => ({ verb: 'invitations.resend', rev: Math.floor(rnd() * 5), invitationId: pick(yIds) }),
      () => ({ verb: 'invitations.revoke', rev: Math.floor(rnd() * 5), invitationId: pick(yIds), confirm: true }),
      () => ({ verb: 'invitations.draft.show', invitationId: pick(yIds) }),
      () => ({ verb: 'invitations.draft.save', invitationId: pick(yIds), body: `x ${yLink}` }),
      () => ({ verb: 'invitations.draft.done', invitationId: pick(yIds) }),
      () => ({
        verb: 'invitations.followUp.submit',
        rev: Math.floor(rnd() * 5),
        type: 'newCustomer',
        resellerTenantId: 'tenant-y',
        customer: 'Evil',
        domain: 'evil.example',
      }),
      () => ({
        verb: 'customers.answer',
        rev: Math.floor(rnd() * 5),
        domain: pick(yDomains),
        answer: pick(['canAddProducts', 'cannotAddProducts', 'notSure']),
      }),
      () => ({ verb: 'customers.classify', domain: pick(yDomains) }),
      () => ({ verb: 'customers.list', filter: 'all', page: 0 }),
      () => ({ verb: 'transition.prepare.confirm', rev: 0 }),
      () => ({ verb: 'providers.choose', rev: 0, providerId: 'alpha-distribution' }),
    ];
    const shown: string[] = [];
    for (let i = 0; i < 150; i++) {
      await x.submit(pick(attempts)());
      shown.push(x.text());
    }
    // typed attempts: Y's own invitation link (decline as X is the only thing it allows), and Y's export link
    await x.say(yLink.replace(yToken, yToken));
    shown.push(x.text());
    expect(await snapshot(under, 'tenant-y'), "tenant Y's records").to.equal(before);
    const all = shown.join('\n');
    for (const secret of ['secret-corp.example', 'Secret Corp', 'other@omega.example', yExport]) expect(all, secret).to.not.contain(secret);
  });
});

describe('roles: seed 003 table enforced for every action, as a matrix', function () {
  this.timeout(60_000);
  const actions = ['requestPartnership', 'inviteCustomer', 'acceptPartnership', 'providerFollowUp'] as const;
  for (const role of PARTNER_ROLES) {
    it(`${role}`, async () => {
      const under = createBot();
      const now = new Date('2026-11-20T09:00:00Z');
      const setRole = async (tenant: string, id: string, r: PartnerRole) => {
        await under.transitions.update(tenant, (rec) => applyCommand(rec, { type: 'setRole', role: r }, { id, name: id }, now));
      };
      const svc = under.invitations;
      const admin = { id: 'admin', name: 'Admin' };
      const actor = { id: `user-${role}`, name: role };
      // a provider P (admin is global admin) and a reseller R, partnered; the actor holds `role` in each
      await svc.setOrganization('P', admin, { name: 'P Distribution', side: 'provider' });
      await svc.setOrganization('R', admin, { name: 'R Reseller', side: 'reseller' });
      await setRole('P', 'admin', 'globalAdmin');
      await setRole('R', 'admin', 'globalAdmin');
      const seeded = await svc.create('P', admin, { kind: 'partnership', purpose: 'new', to: { email: 'r@r.example' } });
      if (!seeded.ok) throw new Error('seed');
      await svc.acceptPartnership(findTokenInText(seeded.link)!, { tenantId: 'R', actor: admin });
      const pending = await svc.create('P', admin, { kind: 'partnership', purpose: 'new', to: { email: 'q@q.example' } });
      if (!pending.ok) throw new Error('seed');
      await setRole('P', actor.id, role);
      await setRole('Q', actor.id, role);
      await svc.setOrganization('Q', admin, { name: 'Q Reseller', side: 'reseller' });
      await setRole('R', actor.id, role);

      const outcome = {
        requestPartnership: await svc.create('P', actor, { kind: 'partnership', purpose: 'new', to: { email: 'new@n.example' } }),
        inviteCustomer: await svc.create('R', actor, { kind: 'reseller', purpose: 'new', to: { email: 'c@c.example', company: 'C', domain: 'c.example' } }),
        acceptPartnership: await svc.acceptPartnership(findTokenInText(pending.link)!, { tenantId: 'Q', actor }),
        providerFollowUp: await svc.followUp('P', actor, { type: 'supportContact', resellerTenantId: 'R', fields: { customer: 'C', subscription: 'M365' } }),
      };
      for (const action of actions) {
        const allowed = ROLES_FOR_ACTION[action].includes(role);
        const result = outcome[action];
        const refusedForRole = !result.ok && result.error.code === 'roleRequired';
        expect(result.ok, `${role} ${action}: ${JSON.stringify(result.ok ? 'ok' : result.error)}`).to.equal(allowed);
        expect(refusedForRole, `${role} ${action} refused for its role`).to.equal(!allowed);
      }
    });
  }
});

describe('logs: no secrets, tokens or personal data', function () {
  this.timeout(60_000);
  let dir: string;
  let app: RunningApp;
  let channel: LoopbackChannel;
  const lines: string[] = [];
  const INVITATION_SECRET = 'invitation-secret-0123456789-abcdefghijklmnop';

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'csp-logs-'));
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, INVITATION_SECRET, LOG_LEVEL: 'trace' }), { logger: createLogger('trace', sink) });
    channel = new LoopbackChannel();
    await channel.start();
  });
  after(async () => {
    await app.close();
    await channel.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a run with invitations, customers, pages and a failing turn logs ids and outcomes only', async () => {
    const url = `${app.url}/api/messages`;
    const act = (text: string | undefined, value?: unknown) => ({
      type: 'message' as const,
      channelId: 'msteams',
      from: { id: '29:ada', name: 'Ada Lovelace', aadObjectId: 'aad-ada' },
      conversation: { id: 'a:logs', conversationType: 'personal', isGroup: false, name: '' },
      channelData: { tenant: { id: 'tenant-logs' } },
      locale: 'en-US',
      ...(text ? { text } : {}),
      ...(value ? { value } : {}),
    });
    await channel.post(url, act('my private note: the password is hunter2'));
    await channel.post(url, act(undefined, { verb: 'invitations.org', side: 'provider', name: 'Northwind' }));
    await channel.post(url, act(undefined, { verb: 'invitations.role', role: 'globalAdmin' }));
    const created = await channel.post(
      url,
      act(undefined, { verb: 'invitations.create', kind: 'partnership', purpose: 'new', email: 'grace.hopper@contoso.example', name: 'Grace' }),
    );
    const link = /Personalized link:\*\* (\S+)/.exec(created.replies.map(describeActivity).join('\n'))![1]!;
    await fetch(link);
    await fetch(link.replace(/.$/, 'A'));
    await channel.post(url, act('Name,Domain\nAlice Corp,alice-corp.example'));
    await channel.post(url, act(undefined, { verb: 'no.such.verb', secret: 'hunter2' }));
    await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    const log = lines.join('');
    expect(lines.length).to.be.greaterThan(3);
    for (const secret of ['hunter2', 'grace.hopper@contoso.example', 'Ada Lovelace', 'alice-corp.example', INVITATION_SECRET, findTokenInText(link)!]) {
      expect(log, secret).to.not.contain(secret);
    }
  });
});
