import { describe, expect, it } from 'vitest';
import type { SweepRunSummary, SweepSummary } from '@medad/daemon/protocol';
import { SWEEP_WITH_SUMMARY, formatSummary, headline, sweepChildren, sweepNodeText, type SweepNode } from '../src/sweep-tree.js';

const run = (setting: number, seed: number, sweepState: SweepRunSummary['sweepState'] = 'done'): SweepRunSummary => ({
  runDir: `/w/runs/demo-sweep-1/runs/demo-set${setting + 1}-seed${seed}-20261207`,
  state: sweepState === 'done' ? 'finished' : 'running',
  setting,
  seed,
  sweepState,
});

// Two settings x two seeds; setting 1 has one seed evaluated so far.
const sweep = (extra: Partial<SweepSummary> = {}): SweepSummary => ({
  sweepDir: '/w/runs/demo-sweep-1',
  name: 'demo-sweep-1',
  startedAt: '2026-12-07T03:00:00Z',
  total: 4,
  done: 3,
  failed: 0,
  settings: [{ label: 'training.lr=0.01' }, { label: 'training.lr=0.001' }],
  runs: [run(0, 0), run(0, 1), run(1, 0), run(1, 1, 'pending')],
  aggregate: {
    confidence: 0.95,
    partial: true,
    settings: [
      {
        label: 'training.lr=0.01',
        seeds: [0, 1],
        variants: {
          main: { auroc: { n: 2, mean: 0.75, sd: 0.05, ci: [0.3, 1.2], values: [0.7, 0.8] }, auprc: { n: 2, mean: 0.6, sd: 0.1, ci: [-0.3, 1.5], values: [0.5, 0.7] } },
          ssim: { auroc: { n: 2, mean: 0.65, sd: 0.02, ci: [0.47, 0.83], values: [0.63, 0.67] } },
        },
      },
      { label: 'training.lr=0.001', seeds: [0], variants: { main: { auroc: { n: 1, mean: 0.9, values: [0.9] } } } },
    ],
  },
  ...extra,
});

const texts = (nodes: SweepNode[]) => nodes.map((n) => (n.kind === 'run' ? `run ${n.run.runDir.split('/').pop()}` : sweepNodeText(n).label));

describe('the Runs view\'s sweeps', () => {
  it('formats mean ± SD [t-interval] n, and a single seed without a spread', () => {
    expect(formatSummary({ n: 3, mean: 0.8123, sd: 0.0311, ci: [0.7351, 0.8896], values: [] })).toBe('0.812 ± 0.031 [0.735, 0.890] n=3');
    expect(formatSummary({ n: 1, mean: 0.9, values: [0.9] })).toBe('0.900 n=1');
    expect(headline({ auprc: { n: 1, mean: 1, values: [] }, auroc: { n: 1, mean: 2, values: [] } })?.[0]).toBe('auroc');
    expect(headline({ pixel_auroc: { n: 1, mean: 1, values: [] }, dice: { n: 1, mean: 2, values: [] } })?.[0]).toBe('pixel_auroc');
  });

  it('shows a sweep as one node with runs done/total, its settings and an Open summary action once summary.html exists', () => {
    const s = sweep();
    const t = sweepNodeText({ kind: 'sweep', sweep: s });
    expect(t.label).toBe('demo-sweep-1');
    expect(t.description).toBe('3/4 runs done, running · 2 settings');
    expect(t.icon).toBe('sync~spin');
    expect(t.tooltip).toContain('training.lr=0.01: auroc 0.750 ± 0.050 [0.300, 1.200] n=2');
    expect(t.tooltip).toContain('training.lr=0.001: auroc 0.900 n=1');
    expect(t.tooltip).toContain('partial');
    expect(t.contextValue).toBe('medad.sweep');
    const finished = sweepNodeText({ kind: 'sweep', sweep: sweep({ done: 4, finishedAt: '2026-12-07T03:10:00Z', summaryHtml: '/w/runs/demo-sweep-1/summary.html' }) });
    expect(finished.contextValue).toBe(SWEEP_WITH_SUMMARY);
    expect(finished.description).toBe('4/4 runs done · 2 settings');
    expect(finished.icon).toBe('layers');
    // One setting: its headline goes on the sweep's own line.
    const one = sweep({ settings: [{ label: 'base' }], aggregate: { confidence: 0.95, partial: false, settings: [{ label: 'base', seeds: [0, 1], variants: { main: { auroc: { n: 2, mean: 0.5, sd: 0.1, ci: [0, 1], values: [0.4, 0.6] } } } }] } });
    expect(sweepNodeText({ kind: 'sweep', sweep: one }).description).toBe('3/4 runs done, running · auroc 0.500 ± 0.100 [0.000, 1.000] n=2');
    expect(sweepNodeText({ kind: 'sweep', sweep: sweep({ failed: 1, done: 3 }) }).icon).toBe('warning');
  });

  it('groups the runs under their setting, after the setting\'s score variants, each variant listing its metrics', () => {
    const s = sweep();
    const settings = sweepChildren({ kind: 'sweep', sweep: s });
    expect(texts(settings)).toEqual(['training.lr=0.01', 'training.lr=0.001']);
    const first = sweepChildren(settings[0]);
    expect(texts(first)).toEqual(['main', 'ssim', 'run demo-set1-seed0-20261207', 'run demo-set1-seed1-20261207']);
    expect(sweepNodeText(settings[0] as Exclude<SweepNode, { kind: 'run' }>).description).toBe('auroc 0.750 ± 0.050 [0.300, 1.200] n=2 · 2/2 seeds');
    expect(sweepNodeText(settings[1] as Exclude<SweepNode, { kind: 'run' }>).description).toBe('auroc 0.900 n=1 · 1/2 seeds');
    const metrics = sweepChildren(first[0]);
    expect(texts(metrics)).toEqual(['auroc', 'auprc']);
    const auprc = sweepNodeText(metrics[1] as Exclude<SweepNode, { kind: 'run' }>);
    expect(auprc.description).toBe('0.600 ± 0.100 [-0.300, 1.500] n=2');
    expect(auprc.tooltip).toContain('95% t-interval of the mean [-0.3, 1.5]');
    expect(auprc.tooltip).toContain('per seed: 0.5, 0.7');
    expect(sweepNodeText(first[1] as Exclude<SweepNode, { kind: 'run' }>).description).toBe('auroc 0.650 ± 0.020 [0.470, 0.830] n=2');
    // The second setting's pending seed is listed as a run too.
    expect(texts(sweepChildren(settings[1]))).toEqual(['main', 'run demo-set2-seed0-20261207', 'run demo-set2-seed1-20261207']);
  });

  it('a sweep with no evaluated run yet says so instead of showing numbers', () => {
    const s = sweep({ done: 0, aggregate: undefined, runs: [] });
    const settings = sweepChildren({ kind: 'sweep', sweep: s });
    expect(sweepNodeText(settings[0] as Exclude<SweepNode, { kind: 'run' }>).description).toBe('no evaluated run yet · 0/2 seeds');
    expect(sweepChildren(settings[0])).toEqual([]);
  });
});
