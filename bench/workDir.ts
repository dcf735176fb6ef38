/**
 * Where the benches keep their stores: a fresh directory under `BENCH_DATA_DIR`, by default
 * `./.bench` in the project (git-ignored), on the same disk and kind of location as the app's own
 * default `DATA_DIR` (`./data`). Not `os.tmpdir()`: on the bench machine creating and renaming a
 * file under /tmp costs about 900 µs of CPU against 110-190 µs elsewhere on the same ext4 disk
 * (measured with a 5 KB temp-file-and-rename loop), which would measure /tmp, not the assistant.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { composeAssistant, type Assistant } from '../src/app/compose.js';
import { createLogger } from '../src/logger.js';
import { LowdbStorage } from '../src/store/lowdbStorage.js';

/** Creates and returns a fresh directory `<BENCH_DATA_DIR or ./.bench>/<prefix>XXXXXX`; the caller removes it. */
export function benchDataDir(prefix: string): string {
  const root = path.resolve(process.env.BENCH_DATA_DIR ?? '.bench');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(path.join(root, prefix));
}

/**
 * The app's own wiring (src/app/compose.ts) over a lowdb store in `dir`, for benches that call the
 * use cases directly: no channel, so reminders are not delivered; `clock` fixes the time (default
 * the system clock).
 */
export function benchAssistant(dir: string, clock?: () => Date): Assistant {
  return composeAssistant({
    storage: new LowdbStorage({ dir }),
    secret: Buffer.alloc(32, 1),
    publicBaseUrl: () => 'http://127.0.0.1',
    logger: createLogger('silent'),
    deliver: async () => undefined,
    webChatTenantId: 'bench',
    ...(clock ? { clock } : {}),
  });
}
