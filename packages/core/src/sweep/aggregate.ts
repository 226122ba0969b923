// The sweep's answer: per setting and per score variant (the detector's main score, then each of its other scores
// from metrics.json `variants`), every metric's mean, sample SD and 95% t-interval over the seeds.
import { meanTInterval, type MeanInterval } from '@medad/metrics';
import type { MetricsJson } from '../pipeline/evaluate.js';
import type { SweepSetting } from './plan.js';

export const MAIN_VARIANT = 'main';

export interface RunOutcome {
  setting: number;
  seed: number;
  runDir: string;
  metrics: MetricsJson;
}

export interface MetricSummary extends MeanInterval {
  /** The per-seed values, in seed order. */
  values: number[];
}

export interface SettingAggregate {
  setting: number;
  label: string;
  values: Record<string, unknown>;
  seeds: number[];
  runs: string[];
  /** variant -> metric -> summary. Metrics missing from some run are left out (noted). */
  variants: Record<string, Record<string, MetricSummary>>;
  notes: string[];
}

export interface SweepAggregate {
  format: 'medad-sweep-aggregate/1';
  confidence: number;
  settings: SettingAggregate[];
}

type Group = Record<string, { value?: unknown } | undefined> | undefined;

function flat(image: Group, pixel: Group): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of [image, pixel]) {
    for (const [k, v] of Object.entries(g ?? {})) if (typeof v?.value === 'number' && Number.isFinite(v.value)) out[k] = v.value;
  }
  return out;
}

/** Flat metric values per variant of one run. */
export function variantMetrics(m: MetricsJson): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = { [MAIN_VARIANT]: flat(m.image as Group, m.pixel as Group) };
  for (const [name, v] of Object.entries(m.variants ?? {})) out[name] = flat(v.image as Group, v.pixel as Group);
  return out;
}

export function aggregateSweep(settings: readonly SweepSetting[], outcomes: readonly RunOutcome[], confidence = 0.95): SweepAggregate {
  return {
    format: 'medad-sweep-aggregate/1',
    confidence,
    settings: settings.map((s) => {
      const runs = outcomes.filter((o) => o.setting === s.index).sort((a, b) => a.seed - b.seed);
      const perRun = runs.map((r) => variantMetrics(r.metrics));
      const notes: string[] = [];
      const variants: SettingAggregate['variants'] = {};
      const names = [...new Set(perRun.flatMap((v) => Object.keys(v)))];
      for (const name of names) {
        const metricNames = [...new Set(perRun.flatMap((v) => Object.keys(v[name] ?? {})))];
        const out: Record<string, MetricSummary> = {};
        for (const metric of metricNames) {
          const values = perRun.map((v) => v[name]?.[metric]);
          if (values.some((x) => x === undefined)) {
            notes.push(`${name}/${metric}: missing from some runs, left out`);
            continue;
          }
          out[metric] = { ...meanTInterval(values as number[], confidence), values: values as number[] };
        }
        variants[name] = out;
      }
      return { setting: s.index, label: s.label, values: s.values, seeds: runs.map((r) => r.seed), runs: runs.map((r) => r.runDir), variants, notes };
    }),
  };
}
