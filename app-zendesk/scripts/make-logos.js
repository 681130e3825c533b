#!/usr/bin/env node
'use strict';
/**
 * Writes assets/logo.svg, assets/logo.png (320x320) and assets/logo-small.png (128x128)
 * from one set of shapes, so the three files always show the same picture.
 * No dependencies: the PNGs are rasterised here (4x4 supersampling) and encoded with zlib,
 * because Zendesk wants real bitmaps at exact sizes and the app has no build step.
 *
 * Usage: node app-zendesk/scripts/make-logos.js
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

/** Design space is 320x320; shapes are painted in order. */
const SIZE = 320;
const BLUE = '#1f73b7';
const WHITE = '#ffffff';

/** A lightning bolt (the "action") inside a speech bubble (the "AI reply"). */
const SHAPES = [
  { kind: 'rrect', x: 0, y: 0, w: 320, h: 320, r: 64, fill: BLUE },
  { kind: 'rrect', x: 52, y: 60, w: 216, h: 160, r: 36, fill: WHITE },
  { kind: 'poly', points: [[96, 212], [150, 212], [92, 262]], fill: WHITE },
  {
    kind: 'poly',
    points: [[178, 78], [122, 152], [156, 152], [140, 204], [200, 124], [166, 124], [186, 78]],
    fill: BLUE,
  },
];

function insideRoundedRect(s, px, py) {
  if (px < s.x || py < s.y || px > s.x + s.w || py > s.y + s.h) return false;
  const cx = Math.min(Math.max(px, s.x + s.r), s.x + s.w - s.r);
  const cy = Math.min(Math.max(py, s.y + s.r), s.y + s.h - s.r);
  const dx = px - cx;
  const dy = py - cy;
  return dx * dx + dy * dy <= s.r * s.r;
}

function insidePolygon(points, px, py) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Colour (RGBA, 0-255) of one sample point in design space; transparent outside all shapes. */
function sample(px, py) {
  let colour = null;
  for (const s of SHAPES) {
    const hit = s.kind === 'rrect' ? insideRoundedRect(s, px, py) : insidePolygon(s.points, px, py);
    if (hit) colour = s.fill;
  }
  return colour ? [...hexToRgb(colour), 255] : [0, 0, 0, 0];
}

/** Rasterises the shapes at `size` pixels square; returns RGBA rows. */
function rasterise(size) {
  const scale = SIZE / size;
  const grid = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < grid; sy++) {
        for (let sx = 0; sx < grid; sx++) {
          const [cr, cg, cb, ca] = sample((x + (sx + 0.5) / grid) * scale, (y + (sy + 0.5) / grid) * scale);
          // Premultiply so edges against transparency do not turn dark.
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const o = (y * size + x) * 4;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
      }
      rgba[o + 3] = Math.round(a / (grid * grid));
    }
  }
  return rgba;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit, colour type 6, filter 0 on every row). */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg() {
  const parts = SHAPES.map((s) =>
    s.kind === 'rrect'
      ? `  <rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.r}" fill="${s.fill}"/>`
      : `  <polygon points="${s.points.map((p) => p.join(',')).join(' ')}" fill="${s.fill}"/>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    '  <title>API Actions AI</title>',
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function main() {
  const assets = path.join(__dirname, '..', 'assets');
  fs.mkdirSync(assets, { recursive: true });
  fs.writeFileSync(path.join(assets, 'logo.svg'), svg());
  for (const [name, size] of [['logo.png', 320], ['logo-small.png', 128]]) {
    fs.writeFileSync(path.join(assets, name), encodePng(size, rasterise(size)));
    process.stdout.write(`wrote assets/${name} (${size}x${size})\n`);
  }
  process.stdout.write('wrote assets/logo.svg\n');
}

if (require.main === module) main();

module.exports = { encodePng, rasterise, svg };
