/**
 * Serves the built browser assets (see build.ts) at `/assets/<name>-<hash>.<ext>`: from
 * `dist/public/` when running the compiled app, or built in memory at start-up when running from
 * source (tsx), so tests never need `npm run build` and never serve stale code. Hashed names are
 * cached for a year (`immutable`); an ETag lets a revalidating client get 304.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { IMMUTABLE_CACHE, staticAssetHeaders } from '../http/securityHeaders.js';
import { buildWebAssets, runningFromSource, WEB_ENTRIES, type WebAssetName, type WebManifest } from './build.js';

/** URL path prefix of the built assets. */
export const ASSETS_PATH = '/assets';

/** The page-facing side of the assets: the URL of each logical asset. */
export interface AssetUrls {
  /** Absolute path of a built asset, e.g. `url('webchat.js')` -> `/assets/webchat-3F2A9C1B.js`. */
  url(name: WebAssetName): string;
}

/** A file ready to send: bytes, gzipped bytes when smaller, type and validator. */
export interface StaticFile {
  body: Buffer;
  gzipped?: Buffer;
  contentType: string;
  /** Strong ETag, quoted. */
  etag?: string;
}

interface LoadedAssets {
  manifest: WebManifest;
  files: Map<string, StaticFile>;
}

const CONTENT_TYPES: Record<string, string> = { js: 'application/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The compiled app's `dist/public` (this file is `dist/src/server/assets/serve.js`). */
export function distPublicDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../public');
}

function staticFile(fileName: string, contents: Uint8Array): StaticFile {
  const body = Buffer.from(contents);
  const gzipped = gzipSync(body);
  const hash = /-([A-Z0-9]+)\.[a-z]+$/.exec(fileName)?.[1] ?? fileName;
  return {
    body,
    contentType: CONTENT_TYPES[fileName.split('.').pop() ?? ''] ?? 'application/octet-stream',
    etag: `"${hash}"`,
    ...(gzipped.length < body.length ? { gzipped } : {}),
  };
}

function readBuiltAssets(publicDir: string): LoadedAssets {
  const manifestPath = join(publicDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`web assets not built: ${manifestPath} is missing (run \`npm run build\`)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WebManifest;
  const files = new Map<string, StaticFile>();
  for (const name of Object.keys(WEB_ENTRIES) as WebAssetName[]) {
    const fileName = manifest[name];
    if (typeof fileName !== 'string' || !/^[A-Za-z0-9_-]+\.(js|css)$/.test(fileName)) throw new Error(`web asset ${name} missing from ${manifestPath}`);
    files.set(fileName, staticFile(fileName, readFileSync(join(publicDir, 'assets', fileName))));
  }
  return { manifest, files };
}

let loaded: LoadedAssets | undefined;

/**
 * The assets of this process, loaded once: built in memory from src/server/browser when running
 * from source, else read from `dist/public`.
 * @throws Error when the compiled app's assets are missing (run `npm run build`) or a source does not compile
 */
export function loadWebAssets(): LoadedAssets {
  if (!loaded) {
    if (runningFromSource()) {
      const built = buildWebAssets();
      loaded = { manifest: built.manifest, files: new Map([...built.files.values()].map((f) => [f.fileName, staticFile(f.fileName, f.contents)])) };
    } else {
      loaded = readBuiltAssets(distPublicDir());
    }
  }
  return loaded;
}

/**
 * Sends `file` with 200 (gzip when accepted and smaller), or 304 when the request's
 * `If-None-Match` names its ETag; security headers and `cacheControl` either way.
 */
export function sendStatic(req: Request, res: Response, file: StaticFile, cacheControl: string): void {
  const headers: Record<string, string> = { ...staticAssetHeaders(cacheControl), Vary: 'Accept-Encoding', ...(file.etag ? { ETag: file.etag } : {}) };
  if (
    file.etag &&
    String(req.headers['if-none-match'] ?? '')
      .split(/\s*,\s*/)
      .includes(file.etag)
  ) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const payload = file.gzipped && acceptsGzip ? file.gzipped : file.body;
  res.writeHead(200, {
    ...headers,
    'Content-Type': file.contentType,
    'Content-Length': String(payload.length),
    ...(payload === file.gzipped ? { 'Content-Encoding': 'gzip' } : {}),
  });
  res.end(payload);
}

/**
 * Registers `GET /assets/<hashed name>` on `server` (404 for any other name).
 * @returns the URLs pages link to
 * @throws Error as {@link loadWebAssets}
 */
export function registerWebAssets(server: Server): AssetUrls {
  const assets = loadWebAssets();
  server.get(`${ASSETS_PATH}/:file`, async (req: Request, res: Response) => {
    const file = assets.files.get(String((req.params as Record<string, unknown>).file ?? ''));
    if (!file) {
      res.writeHead(404, { ...staticAssetHeaders('no-store'), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    sendStatic(req, res, file, IMMUTABLE_CACHE);
  });
  return { url: (name) => `${ASSETS_PATH}/${assets.manifest[name]}` };
}
