/**
 * The app icons Teams requires: a 192x192 color PNG and a 32x32 outline PNG that is white on a
 * transparent background, both named by the manifest and shipped at the package root.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { show } from './common.js';
import type { Json } from './manifestJson.js';

// pngjs is a CommonJS module: under Node ESM its default import is `module.exports`, which carries `PNG`.
const { PNG } = pngjs;

/** Icon sizes Teams requires. */
const ICON_SIZES = { color: 192, outline: 32 } as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Checks one icon: a PNG of `size`x`size`; for the outline, every pixel white or fully transparent. */
function checkIcon(kind: 'color' | 'outline', bytes: Buffer, label: string): string[] {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return [`${label}: not a PNG file`];
  let png: InstanceType<typeof PNG>;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    return [`${label}: cannot be decoded as PNG (${(error as Error).message})`];
  }
  const size = ICON_SIZES[kind];
  if (png.width !== size || png.height !== size) {
    return [`${label}: is ${png.width}x${png.height}, expected ${size}x${size}`];
  }
  if (kind === 'outline') {
    let bad = 0;
    let first = -1;
    let visible = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i + 3] === 0) continue;
      visible++;
      if (png.data[i] !== 255 || png.data[i + 1] !== 255 || png.data[i + 2] !== 255) {
        bad++;
        if (first < 0) first = i / 4;
      }
    }
    if (bad > 0) {
      return [
        `${label}: must be white on a transparent background, but ${bad} pixel(s) are neither fully transparent nor white (first at x=${first % size}, y=${Math.floor(first / size)})`,
      ];
    }
    if (visible === 0) return [`${label}: is fully transparent, expected a white glyph`];
  }
  return [];
}

export /** Reads and checks the icons the manifest names; returns their bytes by zip entry name, and problems. */
function readIcons(manifest: Json, manifestDir: string): { files: Record<string, Buffer>; problems: string[] } {
  const files: Record<string, Buffer> = {};
  const problems: string[] = [];
  const icons = (manifest as { icons?: Record<string, unknown> } | null)?.icons ?? {};
  for (const kind of ['color', 'outline'] as const) {
    const name = icons[kind];
    if (typeof name !== 'string' || !name) {
      problems.push(`/icons/${kind}: expected the file name of the ${kind} icon`);
      continue;
    }
    if (!/^[^/\\]+\.png$/i.test(name) || name.startsWith('.')) {
      problems.push(`/icons/${kind}: ${show(name)} must be a .png file name at the package root (no folders)`);
      continue;
    }
    const path = join(manifestDir, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      problems.push(`/icons/${kind}: ${path} does not exist`);
      continue;
    }
    const before = problems.length;
    problems.push(...checkIcon(kind, bytes, `/icons/${kind} (${name})`));
    if (problems.length === before) files[name] = bytes;
  }
  if (typeof icons.color === 'string' && icons.color === icons.outline) {
    problems.push('/icons: the color and outline icons must be different files');
  }
  return { files, problems };
}
