import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startApp, type RunningApp } from '../../src/index.js';
import { loadConfig } from '../../src/config.js';
import { actionsOf, describe as describeActivity } from '../support/chat.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';

const TENANT = '11111111-2222-3333-4444-555555555555';

/** A Teams-shaped user talking to the real HTTP endpoint, clicking buttons by title. */
class ChannelUser {
  last: Partial<Activity>[] = [];
  constructor(
    private readonly channel: LoopbackChannel,
    private readonly botUrl: string,
    private readonly conversationId: string,
  ) {}

  async send(extra: Partial<Activity>): Promise<Partial<Activity>[]> {
    const { status, replies } = await this.channel.post(this.botUrl, {
      type: 'message',
      channelId: 'msteams',
      from: { id: '29:ada', name: 'Ada Admin', aadObjectId: 'aad-ada' },
      conversation: { id: this.conversationId, conversationType: 'personal', isGroup: false, name: '' },
      channelData: { tenant: { id: TENANT } },
      locale: 'en-US',
      ...extra,
    });
    expect(status, 'HTTP status of /api/messages').to.be.oneOf([200, 201, 202]);
    if (replies.length > 0) this.last = replies;
    return replies;
  }

  say(text: string) {
    return this.send({ text });
  }

  async click(title: string, inputs: Record<string, unknown> = {}) {
    const action = actionsOf(this.last).find((a) => a.title === title);
    if (!action)
      throw new Error(
        `no button "${title}" in: ${actionsOf(this.last)
          .map((a) => a.title)
          .join(' | ')}`,
      );
    return this.send({ value: { ...action.data, ...inputs } });
  }

  text(): string {
    return this.last.map(describeActivity).join('\n');
  }
}

describe('the whole checklist through the real HTTP server (loopback channel)', () => {
  let app: RunningApp;
  let channel: LoopbackChannel;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'csp-http-'));
    channel = new LoopbackChannel();
    await channel.start();
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  });

  after(async () => {
    await app.close();
    await channel.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok' });
  });

  it('walks all eight steps, posting every reply to the channel', async () => {
    const user = new ChannelUser(channel, `${app.url}/api/messages`, 'a:conv-http');
    await user.say('hi');
    expect(user.text()).to.match(/CSP partner assistant/);
    await user.click('Start the checklist');
    expect(user.text()).to.match(/Step 1 of 8: Before you start/);
    await user.click('Both are current');
    await user.click('Global admin');
    await user.click("Yes, it's Restricted");
    await user.click('Check my details', { legalName: 'Contoso Ltd.', partnerId: '7654321', country: 'NL', primaryContactEmail: 'partners@contoso.nl' });
    expect(user.text()).to.match(/There is no rollback/);
    await user.click("I've selected Enroll now", { understood: 'true' });
    expect(user.text()).to.match(/Step 6 of 8: Wait for approval/);
    await user.click("It's approved");
    await user.click("I've accepted the agreement");
    expect(user.text()).to.match(/Step 8 of 8: What's next/);
    for (let i = 0; i < 7; i++) await user.click('Mark done');
    expect(user.text()).to.match(/complete/);
    // every reply was addressed back to the conversation it came from
    expect(user.last.every((a) => a.conversation?.id === 'a:conv-http')).to.equal(true);
  });

  it('stores one file per key under DATA_DIR/store', async () => {
    const files = await readdir(path.join(dataDir, 'store'));
    expect(files.some((f) => f.startsWith('tenants_11111111'))).to.equal(true);
    expect(files.filter((f) => f.endsWith('.json')).length).to.be.at.least(3); // tenant record, conversation, user
  });

  it('refuses a malformed request body with 400 and runs no turn', async () => {
    const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(res.status).to.be.within(400, 499);
  });
});
