/**
 * Builds the pages' browser code and stylesheets (src/server/browser/*.ts, *.css) with esbuild:
 * each entry bundled on its own (scripts as an IIFE, no module loader needed), named
 * `<entry>-<content hash>.<ext>` so a file's URL changes whenever its bytes do.
 *
 * - `npm run build` writes them to `dist/public/assets/` with `dist/public/manifest.json`
 *   (`npm run build:web` = `tsx src/server/assets/build.ts dist/public`, see {@link writeWebAssets}).
 * - Running from source (tsx: tests, `npm run dev`) builds them in memory at start-up instead
 *   (see serve.ts), so a test always serves the browser code it sits next to.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';

/** The entries: logical name (what pages ask for) -> source file under src/server/browser/. */
export const WEB_ENTRIES = {
  'webchat.js': 'webchat.ts',
  'webchat.css': 'webchat.css',
  'pages.css': 'pages.css',
  'copyDraft.js': 'copyDraft.ts',
} as const;

/** Logical name of a built asset, e.g. `webchat.js`. */
export type WebAssetName = keyof typeof WEB_ENTRIES;

/** One built asset: its hashed file name (e.g. `webchat-3F2A9C1B.js`) and bytes. */
export interface BuiltAsset {
  fileName: string;
  contents: Uint8Array;
}

/** Logical name -> hashed file name, as written to `manifest.json`. */
export type WebManifest = Record<WebAssetName, string>;

/** True when this module runs from its TypeScript source (tsx), false from the compiled dist/. */
export function runningFromSource(): boolean {
  return import.meta.url.endsWith('.ts');
}

/** Where the browser sources are, whether this module runs from src/ (tsx) or dist/src/ (node). */
export function browserSourceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const repoRoot = runningFromSource() ? resolve(here, '../../..') : resolve(here, '../../../..');
  return join(repoRoot, 'src', 'server', 'browser');
}

/** esbuild's synchronous API, loaded only when a build runs (esbuild is a dev dependency). */
function esbuild(): typeof Esbuild {
  return createRequire(import.meta.url)('esbuild') as typeof Esbuild;
}

/**
 * Bundles every entry of {@link WEB_ENTRIES} in memory (synchronous; ~50 ms).
 * @returns the manifest and the assets by hashed file name
 * @throws Error (esbuild's, with file and line) when a source does not compile
 */
export function buildWebAssets(sourceDir = browserSourceDir()): { manifest: WebManifest; files: Map<string, BuiltAsset> } {
  const outdir = '/virtual/assets';
  const result = esbuild().buildSync({
    entryPoints: Object.values(WEB_ENTRIES).map((file) => join(sourceDir, file)),
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    // not minified: the scripts are small and served gzipped, and stay readable in devtools
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const files = new Map<string, BuiltAsset>();
  const manifest = {} as WebManifest;
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const entry = basename(meta.entryPoint);
    const name = (Object.keys(WEB_ENTRIES) as WebAssetName[]).find((key) => WEB_ENTRIES[key] === entry);
    const file = result.outputFiles.find((f) => f.path === resolve(output));
    if (!name || !file) throw new Error(`esbuild output ${output} has no entry or contents`);
    const fileName = basename(file.path);
    manifest[name] = fileName;
    files.set(fileName, { fileName, contents: file.contents });
  }
  for (const name of Object.keys(WEB_ENTRIES) as WebAssetName[]) {
    if (!manifest[name]) throw new Error(`web asset ${name} was not built`);
  }
  return { manifest, files };
}

/**
 * Builds the assets and writes them to `<publicDir>/assets/<hashed name>` plus
 * `<publicDir>/manifest.json` (logical name -> hashed name).
 * @returns the manifest written
 */
export function writeWebAssets(publicDir: string): WebManifest {
  const { manifest, files } = buildWebAssets();
  mkdirSync(join(publicDir, 'assets'), { recursive: true });
  for (const file of files.values()) writeFileSync(join(publicDir, 'assets', file.fileName), file.contents);
  writeFileSync(join(publicDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

// `node dist/src/server/assets/build.js <publicDir>` (npm run build) or `tsx src/server/assets/build.ts <publicDir>`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = resolve(process.argv[2] ?? 'dist/public');
  const manifest = writeWebAssets(target);
  console.log(`web assets -> ${target}: ${Object.values(manifest).join(', ')}`);
}
