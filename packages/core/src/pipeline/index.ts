// The train / evaluate / score pipeline over run folders.
export { train, type TrainOptions, type TrainResult, type PipelineProgress } from './train.js';
export { evaluate, type EvaluateOptions, type EvaluateResult, type MetricsJson } from './evaluate.js';
export { scoreFiles, type ScoreFilesOptions, type ScoreFilesResult, type FileScore } from './score.js';
export { openExperiment, readExperiment, type ExperimentContext, type ExperimentRef, type ParsedExperiment } from './context.js';
export { chooseThreshold, imageMetrics, type MetricEntry, type ThresholdResult } from './image-metrics.js';
export { findRuns, readRunMeta, readExperimentRecord, type RunMeta, type RunState, type ExperimentRecord, RUN_JSON, MODEL_DIR, TRAIN_LOG } from './run-dir.js';
