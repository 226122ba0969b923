// Deterministic randomness for training. Every random draw is a pure function of (seed, purpose, counter), so a
// resumed run needs no saved generator state beyond the step and epoch counters, and no code path uses Math.random.
import { mulberry32 } from '../random.js';

/** Mixes integers into a 32-bit seed (murmur3 finaliser over each value): distinct inputs give unrelated streams. */
export function mixSeed(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    let k = Math.imul((v | 0) ^ Math.floor(v / 2 ** 32), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Uniforms in [0, 1) from the shared mulberry32, plus the samplers training needs. */
export class Rng {
  private readonly draw: () => number;
  constructor(seed: number) {
    this.draw = mulberry32(seed);
  }
  next(): number {
    return this.draw();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box-Muller; the second value is dropped to keep the stream position simple). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

export function uniformArray(n: number, lo: number, hi: number, seed: number): Float32Array {
  const r = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r.next();
  return out;
}

export function normalArray(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r.normal();
  return out;
}

/** A permutation of 0..n-1 (Fisher-Yates) fixed by the seed: the per-epoch shuffle. */
export function shuffledOrder(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const r = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
