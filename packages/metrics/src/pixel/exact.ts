import { MetricError } from '../errors.js';
import type { PixelCounts } from './summary.js';

/** Growable typed array; doubles capacity so appends are amortised O(1). */
class Grow<T extends Float32Array | Float64Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/**
 * Keeps every pixel (4 bytes per normal pixel, 12 per anomalous one) for exact, tie-aware pixel
 * metrics. Refuses to grow beyond `maxPixels` (TOO_LARGE) rather than exhausting memory.
 */
export class ExactStore {
  private readonly neg = new Grow(new Float32Array(0), (n) => new Float32Array(n));
  private readonly pos = new Grow(new Float32Array(0), (n) => new Float32Array(n));
  private readonly weight = new Grow(new Float64Array(0), (n) => new Float64Array(n));

  constructor(private readonly maxPixels: number) {}

  add(map: Float32Array, mask: Uint8Array, labels: Int32Array | null, regionWeight: Float64Array | null): void {
    if (this.neg.length + this.pos.length + map.length > this.maxPixels) {
      throw new MetricError('TOO_LARGE', `exact mode is limited to ${this.maxPixels} pixels; use binned mode for large datasets`);
    }
    for (let i = 0; i < map.length; i++) {
      const v = map[i];
      if (!Number.isFinite(v)) throw new MetricError('NON_FINITE', `anomaly map pixel ${i} is ${v}`);
      if (labels !== null && regionWeight !== null && mask[i] === 1) {
        this.pos.push(v);
        this.weight.push(regionWeight[labels[i]]);
      } else this.neg.push(v);
    }
  }

  counts(regions: number): PixelCounts {
    const neg = Float32Array.from(this.neg.view()).sort().reverse();
    const posRaw = this.pos.view();
    const w = this.weight.view();
    const order = Uint32Array.from(posRaw.keys()).sort((a, b) => posRaw[b] - posRaw[a]);
    const cap = neg.length + order.length;
    const thresholds = new Float64Array(cap);
    const tps = new Float64Array(cap);
    const fps = new Float64Array(cap);
    const proSum = new Float64Array(cap);
    let i = 0;
    let j = 0;
    let k = 0;
    let tp = 0;
    let fp = 0;
    let pr = 0;
    while (i < order.length || j < neg.length) {
      const v = j >= neg.length || (i < order.length && posRaw[order[i]] >= neg[j]) ? posRaw[order[i]] : neg[j];
      while (i < order.length && posRaw[order[i]] === v) {
        tp++;
        pr += w[order[i]];
        i++;
      }
      while (j < neg.length && neg[j] === v) {
        fp++;
        j++;
      }
      thresholds[k] = v;
      tps[k] = tp;
      fps[k] = fp;
      proSum[k] = pr;
      k++;
    }
    return {
      thresholds: thresholds.slice(0, k),
      tps: tps.slice(0, k),
      fps: fps.slice(0, k),
      proSum: proSum.slice(0, k),
      pos: tp,
      neg: fp,
      regions,
    };
  }
}
