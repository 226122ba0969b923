// Seeded randomness for splits and draws: the same seed and inputs always give the same dataset.

import { mulberry32 } from '../random.js';

export { mulberry32 };

/** A generator for one named purpose, so e.g. the validation split does not change when the pool does. */
export function streamFor(seed: number, purpose: string): () => number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193);
  return mulberry32(h);
}

/** Fisher-Yates on a copy. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
