// Heatmap rendering: colormap anchors, the three normalisations and resampling to the source image's size.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colormapRgb, renderHeatmap } from '../../src/pipeline/heatmap.js';

/** Anchors: matplotlib's published viridis / inferno hex values at 0, 0.5 and 1 (independent of the fit). */
const ANCHORS = {
  viridis: [[0, '440154'], [0.5, '21918c'], [1, 'fde725']],
  inferno: [[0, '000004'], [0.5, 'bc3754'], [1, 'fcffa4']],
} as const;

async function pixels(png: Buffer, channels: 1 | 3 = 3): Promise<{ data: Buffer; width: number; height: number }> {
  // IHDR's colour type (byte 25): 0 grey, 2 RGB; sharp widens grey to RGB on decode unless told otherwise
  expect(png[25]).toBe(channels === 1 ? 0 : 2);
  const { data, info } = await (channels === 1 ? sharp(png).toColourspace('b-w') : sharp(png)).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(channels);
  return { data, width: info.width, height: info.height };
}

describe('colormaps', () => {
  it('match matplotlib within 4/255 at the anchors; jet and gray by formula', () => {
    for (const [name, anchors] of Object.entries(ANCHORS))
      for (const [t, hex] of anchors) {
        const want = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
        const got = colormapRgb(name as 'viridis', t);
        got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(4));
      }
    expect(colormapRgb('jet', 0)).toEqual([0, 0, 128]);
    expect(colormapRgb('jet', 1)).toEqual([128, 0, 0]);
    expect(colormapRgb('gray', 0.5)).toEqual([128, 128, 128]);
    expect(() => colormapRgb('rainbow' as 'jet', 0)).toThrow(/unknown colormap/);
  });
});

describe('renderHeatmap', () => {
  const map = Float32Array.from([0, 1, 2, 3]);

  it('global uses the run range, image its own min-max, fixed the given range', async () => {
    const g = await renderHeatmap(map, 2, 2, { colormap: 'gray', normalisation: 'global', runRange: [0, 6] });
    expect(g.range).toEqual([0, 6]);
    expect([...(await pixels(g.png, 1)).data]).toEqual([0, 43, 85, 128]);
    const im = await renderHeatmap(map, 2, 2, { colormap: 'gray', normalisation: 'image' });
    expect(im.range).toEqual([0, 3]);
    expect([...(await pixels(im.png, 1)).data]).toEqual([0, 85, 170, 255]);
    const f = await renderHeatmap(map, 2, 2, { colormap: 'gray', normalisation: 'fixed', range: [1, 2] });
    expect([...(await pixels(f.png, 1)).data]).toEqual([0, 0, 255, 255]);
    await expect(renderHeatmap(map, 2, 2, { normalisation: 'fixed' })).rejects.toThrow(/needs range/);
  });

  it('resamples to the requested size, keeping the hot corner hot', async () => {
    const r = await renderHeatmap(map, 2, 2, { colormap: 'gray', normalisation: 'image', size: { width: 8, height: 8 } });
    const p = await pixels(r.png, 1);
    expect([p.width, p.height, r.width]).toEqual([8, 8, 8]);
    expect(p.data[63]).toBeGreaterThan(p.data[0]);
    expect(p.data[63]).toBeGreaterThan(200);
  });

  it('colours every pixel as colormapRgb of its clamped, normalised value (out of range and non-finite too)', async () => {
    const values = [-5, 0, 0.1234, 0.5, 0.998, 1, 7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25, 0.75];
    const r = await renderHeatmap(Float32Array.from(values), 4, 3, { colormap: 'inferno', normalisation: 'fixed', range: [0, 1] });
    const p = await pixels(r.png);
    const want = values.map((v) => colormapRgb('inferno', Math.round(255 * Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v))) / 255));
    expect([...p.data]).toEqual(want.flat());
    // 'gray' is one channel holding what colormapRgb('gray') puts in each of R, G and B
    const g = await renderHeatmap(Float32Array.from(values), 4, 3, { colormap: 'gray', normalisation: 'fixed', range: [0, 1] });
    const gp = await pixels(g.png, 1);
    expect([...gp.data]).toEqual(values.map((v) => colormapRgb('gray', Math.round(255 * Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v))) / 255)[0]));
  });
});
