/**
 * Scale-out: two app instances (each its own HTTP server, adapter and scheduler) on one Azure Blob
 * container served by Azurite on 127.0.0.1. A journey started on one continues on the other;
 * concurrent writes to one tenant from both lose nothing; each due reminder is sent exactly once
 * when both instances check at the same moment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { GOOD_DETAILS } from '../support/chat.js';
import { clickValue, postTurn, TO_ENROLLMENT } from '../support/liveTurns.js';
import { startAzurite, uniqueContainer } from '../support/azurite.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';

const SECRET = 'multi-instance-test-secret-0123456789abcdef';
const START = new Date('2026-11-20T10:00:00Z');

function activity(user: string, tenant: string, extra: Partial<Activity>): Partial<Activity> {
  return {
    type: 'message',
    channelId: 'msteams',
    from: { id: `29:${user}`, name: `User ${user}`, aadObjectId: `aad-${user}` },
    conversation: { id: `a:conv-${user}`, conversationType: 'personal', isGroup: false, name: '' },
    channelData: { tenant: { id: tenant } },
    locale: 'en-US',
    ...extra,
  };
}

describe('several instances on one Azure Blob container (Azurite)', function () {
  this.timeout(60_000);
  let azurite: Awaited<ReturnType<typeof startAzurite>>;
  let channel: LoopbackChannel;
  let a: RunningApp;
  let b: RunningApp;
  const dirs: string[] = [];
  const clock = { now: START };

  const start = async (container: string, instanceId: string) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), `csp-multi-${instanceId}-`));
    dirs.push(dir);
    const env = {
      PORT: '0',
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      STORAGE: 'blob',
      BLOB_CONNECTION_STRING: azurite.connectionString,
      BLOB_CONTAINER: container,
      INVITATION_SECRET: SECRET,
      REMINDER_CHECK_SECONDS: '0',
      RATE_LIMIT_TURNS: '100000',
    };
    return startApp(loadConfig(env), { clock: () => clock.now, instanceId });
  };
  const post = (app: RunningApp, act: Partial<Activity>) => postTurn(channel, `${app.url}/api/messages`, act);
  const click = (app: RunningApp, user: string, tenant: string, replies: Partial<Activity>[], title: string, inputs: Record<string, unknown> = {}) =>
    post(app, activity(user, tenant, { value: clickValue(replies, title, inputs) }));

  before(async () => {
    azurite = await startAzurite();
    channel = new LoopbackChannel();
    await channel.start();
    const container = uniqueContainer('multi');
    a = await start(container, 'instance-a');
    b = await start(container, 'instance-b');
  });
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await channel?.stop();
    await azurite?.stop();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('continues on instance B a journey started on instance A (conversation state and tenant record are shared)', async () => {
    const [user, tenant] = ['walker', 'tenant-walk'];
    let replies = await post(a, activity(user, tenant, { text: 'continue' }));
    replies = await click(a, user, tenant, replies, 'Both are current');
    replies = await click(a, user, tenant, replies, 'Global admin');
    // the load balancer sends the next turns to B: it knows the dialog stack and the tenant's progress
    replies = await click(b, user, tenant, replies, "Yes, it's Restricted");
    replies = await click(b, user, tenant, replies, 'Check my details', GOOD_DETAILS);
    const typed = await post(b, activity(user, tenant, { text: 'status' }));
    expect(JSON.stringify(typed)).to.match(/Enroll/);
    const record = await a.transitions.get(tenant);
    expect(Object.keys(record.done).sort()).to.deep.equal(['details', 'eligibility', 'prepare', 'role']);
    expect(record.people[`aad-${user}`]?.role).to.equal('globalAdmin');
    // and a stale card (answered on A) is refused on B
    const before = record.revision;
    await click(b, user, tenant, replies, "I've selected Enroll now", { understood: 'true' });
    const stale = await click(a, user, tenant, replies, "I've selected Enroll now", { understood: 'true' });
    expect(JSON.stringify(stale)).to.match(/out of date|already/i);
    expect((await b.transitions.get(tenant)).revision).to.equal(before + 1);
  });

  it('loses nothing when both instances write one tenant at once (eTag conflicts retried)', async () => {
    const tenant = 'tenant-busy';
    const n = 24;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        post(
          i % 2 === 0 ? a : b,
          activity(`busy-${i}`, tenant, { value: { verb: 'customers.add', name: `Customer ${i}`, domain: `customer${i}.example.com` } }),
        ),
      ),
    );
    const customers = (await b.customers.synced(tenant)).customers.map((c) => c.domain).sort();
    expect(customers).to.deep.equal(Array.from({ length: n }, (_, i) => `customer${i}.example.com`).sort());
  });

  it('sends each due reminder exactly once when both instances check at the same moment', async () => {
    clock.now = START;
    const tenants = Array.from({ length: 8 }, (_, i) => ({ user: `rem-${i}`, tenant: `tenant-rem-${i}` }));
    await Promise.all(
      tenants.map(async ({ user, tenant }, i) => {
        const app = i % 2 === 0 ? a : b;
        let replies = await post(app, activity(user, tenant, { text: 'continue' }));
        for (const [title, inputs] of TO_ENROLLMENT) replies = await click(app, user, tenant, replies, title, inputs);
      }),
    );
    for (const { tenant } of tenants) expect(Object.keys((await a.reminders.list(tenant)).reminders)).to.have.length(2);

    clock.now = new Date('2026-11-28T09:05:00Z'); // the approval reminders are due, not the incentives ones
    const [ra, rb] = await Promise.all([a.reminders.tick(), b.reminders.tick()]);
    // these tenants, plus the first test's tenant, which enrolled on the same day
    expect(ra.sent + rb.sent).to.equal(tenants.length + 1);
    // both instances really competed for the same due tenants (each saw them all in the schedule)
    expect(ra.tenants).to.equal(tenants.length + 1);
    expect(rb.tenants).to.equal(tenants.length + 1);
    expect(channel.take('a:conv-walker')).to.have.length(1);
    for (const { user } of tenants) {
      const got = channel.take(`a:conv-${user}`);
      expect(got, user).to.have.length(1);
      expect(JSON.stringify(got)).to.contain('Is your indirect reseller enrollment approved yet?');
    }
    // a second round at once: nothing more
    const again = await Promise.all([a.reminders.tick(), b.reminders.tick()]);
    expect(again[0].sent + again[1].sent).to.equal(0);
    for (const { user } of tenants) expect(channel.take(`a:conv-${user}`)).to.have.length(0);
    for (const { tenant } of tenants) {
      const statuses = Object.values((await b.reminders.list(tenant)).reminders)
        .map((r) => `${r.kind}:${r.status}`)
        .sort();
      expect(statuses).to.deep.equal(['approvalOverdue:sent', 'incentivesInvitation:scheduled']);
    }
  });
});
