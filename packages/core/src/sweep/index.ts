export { runSweep, SWEEP_JSON, AGGREGATE_JSON, SUMMARY_HTML, type SweepOptions, type SweepRecord, type SweepRunRecord, type SweepResult } from './run-sweep.js';
export { aggregateSweep, MAIN_VARIANT, type RunOutcome, type SweepAggregate, type SettingAggregate, type MetricSummary } from './aggregate.js';
export { parseSeeds, parseSet, type SweepSetting } from './plan.js';
