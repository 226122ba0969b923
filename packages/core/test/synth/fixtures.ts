// Small smooth "normal-looking" phantoms for the generator tests: a soft-edged ellipse (head) with two darker
// blobs (ventricles) and low-frequency texture, values in [-1, 1]. Different seeds give different anatomy.
import type { GrayImage } from '../../src/io/types.js';
import { SynthRng } from '../../src/synth/rng.js';
import type { Box } from '../../src/synth/types.js';

export function phantom(w: number, h: number, seed: number): GrayImage {
  const r = new SynthRng(seed);
  const a = r.uniform(0.6, 0.8);
  const b = r.uniform(0.7, 0.9);
  const fx = r.uniform(1, 4);
  const fy = r.uniform(1, 4);
  const ph = r.uniform(0, 6.28);
  const blobs = [0, 1].map(() => ({ x: r.uniform(-0.3, 0.3), y: r.uniform(-0.3, 0.3), s: r.uniform(0.1, 0.25) }));
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const u = (2 * x) / (w - 1) - 1;
      const v = (2 * y) / (h - 1) - 1;
      const rr = Math.sqrt((u / a) ** 2 + (v / b) ** 2);
      const head = 1 / (1 + Math.exp((rr - 1) * 25));
      let t = 0.6 + 0.15 * Math.sin(fx * u * 3 + ph) * Math.cos(fy * v * 3);
      for (const bl of blobs) t -= 0.5 * Math.exp(-((u - bl.x) ** 2 + (v - bl.y) ** 2) / (2 * bl.s * bl.s));
      data[y * w + x] = -1 + head * (1 + t);
    }
  return { width: w, height: h, data };
}

export function inAnyBox(p: number, w: number, boxes: Box[]): boolean {
  const x = p % w;
  const y = Math.floor(p / w);
  return boxes.some((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h);
}

/** Pixels whose float32 value changed (bitwise, so -0/+0 and NaN differences count too). */
export function changedPixels(a: Float32Array, b: Float32Array): number[] {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i]) out.push(i);
  return out;
}

export const copyOf = (img: GrayImage): GrayImage => ({ width: img.width, height: img.height, data: Float32Array.from(img.data) });

export function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && changedPixels(a, b).length === 0;
}
