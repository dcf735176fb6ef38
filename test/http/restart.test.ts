import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { describe as describeActivity } from '../support/chat.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';

/** Starts `src/index.ts` in a new Node process over `dataDir`; resolves with its base URL. */
function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no start within 15 s: ${out}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /bot endpoint (http:\/\/127\.0\.0\.1:\d+)\/api\/messages/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

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
    r = await channel.post(bot1, base('a:before', { value: { verb: 'transition.prepare.confirm', rev: 0 } }));
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
