import { describe, expect, it } from 'vitest';
import { renderReportHtml, type ReportData } from '../../src/report/html.js';
import { jet, overlayPng, overlayRgb } from '../../src/report/overlay.js';
import { histogramSvg, thin } from '../../src/report/svg.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const example = (name: string, score: number, label: 0 | 1) => ({ name, className: label ? 'lesion' : 'normal', label, score, imagePng: png, overlayPng: png, hasMask: label === 1 });

function data(overrides: Partial<ReportData> = {}): ReportData {
  return {
    title: 'demo <ae>',
    generatedAt: '2025-01-01T00:00:00Z',
    synthetic: true,
    run: { dir: '/runs/x', experiment: 'exp.yaml', detector: 'ae', params: { latent: 16 } },
    dataset: { name: 'phantoms', splits: [{ name: 'test', normal: 2, abnormal: 2 }], inputSize: [64, 64] },
    backend: 'wasm',
    timing: [{ label: 'training', ms: 61_000 }],
    threshold: { policy: 'normal-quantile', value: 0.95, threshold: 0.5, chosenOn: 'validation' },
    imageMetrics: { auroc: { value: 0.75, ci: [0.5, 1] }, ap: { value: 0.8 } },
    pixelMetrics: { dice: { value: 0.3 } },
    roc: { fpr: [0, 0.5, 1], tpr: [0, 1, 1] },
    pr: { precision: [0.5, 1, 1], recall: [1, 0.5, 0] },
    scores: { normal: [0.1, 0.6], abnormal: [0.7, 0.4] },
    mapRange: [0, 1],
    most: [example('a.png', 0.7, 1)],
    least: [example('b.png', 0.1, 0)],
    ...overrides,
  };
}

describe('HTML report', () => {
  it('has every section, escapes text and embeds images as data URIs only', () => {
    const html = renderReportHtml(data());
    for (const id of ['metrics', 'curves', 'maps-legend', 'most-anomalous', 'least-anomalous', 'run-info']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('demo &lt;ae&gt;');
    expect(html).not.toContain('demo <ae>');
    expect(html).toContain('Synthetic data');
    expect(html).toMatch(/<svg[^>]*aria-label="ROC curve"/);
    expect(html).toMatch(/<svg[^>]*aria-label="Precision-recall curve"/);
    expect(html).toMatch(/<svg[^>]*aria-label="Score histogram"/);
    expect(html).toContain('0.5000 – 1.0000'); // the CI
    expect(html).toContain(`data:image/png;base64,${Buffer.from(png).toString('base64')}`);
    // Self-contained: no external src/href (the SVG namespace is not a fetch).
    expect(html.match(/(src|href)="(?!data:)[^"]*"/g)).toBeNull();
  });

  it('omits the banner for real data and says when there are no pixel metrics', () => {
    const html = renderReportHtml(data({ synthetic: false, pixelMetrics: undefined }));
    expect(html).not.toContain('Synthetic data');
    expect(html).toContain('No pixel-level metrics');
  });
});

describe('charts', () => {
  it('thins long curves but keeps both ends', () => {
    const x = Array.from({ length: 1000 }, (_, i) => i);
    const t = thin(x, x, 10);
    expect(t.x).toHaveLength(10);
    expect([t.x[0], t.x[9]]).toEqual([0, 999]);
  });

  it('histograms draw one bar per non-empty bin per group and mark the threshold', () => {
    const svg = histogramSvg('h', 'score', [{ values: [0, 0, 1], color: 'red', label: 'a' }], { bins: 4, threshold: 0.5 });
    expect(svg.match(/<rect [^>]*fill="red"/g)).toHaveLength(2);
    expect(svg).toContain('threshold');
  });
});

describe('overlay', () => {
  it('jet runs from blue to red', () => {
    expect(jet(0)).toEqual([0, 0, 128]);
    expect(jet(1)).toEqual([128, 0, 0]);
    expect(jet(0.5)[1]).toBe(255);
  });

  it('uses the fixed range (same value, same colour, whatever else is in the map) and outlines the mask', () => {
    const image = new Float32Array(16).fill(0.5);
    const mapA = new Float32Array(16).fill(0.2);
    const mapB = Float32Array.from(mapA, (v, i) => (i === 0 ? 5 : v));
    const a = overlayRgb({ width: 4, height: 4, image, map: mapA, range: [0, 1], scale: 1 });
    const b = overlayRgb({ width: 4, height: 4, image, map: mapB, range: [0, 1], scale: 1 });
    expect(Array.from(a.data.slice(15 * 3))).toEqual(Array.from(b.data.slice(15 * 3)));
    const mask = new Uint8Array(16);
    mask[5] = mask[6] = mask[9] = mask[10] = 1; // a 2x2 block in the middle
    const o = overlayRgb({ width: 4, height: 4, image, map: mapA, range: [0, 1], mask, scale: 4 });
    const at = (x: number, y: number) => Array.from(o.data.slice((y * 16 + x) * 3, (y * 16 + x) * 3 + 3));
    expect(at(4, 4)).toEqual([255, 255, 255]); // rim of the block
    expect(at(7, 7)).not.toEqual([255, 255, 255]); // inside
    expect(at(0, 0)).not.toEqual([255, 255, 255]); // outside
  });

  it('encodes a PNG of the upscaled size', async () => {
    const bytes = await overlayPng({ width: 2, height: 2, image: [0, 1, 0, 1], map: [0, 1, 0, 1], range: [0, 1], scale: 3 });
    expect(bytes.readUInt32BE(16)).toBe(6);
  });
});
