import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SECRET_FILE, loadInvitationSecret } from '../../src/store/invitationSecret.js';

describe('invitation secret', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'invitation-secret-test-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates 32 random bytes once and reuses the same bytes on every later call (restart)', async () => {
    const first = loadInvitationSecret(dir);
    expect(first.length).to.equal(32);
    const stored = await readFile(path.join(dir, SECRET_FILE), 'utf8');
    expect(Buffer.from(stored, 'base64url').equals(first)).to.equal(true);
    for (let i = 0; i < 3; i++) expect(loadInvitationSecret(dir).equals(first)).to.equal(true);
    expect(await readFile(path.join(dir, SECRET_FILE), 'utf8')).to.equal(stored);
  });

  it('gives another data folder another secret', async () => {
    const other = path.join(dir, 'other');
    expect(loadInvitationSecret(dir).equals(loadInvitationSecret(other))).to.equal(false);
  });

  it('writes the file readable by the owner only (mode 0600)', async function () {
    if (process.platform === 'win32') this.skip();
    loadInvitationSecret(dir);
    expect((await stat(path.join(dir, SECRET_FILE))).mode & 0o777).to.equal(0o600);
  });

  it('creates a missing data folder', async () => {
    const nested = path.join(dir, 'a', 'b');
    expect(loadInvitationSecret(nested).length).to.equal(32);
    expect(await readdir(nested)).to.deep.equal([SECRET_FILE]);
  });

  it('reads a secret another process stored first and does not overwrite it', async () => {
    const theirs = randomBytes(32);
    await writeFile(path.join(dir, SECRET_FILE), `${theirs.toString('base64url')}\n`, 'utf8');
    expect(loadInvitationSecret(dir).equals(theirs)).to.equal(true);
    expect(await readFile(path.join(dir, SECRET_FILE), 'utf8')).to.equal(`${theirs.toString('base64url')}\n`);
  });

  it('uses the configured secret when given, over a stored one, without writing a file', async () => {
    const configured = 'c'.repeat(40);
    expect(loadInvitationSecret(dir, configured).equals(Buffer.from(configured, 'utf8'))).to.equal(true);
    expect(await readdir(dir)).to.deep.equal([]);
    const stored = loadInvitationSecret(dir);
    expect(loadInvitationSecret(dir, configured).equals(stored)).to.equal(false);
    expect(loadInvitationSecret(dir, configured).toString('utf8')).to.equal(configured);
  });

  const damaged: Array<[string, string]> = [
    ['an empty file', ''],
    ['a short secret (31 bytes)', randomBytes(31).toString('base64url')],
    ['text that is not base64url', '!!!! not a secret !!!!'],
  ];
  for (const [label, content] of damaged) {
    it(`refuses ${label} with a message naming the file and how to recover`, async () => {
      const file = path.join(dir, SECRET_FILE);
      await writeFile(file, content, 'utf8');
      expect(() => loadInvitationSecret(dir))
        .to.throw(Error, file)
        .with.property('message')
        .that.matches(/fewer than 32 bytes/)
        .and.matches(/delete it/);
      expect(await readFile(file, 'utf8')).to.equal(content);
    });
  }
});
