import { describe, expect, it } from 'vitest';
import { compareHtml, compareRows } from '../src/webview-logic/compare.js';


describe('compare runs', () => {
  it('lists every metric of either run with the difference where both have it', () => {
    expect(compareRows({ AUROC: 0.8, AP: 0.7 }, { AUROC: 0.9, Dice: 0.3 })).toEqual([
      { metric: 'AUROC', a: 0.8, b: 0.9, delta: 0.9 - 0.8 },
      { metric: 'AP', a: 0.7 },
      { metric: 'Dice', b: 0.3 },
    ]);
  });
  it('overlays both ROC and PR curves, one series per run', () => {
    const run = (name: string, shift: number) => ({ name, metrics: { AUROC: 0.5 + shift }, scores: [0.1, 0.2 + shift, 0.3, 0.9], labels: [0, 0, 1, 1] as (0 | 1)[] });
    const html = compareHtml(run('r1', 0), run('r2<x>', 0.2));
    expect(html).toContain('r2&lt;x&gt;');
    expect(html.match(/<polyline class="curve series-0"/g)).toHaveLength(2);
    expect(html.match(/<polyline class="curve series-1"/g)).toHaveLength(2);
    expect(compareHtml({ ...run('a', 0), scores: [], labels: [] }, { ...run('b', 0), scores: [], labels: [] })).toMatch(/No curves/);
  });
});
