// Multi-index hashing for hamming-radius search: split the bits into m > maxDistance bands; by pigeonhole,
// two hashes within maxDistance agree exactly on at least one band, so only same-bucket hashes are compared.
import { bitRange, hamming } from './phash.js';
import type { HashBits } from './phash.js';

export class NearIndex {
  private readonly bands: [number, number][] = [];
  private readonly buckets: Map<number, number[]>[] = [];
  private readonly hashes: HashBits[] = [];
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(
    hashes: HashBits[],
    bits: number,
    readonly maxDistance: number,
  ) {
    // At least maxDistance + 1 bands (pigeonhole), each at most 32 bits wide (a JS number key).
    const m = Math.min(bits, Math.max(maxDistance + 1, Math.ceil(bits / 32)));
    for (let b = 0; b < m; b++)
      this.bands.push([Math.floor((b * bits) / m), Math.floor(((b + 1) * bits) / m)]);
    for (const _ of this.bands) this.buckets.push(new Map());
    hashes.forEach((h, i) => this.add(h, i));
    this.seen = new Int32Array(hashes.length).fill(-1);
  }

  private add(h: HashBits, i: number): void {
    this.hashes[i] = h;
    this.bands.forEach(([from, to], b) => {
      const key = bitRange(h, from, to);
      const list = this.buckets[b].get(key);
      if (list) list.push(i);
      else this.buckets[b].set(key, [i]);
    });
  }

  /** Indices (and distances) of indexed hashes within maxDistance of `h`. */
  query(h: HashBits): { index: number; distance: number }[] {
    const stamp = this.stamp++;
    const out: { index: number; distance: number }[] = [];
    this.bands.forEach(([from, to], b) => {
      for (const i of this.buckets[b].get(bitRange(h, from, to)) ?? []) {
        if (this.seen[i] === stamp) continue;
        this.seen[i] = stamp;
        const distance = hamming(h, this.hashes[i]);
        if (distance <= this.maxDistance) out.push({ index: i, distance });
      }
    });
    return out.sort((a, b) => a.index - b.index);
  }
}
