import { MetricError } from '../errors.js';
import type { PixelCounts } from './summary.js';

/** Score range mapped onto the bins; pixels outside it are clamped into the end bins. */
export interface ScoreRange {
  min: number;
  max: number;
}

/**
 * Fixed-memory histogram of pixel scores: per bin, negative count, positive count and per-region
 * overlap mass. Bin b covers [min + b·w, min + (b+1)·w), w = (max − min)/bins; the mapping is
 * monotone, so binning only ties pixels within a bin, which is what the error bounds rest on.
 */
export class BinnedStore {
  readonly bins: number;
  readonly range: ScoreRange;
  private readonly scale: number;
  private readonly neg: Float64Array;
  private readonly pos: Float64Array;
  private readonly pro: Float64Array;
  /** Pixels outside `range`, clamped into the first or last bin (still covered by the bounds). */
  clamped = 0;

  constructor(range: ScoreRange, bins: number) {
    if (!Number.isFinite(range.min) || !Number.isFinite(range.max) || !(range.max > range.min)) {
      throw new MetricError('INVALID_ARGUMENT', `binned mode needs a finite range with max > min, got [${range.min}, ${range.max}]`);
    }
    if (!Number.isInteger(bins) || bins < 2 || bins > 2 ** 24) {
      throw new MetricError('INVALID_ARGUMENT', `bins must be an integer in [2, 2^24], got ${bins}`);
    }
    this.bins = bins;
    this.range = { min: range.min, max: range.max };
    this.scale = bins / (range.max - range.min);
    this.neg = new Float64Array(bins);
    this.pos = new Float64Array(bins);
    this.pro = new Float64Array(bins);
  }

  /** Slow path for pixels outside the range: NaN/±Infinity throw, the rest clamp. */
  private clampBin(v: number, i: number): number {
    if (!Number.isFinite(v)) throw new MetricError('NON_FINITE', `anomaly map pixel ${i} is ${v}`);
    this.clamped++;
    return v < this.range.min ? 0 : this.bins - 1;
  }

  /** `regionWeight[label[i]]` = 1/|region| for foreground pixels; null when the mask is empty. */
  add(map: Float32Array, mask: Uint8Array, labels: Int32Array | null, regionWeight: Float64Array | null): void {
    // Hot loop (hundreds of millions of pixels): locals instead of property loads.
    const { min, max } = this.range;
    const scale = this.scale;
    const last = this.bins - 1;
    const neg = this.neg;
    const pos = this.pos;
    const pro = this.pro;
    const hasFg = labels !== null && regionWeight !== null;
    for (let i = 0; i < map.length; i++) {
      const v = map[i];
      let b: number;
      if (v >= min && v <= max) {
        b = Math.floor((v - min) * scale);
        if (b > last) b = last;
      } else b = this.clampBin(v, i);
      if (hasFg && mask[i] === 1) {
        pos[b]++;
        pro[b] += regionWeight[labels[i]];
      } else neg[b]++;
    }
  }

  /** Cumulative counts over non-empty bins, highest bin first; thresholds are bin lower edges. */
  counts(regions: number): PixelCounts {
    const k = this.bins;
    const thresholds: number[] = [];
    const tps: number[] = [];
    const fps: number[] = [];
    const proSum: number[] = [];
    let tp = 0;
    let fp = 0;
    let pr = 0;
    for (let b = k - 1; b >= 0; b--) {
      if (this.pos[b] === 0 && this.neg[b] === 0) continue;
      tp += this.pos[b];
      fp += this.neg[b];
      pr += this.pro[b];
      thresholds.push(this.range.min + b / this.scale);
      tps.push(tp);
      fps.push(fp);
      proSum.push(pr);
    }
    return {
      thresholds: Float64Array.from(thresholds),
      tps: Float64Array.from(tps),
      fps: Float64Array.from(fps),
      proSum: Float64Array.from(proSum),
      pos: tp,
      neg: fp,
      regions,
    };
  }
}
