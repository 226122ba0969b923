// The inputs of the legacy FPI/PII record (legacy-fpi-pii.gen.ts): phantoms, one pair equal on its left half (so
// equal-pixel zeroing would show), a loud source (so clipping would show), large patches that reach the image border, seeds and pre-issue-16 options.
import type { GrayImage } from '../../../src/io/types.js';
import { phantom } from '../fixtures.js';

export interface LegacyCase {
  name: string;
  method: 'fpi' | 'pii';
  dest: GrayImage;
  foreign: GrayImage;
  seed: number;
  /** Options other than the ones issue 16 changed (those stay at their pre-change defaults). */
  options: { sizeFraction?: [number, number]; clip?: { min: number; max: number } };
}

/** `foreign` made equal to `dest` on the left half, so some patches hold equal pixels. */
export function halfEqual(dest: GrayImage, foreign: GrayImage): GrayImage {
  const data = Float32Array.from(foreign.data);
  for (let y = 0; y < dest.height; y++) for (let x = 0; x < dest.width >> 1; x++) data[y * dest.width + x] = dest.data[y * dest.width + x];
  return { width: dest.width, height: dest.height, data };
}

export function legacyCases(): LegacyCase[] {
  const dest = phantom(24, 20, 11);
  const foreign = phantom(24, 20, 12);
  const mixed = halfEqual(dest, foreign);
  const out: LegacyCase[] = [];
  for (const method of ['fpi', 'pii'] as const)
    for (const seed of [1, 2, 3, 4]) {
      out.push({ name: `${method}-default-${seed}`, method, dest, foreign, seed, options: {} });
      out.push({ name: `${method}-halfequal-big-${seed}`, method, dest, foreign: mixed, seed, options: { sizeFraction: [0.5, 0.8] } });
    }
  // A source of three times the contrast: the unclipped blend overshoots the destination's range.
  const loud = { ...foreign, data: foreign.data.map((v) => 3 * v) };
  for (const seed of [6, 7]) out.push({ name: `pii-loud-${seed}`, method: 'pii', dest, foreign: loud, seed, options: { sizeFraction: [0.5, 0.8] } });
  out.push({ name: 'pii-clip-range', method: 'pii', dest, foreign, seed: 5, options: { sizeFraction: [0.5, 0.8], clip: { min: -0.5, max: 0.5 } } });
  return out;
}
