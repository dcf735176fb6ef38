/**
 * Test helper: an in-memory Azurite blob service (the `azurite` dev dependency) on 127.0.0.1.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** Azurite's fixed, publicly documented development account and key. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
/** How long Azurite may take to print its "listens on" line. */
const START_TIMEOUT_MS = 20_000;

/** A running Azurite blob service. */
export interface AzuriteHandle {
  /** Connection string for `devstoreaccount1` at this instance's blob endpoint. */
  connectionString: string;
  /** Kills the process (SIGKILL), waits for it to exit and removes its scratch directory. Idempotent. */
  stop: () => Promise<void>;
}

/**
 * Starts Azurite's blob service (in-memory persistence, ephemeral port, API version check off,
 * loose mode) as a child process of the current Node and resolves once it prints
 * `Azurite Blob service successfully listens on http://127.0.0.1:<port>`.
 *
 * The child runs in a fresh temp directory (removed by `stop`) so anything Azurite might write
 * beside its cwd (logs, metadata) never lands in the repo.
 *
 * @throws Error containing Azurite's stdout/stderr if it exits early or does not listen within 20 s.
 */
export async function startAzurite(): Promise<AzuriteHandle> {
  const require = createRequire(import.meta.url);
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'azurite-test-'));
  const child = spawn(process.execPath, [main, '--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--skipApiVersionCheck', '--loose'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // e.g. spawn failure: no 'exit' will follow
  });
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGKILL: storage is in memory, so there is nothing to flush, and on SIGTERM Azurite waits
      // for the clients' keep-alive connections (measured: ~5 s after a busy test).
      child.kill('SIGKILL');
      await exited;
    }
    await rm(cwd, { recursive: true, force: true });
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not listen within ${START_TIMEOUT_MS / 1000} s. Output:\n${output}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const m = /Azurite Blob service successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`Azurite failed to start: ${err.message}. Output:\n${output}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited early (code ${code}, signal ${signal}). Output:\n${output}`));
      });
    });
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` + `BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
    return { connectionString, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A fresh, valid blob container name: `<prefix>-<12 random hex>`, lowercase letters, digits and
 * single hyphens, 3–63 chars. `prefix` is lowercased, other characters become hyphens, and it is
 * trimmed so the result stays valid (falls back to `test`).
 */
export function uniqueContainer(prefix = 'test'): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 50)
    .replace(/-$/, '');
  return `${clean || 'test'}-${randomBytes(6).toString('hex')}`;
}
