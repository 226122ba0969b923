import { describe, expect, it } from 'vitest';
import { colorAt } from '../src/webview-logic/colormap.js';
import { compositeOverlay, coverage, grayValues, maskOutline, paintOutline, resampleNearest } from '../src/webview-logic/overlay.js';

const rgba = (n: number, v: number) => new Uint8ClampedArray(n * 4).map((_, i) => (i % 4 === 3 ? 255 : v));

describe('compositeOverlay', () => {
  it('leaves pixels below the threshold untouched and blends the rest by opacity', () => {
    const base = rgba(3, 100);
    const map = [0.1, 0.5, 1];
    const out = compositeOverlay(base, map, { colormap: 'jet', opacity: 0.5, threshold: 0.4 });
    expect([...out.slice(0, 4)]).toEqual([100, 100, 100, 255]);
    const [r, g, b] = colorAt('jet', 1);
    expect([...out.slice(8, 12)]).toEqual([Math.round(50 + r / 2), Math.round(50 + g / 2), Math.round(50 + b / 2), 255]);
    const mid = colorAt('jet', 0.5);
    expect(out[4]).toBe(Math.round(50 + mid[0] / 2));
  });
  it('opacity 1 shows the pure colour, opacity 0 the pure image', () => {
    const base = rgba(1, 40);
    expect([...compositeOverlay(base, [1], { colormap: 'viridis', opacity: 1, threshold: 0 }).slice(0, 3)]).toEqual(colorAt('viridis', 1));
    expect([...compositeOverlay(base, [1], { colormap: 'viridis', opacity: 0, threshold: 0 }).slice(0, 3)]).toEqual([40, 40, 40]);
  });
  it('refuses a map of the wrong size', () => {
    expect(() => compositeOverlay(rgba(4, 0), [1, 1], { colormap: 'jet', opacity: 1, threshold: 0 })).toThrow(/4 pixels but map has 2/);
  });
});

describe('map helpers', () => {
  it('reads gray values from the red channel', () => {
    expect([...grayValues([255, 255, 255, 255, 51, 51, 51, 255])]).toEqual([1, 0.2].map((v) => Math.fround(v)));
  });
  it('upsamples by nearest neighbour', () => {
    expect([...resampleNearest([1, 2, 3, 4], 2, 2, 4, 2)]).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(() => resampleNearest([1], 2, 2, 1, 1)).toThrow(/expected 2x2/);
  });
  it('counts coverage at a threshold', () => {
    expect(coverage([0, 0.5, 0.7, 1], 0.6)).toBe(2);
  });
});

describe('maskOutline', () => {
  it('marks the border of a filled square but not its interior', () => {
    const w = 5;
    const mask = new Array(25).fill(0);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) mask[y * w + x] = 1;
    const o = maskOutline(mask, 5, 5);
    expect(o[2 * w + 2]).toBe(0); // interior
    expect(o[1 * w + 1]).toBe(1);
    expect(o[3 * w + 2]).toBe(1);
    expect(o[0]).toBe(0); // background
    expect([...o].reduce((a, b) => a + b, 0)).toBe(8);
    const px = rgba(25, 0);
    paintOutline(px, o, [255, 0, 255]);
    expect([...px.slice((1 * w + 1) * 4, (1 * w + 1) * 4 + 3)]).toEqual([255, 0, 255]);
  });
  it('treats the image edge as background', () => {
    expect([...maskOutline([1, 1, 1, 1], 2, 2)]).toEqual([1, 1, 1, 1]);
  });
});
