import { MetricError } from '../errors.js';
import { BinnedStore, type ScoreRange } from './binned.js';
import { connectedComponents } from './components.js';
import { ExactStore } from './exact.js';
import { checkMapAndMask } from './image.js';
import { overlapFromCounts, type Overlap } from './overlap.js';
import { summarise, type PixelRankingMetrics } from './summary.js';

export interface PixelAccumulatorOptions {
  /**
   * `'binned'` (default): fixed memory, 3·bins doubles, results within the reported error bounds.
   * `'exact'`: keeps every pixel; exact and tie-aware; for small datasets only.
   */
  mode?: 'binned' | 'exact';
  /** Binned mode: the score range spread over the bins (required), e.g. [0, 1] or a first pass's {@link RangeTracker}. */
  range?: ScoreRange;
  /** Binned mode: number of bins (default 2^16). */
  bins?: number;
  /** Exact mode: refuse to store more pixels than this (default 2^24). */
  maxExactPixels?: number;
  /** Thresholds at which dataset-level Dice/IoU are counted exactly during accumulation. */
  thresholds?: number[];
  /** AUPRO integration limit (default 0.3). */
  proMaxFpr?: number;
}

export interface PixelMetrics extends PixelRankingMetrics {
  mode: 'binned' | 'exact';
  images: number;
  pixels: number;
  positivePixels: number;
  /** Connected anomalous regions (8-connectivity) over all masks. */
  regions: number;
  /** Binned mode: pixels outside the range, clamped into the end bins. */
  clampedPixels: number;
  /** Dataset-level (pooled over all pixels) Dice/IoU at each requested threshold. */
  atThresholds: (Overlap & { threshold: number })[];
}

/**
 * Streams pixel-level metrics over a dataset: add one anomaly map (Float32Array, row-major) and
 * its 0/1 mask at a time; memory stays bounded in binned mode whatever the number of images.
 * A pixel is anomalous when `score >= threshold`. Metrics pool all pixels of all images
 * (dataset-level AUROC/AP/Dice, as in most anomaly-segmentation papers); AUPRO averages overlap
 * over the connected regions of all masks.
 */
export class PixelMetricsAccumulator {
  private readonly store: BinnedStore | ExactStore;
  private readonly mode: 'binned' | 'exact';
  private readonly thresholds: number[];
  private readonly tp: Float64Array;
  private readonly fp: Float64Array;
  private readonly fn: Float64Array;
  private readonly proMaxFpr: number;
  private images = 0;
  private pixels = 0;
  private positives = 0;
  private regions = 0;
  /** Set when a map failed mid-way: the store may hold part of it, so later results would be wrong. */
  private broken: MetricError | null = null;
  /** Reused component-labelling buffers (one image's worth), to avoid per-image allocation. */
  private readonly scratch = { labels: new Int32Array(0), stack: new Int32Array(0) };

  constructor(opts: PixelAccumulatorOptions = {}) {
    this.mode = opts.mode ?? 'binned';
    if (this.mode === 'binned') {
      if (!opts.range) throw new MetricError('INVALID_ARGUMENT', 'binned mode needs a score range ({ min, max })');
      this.store = new BinnedStore(opts.range, opts.bins ?? 65536);
    } else {
      this.store = new ExactStore(opts.maxExactPixels ?? 2 ** 24);
    }
    this.thresholds = [...(opts.thresholds ?? [])];
    for (const t of this.thresholds) {
      if (Number.isNaN(t)) throw new MetricError('INVALID_ARGUMENT', 'a Dice threshold is NaN');
    }
    this.tp = new Float64Array(this.thresholds.length);
    this.fp = new Float64Array(this.thresholds.length);
    this.fn = new Float64Array(this.thresholds.length);
    this.proMaxFpr = opts.proMaxFpr ?? 0.3;
    if (!(this.proMaxFpr > 0 && this.proMaxFpr <= 1)) {
      throw new MetricError('INVALID_ARGUMENT', `proMaxFpr must lie in (0, 1], got ${this.proMaxFpr}`);
    }
  }

  /** Adds one image. Throws on size mismatch, masks other than 0/1, or non-finite scores. */
  add(map: Float32Array, mask: Uint8Array, width: number, height: number): void {
    this.assertUsable();
    const foreground = checkMapAndMask(map, mask, width, height);
    let labels: Int32Array | null = null;
    let weights: Float64Array | null = null;
    if (foreground > 0) {
      const cc = connectedComponents(mask, width, height, this.scratch);
      labels = cc.labels;
      weights = new Float64Array(cc.count + 1);
      for (let r = 1; r <= cc.count; r++) weights[r] = 1 / cc.sizes[r];
      this.regions += cc.count;
    }
    try {
      this.store.add(map, mask, labels, weights);
    } catch (e) {
      if (e instanceof MetricError && e.code === 'NON_FINITE') {
        this.broken = new MetricError('INVALID_ARGUMENT', `accumulator unusable: image ${this.images} was partly added before ${e.message}`);
      }
      throw e;
    }
    for (let t = 0; t < this.thresholds.length; t++) {
      const th = this.thresholds[t];
      let tp = 0;
      let fp = 0;
      for (let i = 0; i < map.length; i++) {
        if (map[i] >= th) {
          if (mask[i] === 1) tp++;
          else fp++;
        }
      }
      this.tp[t] += tp;
      this.fp[t] += fp;
      this.fn[t] += foreground - tp;
    }
    this.images++;
    this.pixels += map.length;
    this.positives += foreground;
  }

  /**
   * Dataset-level metrics so far. Throws SINGLE_CLASS unless both anomalous and normal pixels
   * were seen (AUROC/AP are undefined otherwise).
   */
  compute(): PixelMetrics {
    this.assertUsable();
    const counts = this.store.counts(this.regions);
    const ranking = summarise(counts, this.proMaxFpr, this.mode === 'binned');
    return {
      ...ranking,
      mode: this.mode,
      images: this.images,
      pixels: this.pixels,
      positivePixels: this.positives,
      regions: this.regions,
      clampedPixels: this.store instanceof BinnedStore ? this.store.clamped : 0,
      atThresholds: this.thresholds.map((threshold, t) => ({
        threshold,
        ...overlapFromCounts(this.tp[t], this.fp[t], this.fn[t], this.pixels - this.tp[t] - this.fp[t] - this.fn[t]),
      })),
    };
  }

  private assertUsable(): void {
    if (this.broken) throw this.broken;
  }
}

/** First pass for binned mode: the min/max over all maps seen, to use as `range`. */
export class RangeTracker {
  min = Infinity;
  max = -Infinity;
  observe(map: Float32Array): void {
    for (let i = 0; i < map.length; i++) {
      const v = map[i];
      if (!Number.isFinite(v)) throw new MetricError('NON_FINITE', `anomaly map pixel ${i} is ${v}`);
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }
  /** The range seen; widened slightly when all scores were equal so that max > min. */
  range(): ScoreRange {
    if (this.min > this.max) throw new MetricError('EMPTY_INPUT', 'RangeTracker has observed no pixels');
    return this.max > this.min ? { min: this.min, max: this.max } : { min: this.min - 0.5, max: this.max + 0.5 };
  }
}
