import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { colorAt, colormapLut, isColormap, lutIndex, type ColormapName } from '../src/webview-logic/colormap.js';

// 256-entry LUTs sampled from matplotlib 3.6 by test/golden/make-colormaps.py.
const golden = JSON.parse(readFileSync(new URL('./golden/colormaps.golden.json', import.meta.url), 'utf8')) as Record<string, number[][]>;

describe('colour maps', () => {
  for (const name of ['jet', 'viridis', 'inferno'] as ColormapName[]) {
    it(`${name} stays within 2/255 of matplotlib at all 256 levels`, () => {
      const lut = colormapLut(name);
      let worst = 0;
      for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(lut[i * 3 + c] - golden[name][i][c]));
      expect(worst).toBeLessThanOrEqual(2);
    });
  }
  it('gray is the identity ramp', () => {
    expect(colorAt('gray', 0)).toEqual([0, 0, 0]);
    expect(colorAt('gray', 128 / 255)).toEqual([128, 128, 128]);
    expect(colorAt('gray', 1)).toEqual([255, 255, 255]);
  });
  it('clamps out-of-range and NaN values', () => {
    expect(lutIndex(-3)).toBe(0);
    expect(lutIndex(Number.NaN)).toBe(0);
    expect(lutIndex(7)).toBe(255);
    expect(colorAt('jet', 2)).toEqual(colorAt('jet', 1));
  });
  it('recognises only known names', () => {
    expect(isColormap('viridis')).toBe(true);
    expect(isColormap('hot')).toBe(false);
  });
});
