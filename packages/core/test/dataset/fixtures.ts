// Tiny image fixtures in a temp dir: structured grey PNGs whose content is set by a seed, so distinct seeds
// give visibly different images.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../../src/dataset/random.js';

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'medad-dataset-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A w x h grey image: a few random blobs and a random gradient, fully determined by `seed`. */
export function structuredPixels(seed: number, w = 48, h = 48): Uint8Array {
  const rand = mulberry32(seed * 7919 + 13);
  const blobs = Array.from({ length: 4 }, () => ({
    x: rand() * w,
    y: rand() * h,
    r: 4 + rand() * 12,
    v: rand() * 200,
  }));
  const gx = rand() * 2 - 1;
  const gy = rand() * 2 - 1;
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = 40 + 30 * (gx * (x / w) + gy * (y / h));
      for (const b of blobs) if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.r ** 2) v += b.v;
      px[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  return px;
}

export async function writePng(file: string, px: Uint8Array, w = 48, h = 48): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toFile(file);
}

/** Writes `<root>/<rel>` images for each relative path, seeded by their index plus `seedBase`. */
export async function writeTree(root: string, rels: string[], seedBase = 0): Promise<string[]> {
  await Promise.all(rels.map((rel, i) => writePng(path.join(root, rel), structuredPixels(seedBase + i))));
  return rels.map((r) => path.join(root, r));
}

export async function writeText(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

export const names = (prefix: string, n: number, ext = 'png') =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}.${ext}`);
