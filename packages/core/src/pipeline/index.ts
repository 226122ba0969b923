// The train / evaluate / score pipeline over run folders.
export { train, type TrainOptions, type TrainResult, type PipelineProgress } from './train.js';
export { evaluate, type EvaluateOptions, type EvaluateResult, type MetricsJson } from './evaluate.js';
export { scoreFiles, type ScoreFilesOptions, type ScoreFilesResult, type FileScore } from './score.js';
export { renderHeatmap, colormapRgb, type ColormapName, type MapNormalisation, type HeatmapOptions, type RenderedHeatmap } from './heatmap.js';
export { openScorer, type Scorer, type ScoredImage } from './scorer.js';
export { openExperiment, readExperiment, type ExperimentContext, type ExperimentRef, type ParsedExperiment } from './context.js';
export { chooseThreshold, imageMetrics, type MetricEntry, type ThresholdResult } from './image-metrics.js';
export { checkExperimentConfig, type ExperimentCheckOptions } from './check-experiment.js';
export { acquireRunLock, readRunLock, releaseOwnRunLocks, RunLockedError, LOCK_FILE, type LockOwner, type LockStatus, type RunLock } from './run-lock.js';
export {
  findRuns,
  listRuns,
  readRunMeta,
  readRunMetrics,
  readExperimentRecord,
  configHash,
  canonicalJson,
  type RunMeta,
  type RunState,
  type RunListing,
  type RunMetrics,
  type ExperimentRecord,
  RUN_JSON,
  METRICS_JSON,
  MODEL_DIR,
  TRAIN_LOG,
} from './run-dir.js';
export { mapDisplay, DISPLAY_QUANTILE, type MapDisplay } from './display-range.js';
export { thresholdReliability, quantileCiRanks, type ThresholdReliability } from './threshold-reliability.js';
