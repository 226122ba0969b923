// medad/runMetrics on a hand-written run folder: the detector's other scores (metrics.json `variants`) come back
// flattened and named like the main `metrics`, with their CIs; a metrics.json without variants gives none.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEditorEngine } from '../src/engine/core-adapter.js';
import { tempWorkspace } from './helpers.js';

function fakeRun(metrics: object): string {
  const dir = tempWorkspace();
  writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ state: 'evaluated', detector: 'ddad' }));
  writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify(metrics));
  return dir;
}

const threshold = { threshold: 0.5, policy: 'p95', chosenOn: 'validation' };
const main = {
  format: 'medad-metrics/1',
  threshold,
  image: { auroc: { value: 0.9, ci: [0.8, 0.95] }, ap: { value: 0.85 } },
  pixel: { pixelAuroc: { value: 0.93 }, bestDice: { value: 0.41 } },
};

describe('runMetrics variants', () => {
  it('flattens each variant like the main metrics, with image and pixel CIs under display names', async () => {
    const dir = fakeRun({
      ...main,
      variants: {
        rec: { threshold, image: { auroc: { value: 0.7, ci: [0.6, 0.8] }, ap: { value: 0.65 }, f1: { value: 0.5 } }, pixel: { pixelAuroc: { value: 0.88, ci: [0.85, 0.9] }, bestDice: { value: 0.3 } } },
        'r-dual': { threshold, image: { auroc: { value: 0.95 }, ap: { value: 0.9 } } },
      },
    });
    const r = await createEditorEngine().runMetrics(dir);
    expect(r.metrics).toEqual({ AUROC: 0.9, AP: 0.85, pixelAuroc: 0.93, bestDice: 0.41 });
    expect(r.intervals).toEqual({ AUROC: [0.8, 0.95] });
    expect(r.variants).toEqual({
      rec: { AUROC: 0.7, AP: 0.65, f1: 0.5, pixelAuroc: 0.88, bestDice: 0.3 },
      'r-dual': { AUROC: 0.95, AP: 0.9 },
    });
    // the variants' keys follow the main metrics' naming exactly
    for (const k of Object.keys(r.metrics)) expect(Object.keys(r.variants?.rec ?? {})).toContain(k);
    expect(r.variantIntervals).toEqual({ rec: { AUROC: [0.6, 0.8], pixelAuroc: [0.85, 0.9] } });
  });

  it('passes the shortcut baselines through (flagged descriptors by name); a malformed block is left out', async () => {
    const shortcuts = { bestSingle: { descriptor: 'gradientMean', auroc: 0.873, direction: 'lower', ci: [0.846, 0.899] }, bestSingleCv: 0.876, combinedCv: 0.889, k: 5, flagged: [{ descriptor: 'gradientMean', auroc: 0.873 }], images: 624, note: 'n' };
    const r = await createEditorEngine().runMetrics(fakeRun({ ...main, shortcuts }));
    expect(r.shortcuts).toEqual({ bestSingle: { descriptor: 'gradientMean', auroc: 0.873, direction: 'lower' }, bestSingleCv: 0.876, combinedCv: 0.889, k: 5, flagged: ['gradientMean'] });
    const bad = await createEditorEngine().runMetrics(fakeRun({ ...main, shortcuts: { bestSingle: { auroc: 'x' } } }));
    expect('shortcuts' in bad).toBe(false);
  });

  it('leaves variants out when metrics.json has none (or only malformed ones)', async () => {
    const plain = await createEditorEngine().runMetrics(fakeRun(main));
    expect(plain.metrics.AUROC).toBe(0.9);
    expect('variants' in plain).toBe(false);
    expect('variantIntervals' in plain).toBe(false);
    const odd = await createEditorEngine().runMetrics(fakeRun({ ...main, variants: { x: null, y: { image: { auroc: 'high' } } } }));
    expect('variants' in odd).toBe(false);
  });
});
