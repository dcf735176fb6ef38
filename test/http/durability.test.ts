/**
 * Reliability through the real HTTP endpoint: concurrent turns of one conversation are
 * serialized, a conversation over its rate limit is told once, a SIGTERM lets in-flight turns
 * finish, and a kill -9 in the middle of many writes loses no acknowledged turn and leaves every
 * store file readable.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/index.js';
import { LowdbStorage } from '../../src/store/lowdbStorage.js';
import { TransitionRepository } from '../../src/store/transitionRepository.js';
import { describe as describeActivity } from '../support/chat.js';
import { LoopbackChannel } from '../support/loopbackChannel.js';
import { startProcess, stopProcess } from '../support/process.js';

const activity = (n: number | string, extra: Partial<Activity>): Partial<Activity> => ({
  type: 'message',
  channelId: 'msteams',
  from: { id: `29:user-${n}`, name: `User ${n}`, aadObjectId: `aad-${n}` },
  conversation: { id: `a:conv-${n}`, conversationType: 'personal', isGroup: false, name: '' },
  channelData: { tenant: { id: `tenant-${n}` } },
  locale: 'en-US',
  ...extra,
});
/** A turn that changes the tenant's record: step 1 of the checklist confirmed (revision 0 -> 1). */
const confirmPrepared = { value: { verb: 'transition.prepare.confirm', rev: 0 } };

/** Every store file under `dir` parses as JSON; returns how many there are. */
async function storeFilesParse(dir: string): Promise<number> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  for (const f of files) JSON.parse(await readFile(path.join(dir, f), 'utf8'));
  return files.length;
}

describe('reliability', function () {
  this.timeout(60_000);
  let channel: LoopbackChannel;
  const dirs: string[] = [];
  const tempDir = async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'csp-durability-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    channel = new LoopbackChannel();
    await channel.start();
  });
  after(async () => {
    await channel.stop();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  describe('in one process', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp(loadConfig({ PORT: '0', DATA_DIR: await tempDir(), LOG_LEVEL: 'silent', RATE_LIMIT_TURNS: '25' }));
    });
    after(() => app.close());

    it('answers 20 concurrent turns of one conversation, each changing its dialog stack, without an error', async () => {
      const url = `${app.url}/api/messages`;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => channel.post(url, activity('same', { text: i % 2 ? 'continue' : 'cancel' }))));
      expect(results.map((r) => r.status).every((s) => s >= 200 && s < 300)).to.equal(true);
      const text = results
        .flatMap((r) => r.replies)
        .map(describeActivity)
        .join('\n');
      expect(text).to.not.match(/something went wrong/i);
    });

    it('tells a conversation over its rate limit once, runs none of the extra turns, and leaves other conversations alone', async () => {
      const url = `${app.url}/api/messages`;
      const turns: string[] = [];
      for (let i = 0; i < 30; i++) turns.push((await channel.post(url, activity('chatty', { text: 'status' }))).replies.map(describeActivity).join('\n'));
      expect(
        turns.filter((t) => /faster than I can follow/.test(t)),
        'told once',
      ).to.have.length(1);
      expect(
        turns.filter((t) => /steps done/.test(t)),
        'turns that ran',
      ).to.have.length(25);
      expect(
        turns.slice(25).filter((t) => t !== '' && !/faster than I can follow/.test(t)),
        'refused turns do nothing',
      ).to.deep.equal([]);
      const other = await channel.post(url, activity('quiet', { text: 'status' }));
      expect(other.replies.map(describeActivity).join('\n')).to.not.match(/faster than I can follow/);
    });
  });

  it('SIGTERM: turns in flight finish and are saved, then the process exits 0', async () => {
    const dataDir = await tempDir();
    const proc = await startProcess(dataDir);
    const url = `${proc.url}/api/messages`;
    let sentAt = 0;
    const after: number[] = [];
    const posts = Array.from({ length: 40 }, (_, i) =>
      channel.post(url, activity(`term-${i}`, confirmPrepared)).then(
        (r) => {
          if (sentAt && Date.now() >= sentAt) after.push(i);
          return { i, status: r.status };
        },
        () => ({ i, status: 0 }),
      ),
    );
    // signal as soon as the first turn is acknowledged: the rest are still running
    await Promise.race(posts);
    sentAt = Date.now();
    const exit = stopProcess(proc.child, 'SIGTERM');
    const results = await Promise.all(posts);
    expect(await exit).to.equal(0);
    const acknowledged = results.filter((r) => r.status >= 200 && r.status < 300);
    expect(
      results.every((r) => r.status === 0 || (r.status >= 200 && r.status < 300)),
      'no 5xx',
    ).to.equal(true);
    expect(after.length, 'turns that finished after the signal').to.be.greaterThan(0);
    const repo = new TransitionRepository(new LowdbStorage({ dir: path.join(dataDir, 'store') }));
    for (const { i } of acknowledged) expect((await repo.get(`tenant-term-${i}`)).done.prepare, `tenant-term-${i}`).to.not.equal(undefined);
  });

  it('kill -9 while many conversations write: every acknowledged turn is there after a restart, every store file parses', async () => {
    const dataDir = await tempDir();
    const proc = await startProcess(dataDir);
    const url = `${proc.url}/api/messages`;
    let acknowledged = 0;
    // enough turns that the kill lands mid-way even on a fast machine (80 were sometimes all acknowledged first)
    const posts = Array.from({ length: 200 }, (_, i) =>
      channel.post(url, activity(`kill-${i}`, confirmPrepared)).then(
        (r) => {
          acknowledged++;
          return { i, status: r.status };
        },
        () => ({ i, status: 0 }),
      ),
    );
    // kill without warning once a quarter of the turns are acknowledged
    while (acknowledged < 20) await new Promise((r) => setTimeout(r, 2));
    await stopProcess(proc.child, 'SIGKILL');
    const results = await Promise.all(posts);
    const ok = results.filter((r) => r.status >= 200 && r.status < 300);
    expect(ok.length).to.be.at.least(20);
    expect(ok.length, 'some turns were cut off by the kill').to.be.below(200);

    expect(await storeFilesParse(path.join(dataDir, 'store'))).to.be.greaterThan(0);
    const restarted = await startProcess(dataDir);
    try {
      const status = await channel.post(`${restarted.url}/api/messages`, activity(`kill-${ok[0]!.i}`, { text: 'status' }));
      expect(status.replies.map(describeActivity).join('\n')).to.match(/1 of 8 steps done/);
    } finally {
      await stopProcess(restarted.child);
    }
    const repo = new TransitionRepository(new LowdbStorage({ dir: path.join(dataDir, 'store') }));
    for (const { i } of ok) expect((await repo.get(`tenant-kill-${i}`)).done.prepare, `tenant-kill-${i}`).to.not.equal(undefined);
  });
});
