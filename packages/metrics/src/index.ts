// Public API of @medad/metrics: pure evaluation code, no tensors and no I/O.
export { MetricError, type MetricErrorCode } from './errors.js';
export type { Labels, Scores } from './validate.js';
export {
  confusionAt,
  metricsAt,
  metricsFromConfusion,
  type Confusion,
  type ThresholdMetrics,
  type ZeroDivision,
} from './confusion.js';
export { rankCounts, type RankCounts } from './ranking.js';
export {
  apFromCounts,
  auprcTrapezoidFromCounts,
  auroc,
  aurocFromCounts,
  averagePrecision,
  auprcTrapezoid,
  prCurve,
  prFromCounts,
  rocCurve,
  rocFromCounts,
  type PrCurve,
  type RocCurve,
  type RocOptions,
} from './curves.js';
export {
  adaptiveThreshold,
  maxF1Threshold,
  normalQuantileThreshold,
  thresholdAtFpr,
  thresholdAtSpecificity,
  youdenThreshold,
  type AdaptiveThreshold,
  type QuantileThreshold,
  type ThresholdChoice,
} from './thresholds.js';
export { Rng } from './prng.js';
export { bootstrapCI, type BootstrapInterval, type BootstrapMetric, type BootstrapOptions } from './bootstrap.js';
export { delongTest, type DeLongResult } from './delong.js';
export { erfc, twoSidedP } from './normal.js';
export { connectedComponents, type Components } from './pixel/components.js';
export { maskOverlap, overlapAt, type Overlap } from './pixel/overlap.js';
export {
  PixelMetricsAccumulator,
  RangeTracker,
  type PixelAccumulatorOptions,
  type PixelMetrics,
} from './pixel/accumulator.js';
export type { ScoreRange } from './pixel/binned.js';
export type { PixelRankingMetrics } from './pixel/summary.js';
export { trapezoidUpTo } from './pixel/pro.js';
export { incompleteBeta, meanTInterval, studentTCdf, studentTQuantile, type MeanInterval } from './student-t.js';
