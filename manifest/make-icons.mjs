#!/usr/bin/env node
/**
 * Generates the Teams app icons next to this script:
 *   color.png   192x192, #0F6CBD background edge to edge, white glyph.
 *   outline.png  32x32,  transparent background, white glyph (every pixel is #FFFFFF; only alpha varies).
 *
 * The glyph reads "one tier becomes two": a single block (direct bill), an arrow, and two stacked
 * blocks (indirect provider + indirect reseller).
 *
 * Plain Node, no dependency: shapes are rasterized with 8x8 supersampling for anti-aliasing and the
 * PNGs are written by hand (RGBA, 8 bits per channel, filter type 0 on every row, zlib deflate,
 * CRC-32), so test/manifest/manifest.test.ts can decode them with node:zlib alone.
 *
 * Usage: node manifest/make-icons.mjs
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
const BRAND = [0x0f, 0x6c, 0xbd];
const WHITE = [0xff, 0xff, 0xff];
const SUPERSAMPLE = 8;

// ---------------------------------------------------------------------------------------------
// Glyph, in glyph space: the unit square [0,1] x [0,1], y pointing down.

/** Rounded rectangle [x0,x1] x [y0,y1] with corner radius r. */
function inRoundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Triangle by its three corners (either winding). */
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by);
  const d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy);
  const d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay);
  const hasNeg = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNeg && hasPos);
}

function inGlyph(x, y) {
  const r = 0.07;
  // Direct bill: one tall block.
  if (inRoundRect(x, y, 0.0, 0.16, 0.26, 0.84, r)) return true;
  // Arrow: shaft and head.
  if (inRoundRect(x, y, 0.33, 0.425, 0.56, 0.575, 0.02)) return true;
  if (inTriangle(x, y, [0.5, 0.28], [0.5, 0.72], [0.7, 0.5])) return true;
  // Indirect: two stacked tiers (provider, reseller).
  if (inRoundRect(x, y, 0.76, 0.16, 1.0, 0.455, r)) return true;
  if (inRoundRect(x, y, 0.76, 0.545, 1.0, 0.84, r)) return true;
  return false;
}

/**
 * Coverage (0..1) of the glyph over pixel (px, py) of a size x size canvas, with the glyph square
 * placed at [inset, size - inset] on both axes.
 */
function coverage(px, py, size, inset) {
  const span = size - 2 * inset;
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      const x = (px + (sx + 0.5) / SUPERSAMPLE - inset) / span;
      const y = (py + (sy + 0.5) / SUPERSAMPLE - inset) / span;
      if (inGlyph(x, y)) hits++;
    }
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

// ---------------------------------------------------------------------------------------------
// PNG writer.

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels (width * height * 4 bytes) as a PNG, filter type 0 on every scanline. */
function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0 (None)
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Icons.

function colorIcon(size) {
  // Glyph inside the central 120/192 of the canvas (Teams' safe region for the colour icon).
  const inset = Math.round((size * 36) / 192);
  const out = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = coverage(x, y, size, inset);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) out[i + c] = Math.round(BRAND[c] * (1 - a) + WHITE[c] * a);
      out[i + 3] = 255;
    }
  }
  return encodePng(size, size, out);
}

function outlineIcon(size) {
  const inset = Math.round(size / 16); // 2 px at 32x32
  const out = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      out[i] = out[i + 1] = out[i + 2] = 255; // white everywhere; transparency is in alpha only
      out[i + 3] = Math.round(coverage(x, y, size, inset) * 255);
    }
  }
  return encodePng(size, size, out);
}

writeFileSync(join(HERE, 'color.png'), colorIcon(192));
writeFileSync(join(HERE, 'outline.png'), outlineIcon(32));
console.log('wrote manifest/color.png (192x192) and manifest/outline.png (32x32)');
