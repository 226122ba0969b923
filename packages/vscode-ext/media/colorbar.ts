// The heatmap's colour bar: the colour map drawn left to right over the display range, round tick values in map
// units beneath it, and a mark at the current threshold.
import { colormapLut, type ColormapName } from '../src/webview-logic/colormap.js';
import { barPosition, colorbarTicks } from '../src/webview-logic/colorbar.js';
import { el, fmt } from './common.js';

export function colorbar(): { root: HTMLElement; draw(cm: ColormapName, range: [number, number], threshold: number): void } {
  const root = el('div', { id: 'colorbar', class: 'colorbar', role: 'img' });
  const bar = el('canvas', { width: '256', height: '1', class: 'colorbar-bar' });
  const ticks = el('div', { class: 'colorbar-ticks' });
  const mark = el('div', { class: 'colorbar-mark', 'aria-hidden': 'true' });
  root.append(bar, mark, ticks);
  return {
    root,
    draw(cm, range, threshold) {
      const g = bar.getContext('2d');
      const lut = colormapLut(cm);
      if (g) {
        const img = g.createImageData(256, 1);
        for (let i = 0; i < 256; i++) img.data.set([lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2], 255], i * 4);
        g.putImageData(img, 0, 0);
      }
      ticks.replaceChildren();
      const values = colorbarTicks(range[0], range[1]);
      for (const v of values) {
        const t = el('span', { class: 'colorbar-tick' }, fmt(v));
        t.style.left = `${100 * barPosition(v, range[0], range[1])}%`;
        ticks.append(t);
      }
      const tv = range[0] + threshold * (range[1] - range[0]);
      mark.style.left = `${100 * threshold}%`;
      mark.title = `threshold ${fmt(tv)}`;
      root.setAttribute('aria-label', `Colour scale ${fmt(range[0])} to ${fmt(range[1])} (values above saturate); threshold ${fmt(tv)}`);
      root.dataset.range = JSON.stringify(range);
      root.dataset.ticks = JSON.stringify(values);
    },
  };
}
