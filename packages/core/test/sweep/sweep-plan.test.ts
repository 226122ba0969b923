import { describe, expect, it } from 'vitest';
import { experimentConfigSchema } from '../../src/experiment/schema.js';
import type { MetricsJson } from '../../src/pipeline/evaluate.js';
import { aggregateSweep, MAIN_VARIANT, type RunOutcome } from '../../src/sweep/aggregate.js';
import { sweepHtml } from '../../src/sweep/html.js';
import { expandSweep, parseSeeds, parseSet } from '../../src/sweep/plan.js';

const base = experimentConfigSchema.parse({ medad: 'experiment', dataset: 'd.yaml', detector: { name: 'ae' }, training: { lr: 0.002, seed: 9 }, sweep: { seeds: '0-1', set: { 'training.lr': [0.1] } } });

describe('sweep plan', () => {
  it('parses seed lists and ranges, and --set values as YAML scalars', () => {
    expect(parseSeeds('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseSeeds('3, 1-2,3')).toEqual([3, 1, 2]);
    expect(() => parseSeeds('4-1')).toThrow(/backwards/);
    expect(() => parseSeeds('a')).toThrow(/not a number/);
    expect(parseSet('training.lr=1e-3,5e-4;detector.params.latent=8,16; input.resize=area')).toEqual({
      'training.lr': [0.001, 0.0005],
      'detector.params.latent': [8, 16],
      'input.resize': ['area'],
    });
    expect(() => parseSet('lr=1')).toThrow(/dotted config key/);
    expect(() => parseSet('training.lr=')).toThrow(/no values/);
  });

  it('expands every combination (first key slowest) times every seed, with validated configs', () => {
    const { settings, runs } = expandSweep(base, 'exp', { seeds: [0, 1, 2], set: { 'training.lr': [0.001, 0.0005], 'training.batchSize': [8, 16] } });
    expect(settings.map((s) => s.label)).toEqual([
      'training.lr=0.001 training.batchSize=8',
      'training.lr=0.001 training.batchSize=16',
      'training.lr=0.0005 training.batchSize=8',
      'training.lr=0.0005 training.batchSize=16',
    ]);
    expect(runs).toHaveLength(12);
    const r = runs[7];
    expect(r).toMatchObject({ setting: 2, seed: 1, name: 'exp-set3-seed1' });
    expect(r.config.training).toMatchObject({ lr: 0.0005, batchSize: 8, seed: 1 });
    expect(r.config.name).toBe('exp-set3-seed1');
    expect(r.config.sweep).toBeUndefined();
    expect(base.training.lr).toBe(0.002); // the base is not modified
  });

  it('a value the schema refuses is an error naming the key', () => {
    expect(() => expandSweep(base, 'exp', { seeds: [0], set: { 'training.batchSize': [1] } })).toThrow(/training\.batchSize/);
    expect(() => expandSweep(base, 'exp', { seeds: [0], set: { 'training.lrr': [1] } })).toThrow(/lrr/);
  });
});

function metrics(auroc: number, ap: number, variants?: Record<string, number>): MetricsJson {
  return {
    image: { auroc: { value: auroc }, ap: { value: ap } },
    ...(variants ? { variants: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, { image: { auroc: { value: v } } }])) } : {}),
  } as unknown as MetricsJson;
}

describe('sweep aggregate', () => {
  it('mean, sample SD and the t-interval per setting and variant, checked by hand', () => {
    const settings = [
      { index: 0, label: 'a', values: {} },
      { index: 1, label: 'b', values: {} },
    ];
    const outcomes: RunOutcome[] = [
      { setting: 0, seed: 2, runDir: 'r2', metrics: metrics(1.0, 0.5, { rec: 0.6 }) },
      { setting: 0, seed: 0, runDir: 'r0', metrics: metrics(0.8, 0.5, { rec: 0.7 }) },
      { setting: 0, seed: 1, runDir: 'r1', metrics: metrics(0.9, 0.5, { rec: 0.8 }) },
      { setting: 1, seed: 0, runDir: 'q0', metrics: metrics(0.6, 0.4) },
    ];
    const agg = aggregateSweep(settings, outcomes);
    const a = agg.settings[0];
    expect(a.seeds).toEqual([0, 1, 2]);
    expect(a.runs).toEqual(['r0', 'r1', 'r2']);
    const au = a.variants[MAIN_VARIANT].auroc;
    expect(au.values).toEqual([0.8, 0.9, 1.0]);
    expect(au.mean).toBeCloseTo(0.9, 12);
    // sd = sqrt(((-.1)^2 + 0 + .1^2) / 2) = 0.1; half-width = t_{0.975,2} * 0.1 / sqrt(3), t from SciPy.
    expect(au.sd).toBeCloseTo(0.1, 12);
    const half = (4.302652729911275 * 0.1) / Math.sqrt(3);
    expect(au.ci?.[0]).toBeCloseTo(0.9 - half, 9);
    expect(au.ci?.[1]).toBeCloseTo(0.9 + half, 9);
    expect(a.variants[MAIN_VARIANT].ap.sd).toBe(0);
    expect(a.variants.rec.auroc.mean).toBeCloseTo(0.7, 12);
    const b = agg.settings[1];
    expect(b.variants[MAIN_VARIANT].auroc).toMatchObject({ n: 1, mean: 0.6 });
    expect(b.variants[MAIN_VARIANT].auroc.ci).toBeUndefined();
    const html = sweepHtml('t <x>', agg);
    expect(html).toContain('0.9000 ± 0.1000');
    expect(html).toContain('<h2>rec</h2>');
    expect(html).toContain('t &lt;x&gt;');
  });
});
