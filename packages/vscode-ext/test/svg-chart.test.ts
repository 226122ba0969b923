import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramSvg, lineChartSvg, niceTicks, thin, tickLabel } from '../src/webview-logic/svg-chart.js';

const attrs = (svg: string, tag: string, cls: string) =>
  [...svg.matchAll(new RegExp(`<${tag} class="${cls}[^"]*"([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1].matchAll(/(\w[\w-]*)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
const texts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);

describe('niceTicks', () => {
  it('uses 1/2/5 steps inside the range', () => {
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.017, 0.07, 4)).toEqual([0.02, 0.03, 0.04, 0.05, 0.06, 0.07]);
    expect(niceTicks(-3, 12, 3)).toEqual([0, 5, 10]);
    expect(niceTicks(2, 2)).toEqual([2]);
    // no multiple of the step inside: the ends (found by the property below)
    expect(niceTicks(0.00101, 0.00149, 1)).toEqual([0.00101, 0.00149]); // step 0.0005: 0.001 and 0.0015 fall outside
  });
  it('always returns increasing ticks within [lo, hi] (property)', () => {
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 10 }), (lo, span, n) => {
      const t = niceTicks(lo, lo + span, n);
      const eps = span * 1e-6 + Math.abs(lo) * 1e-14;
      return t.length >= 1 && t.length <= 3 * n + 2 && t.every((v, i) => v >= lo - eps && v <= lo + span + eps && (i === 0 || v > t[i - 1]));
    }), { numRuns: 3000 });
  });
});

describe('tickLabel and thin', () => {
  it('formats ticks with 3 significant digits, exponents outside 1e-3..1e4', () => {
    expect([0, 0.25, 0.0517, 1234, 12345, 0.0001].map(tickLabel)).toEqual(['0', '0.25', '0.0517', '1230', '1.2e+4', '1.0e-4']);
  });
  it('keeps both ends and at most max points', () => {
    const x = Array.from({ length: 1001 }, (_, i) => i);
    const t = thin(x, x, 11);
    expect(t.x).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(thin([1, 2], [3, 4], 11)).toEqual({ x: [1, 2], y: [3, 4] });
  });
});

describe('lineChartSvg', () => {
  const svg = lineChartSvg({
    title: 'ROC <curve>', xLabel: 'false-positive rate', yLabel: 'true-positive rate', diagonal: true,
    series: [{ x: [0, 0, 0.5, 1], y: [0, 0.5, 1, 1], label: 'AUROC 0.875', cls: 'series-0' }],
    marker: { x: 0.5, y: 1, label: 'threshold 0.3' }, size: { width: 256, height: 248 },
  });
  it('has axes with ticks and labels, a chance line and a legend', () => {
    expect(texts(svg, 'tick')).toEqual(['0', '0.25', '0.5', '0.75', '1', '0', '0.25', '0.5', '0.75', '1']);
    expect(texts(svg, 'axis-label')).toEqual(['false-positive rate', 'true-positive rate']);
    expect(texts(svg, 'legend')).toEqual(['AUROC 0.875']);
    // plot area: x 46..246, y 10..210 (256x248 minus margins)
    expect(attrs(svg, 'line', 'chance')[0]).toMatchObject({ x1: '46', y1: '210', x2: '246', y2: '10' });
    expect(svg).toContain('aria-label="ROC &lt;curve&gt;"');
  });
  it('maps data to the plot area, and marks the operating point', () => {
    const line = attrs(svg, 'polyline', 'curve')[0];
    expect(line.points).toBe('46,210 46,110 146,10 246,10');
    expect(line['data-points']).toBe('4');
    expect(attrs(svg, 'circle', 'marker')[0]).toMatchObject({ cx: '146', cy: '10' });
  });
  it('draws a horizontal baseline (PR prevalence)', () => {
    const pr = lineChartSvg({ title: 'PR', xLabel: 'recall', yLabel: 'precision', baseline: 0.25, series: [], size: { width: 256, height: 248 } });
    expect(attrs(pr, 'line', 'chance')[0]).toMatchObject({ y1: '160', y2: '160' });
  });
});

describe('histogramSvg', () => {
  const chart = (threshold?: number) => histogramSvg({
    title: 'Scores', xLabel: 'score', lo: 0, hi: 1, threshold, size: { width: 256, height: 248 },
    groups: [{ counts: [2, 2, 0, 0], label: 'normal', cls: 'series-0' }, { counts: [0, 0, 1, 3], label: 'lesion', cls: 'series-1' }],
  });
  it('draws each class as fractions of its size over shared bins', () => {
    const bars = attrs(chart(), 'rect', 'bar series-1').filter((b) => b.width !== '10');
    // lesion: 1/4 and 3/4 of a 188 px plot (248 - margins - the legend row) whose y axis tops at 0.8 (the nice
    // tick above the tallest bar)
    expect(bars.map((b) => b.x)).toEqual(['146', '196']);
    const want = [188 * 0.25 / 0.8, 188 * 0.75 / 0.8];
    bars.forEach((b, i) => expect(Math.abs(Number(b.height) - want[i])).toBeLessThanOrEqual(0.1)); // coordinates in 0.1 px
    expect(texts(chart(), 'legend')).toEqual(['normal (n=4)', 'lesion (n=4)']);
  });
  it('marks the threshold inside the range only', () => {
    expect(attrs(chart(0.5), 'line', 'threshold')[0]).toMatchObject({ x1: '146', x2: '146' });
    expect(attrs(chart(2), 'line', 'threshold')).toEqual([]);
  });
});
