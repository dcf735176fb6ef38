import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** File under `DATA_DIR` holding the generated invitation secret (base64url, 32 random bytes). */
export const SECRET_FILE = 'invitation-secret';

/**
 * The HMAC key for invitation links: `configured` (INVITATION_SECRET) when set; otherwise the one
 * kept in `<dataDir>/invitation-secret`, generated on first use (32 random bytes, file mode 0600)
 * so links survive restarts. Two processes starting at once agree: the file is linked into place
 * complete, and the loser reads the winner's.
 * @returns at least 32 bytes
 * @throws Error when the stored secret is shorter than 32 bytes (a damaged file; delete it to
 *   start over, which invalidates links already sent) or the folder cannot be written.
 */
export function loadInvitationSecret(dataDir: string, configured?: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = path.join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(file)) {
    // write a private temp file, then link it into place: the secret file appears complete or not
    // at all, and when two processes race, the first link wins and the other reads the winner's
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (secret.length < 32) throw new Error(`${file} holds fewer than 32 bytes; delete it to generate a new secret (links already sent stop working)`);
  return secret;
}
