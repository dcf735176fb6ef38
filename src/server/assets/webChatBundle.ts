/**
 * The botframework-webchat UMD bundle (`dist/webchat.js`, ~4 MB) at `/webchat/webchat.js`: read
 * once, gzipped once in the background (the plain bundle is served until that is ready), cached
 * for a year (pages reference it with `?v=<package version>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { IMMUTABLE_CACHE } from '../http/securityHeaders.js';
import { sendStatic, type StaticFile } from './serve.js';

/** URL path of the bundle. */
export const WEBCHAT_BUNDLE_PATH = '/webchat/webchat.js';

/** Finds the botframework-webchat package root (its `exports` hide package.json from require). */
function webChatPackageRoot(): string {
  const entry = createRequire(import.meta.url).resolve('botframework-webchat');
  let dir = dirname(entry);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === 'botframework-webchat') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`botframework-webchat package root not found above ${entry}`);
    dir = parent;
  }
}

/**
 * Registers `GET /webchat/webchat.js` on `server`.
 * @returns the URL pages load it from, `/webchat/webchat.js?v=<version>`
 * @throws Error if the botframework-webchat package or its dist/webchat.js cannot be found
 */
export function registerWebChatBundle(server: Server): string {
  const root = webChatPackageRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  const file: StaticFile = { body: readFileSync(join(root, 'dist', 'webchat.js')), contentType: 'application/javascript; charset=utf-8' };
  let gzipStarted = false;
  server.get(WEBCHAT_BUNDLE_PATH, async (req: Request, res: Response) => {
    if (!gzipStarted) {
      gzipStarted = true;
      promisify(gzip)(file.body).then(
        (buffer) => (file.gzipped = buffer),
        () => undefined,
      );
    }
    sendStatic(req, res, file, IMMUTABLE_CACHE);
  });
  return `${WEBCHAT_BUNDLE_PATH}?v=${encodeURIComponent(version)}`;
}
