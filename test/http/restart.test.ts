import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { describe as describeActivity } from '../support/chat.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';
import { startProcess, stopProcess } from '../support/process.js';

describe('restart: a new process over the same DATA_DIR resumes the tenant journey', () => {
  let channel: LoopbackChannel;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'csp-restart-'));
    channel = new LoopbackChannel();
    await channel.start();
  });
  after(async () => {
    await channel.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const base = (conversationId: string, extra: Partial<Activity>): Partial<Activity> => ({
    type: 'message',
    channelId: 'msteams',
    from: { id: '29:grace', name: 'Grace Admin', aadObjectId: 'aad-grace' },
    conversation: { id: conversationId, conversationType: 'personal', isGroup: false, name: '' },
    channelData: { tenant: { id: 'tenant-restart' } },
    locale: 'en-US',
    ...extra,
  });

  it('keeps the journey across a SIGTERM and a fresh start, in a new conversation', async () => {
    const first = await startProcess(dataDir);
    const bot1 = `${first.url}/api/messages`;
    let r = await channel.post(bot1, base('a:before', { text: 'continue' }));
    const confirm = r.replies.flatMap((a) => a.attachments ?? []).length;
    expect(confirm).to.be.greaterThan(0);
    await channel.post(bot1, base('a:before', { value: { verb: 'transition.prepare.confirm', rev: 0 } }));
    r = await channel.post(bot1, base('a:before', { value: { verb: 'transition.role.set', rev: 1, role: 'globalAdmin' } }));
    expect(r.replies.map(describeActivity).join('\n')).to.match(/Step 3 of 8: Eligibility/);
    expect(await stopProcess(first.child)).to.equal(0);

    const second = await startProcess(dataDir);
    try {
      const bot2 = `${second.url}/api/messages`;
      r = await channel.post(bot2, base('a:after-restart', { text: 'status' }));
      const text = r.replies.map(describeActivity).join('\n');
      expect(text).to.match(/2 of 8 steps done/);
      expect(text).to.match(/Grace Admin/);
      expect(text).to.match(/Step 3 of 8: Eligibility/);
    } finally {
      await stopProcess(second.child);
    }
  });
});
