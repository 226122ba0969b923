// Run panel webview: metrics table with CIs, ROC/PR curves, per-class score histograms, top anomalies.
import { prPoints, rocPoints, type CurvePoints } from '../src/webview-logic/curves.js';
import { histogramsByClass } from '../src/webview-logic/histogram.js';
import { el, fmt, initData, themeColor, vscode } from './common.js';

interface Item { file: string; cls: string; score: number; label: 0 | 1; src: string }
const init = initData<{ run: string }>();
const app = document.getElementById('app') as HTMLElement;
const table = el('table', { id: 'metrics' });
const note = el('p', { id: 'note', role: 'status' }, 'Loading…');
const curves = el('div', { class: 'histograms' });
const top = el('div', { class: 'top' });
app.append(el('h2', {}, `Run ${init.run}`), note, table, curves, el('h3', {}, 'Most anomalous test images'), top);

/** One row per metric with its interval: the daemon's `intervals` (metrics.json's bootstrap CIs), else
 * `x_ci_low`/`x.ciLow`-style keys grouped with `x`. */
function metricsTable(m: Record<string, number>, intervals: Record<string, [number, number]> = {}): void {
  const ci = /[._-]?(ci[._-]?(low|lo|lower|high|hi|upper)|(low|high|lower|upper))$/i;
  const rows = Object.keys(m).filter((k) => !ci.test(k));
  table.replaceChildren(el('tr', {}, ''));
  table.firstElementChild?.append(el('th', {}, 'metric'), el('th', {}, 'value'), el('th', {}, '95% CI'));
  for (const k of rows) {
    const lo = Object.keys(m).find((x) => x !== k && x.startsWith(k) && /(low|lo|lower)$/i.test(x));
    const hi = Object.keys(m).find((x) => x !== k && x.startsWith(k) && /(high|hi|upper)$/i.test(x));
    const tr = el('tr');
    const interval = intervals[k] ?? (lo && hi ? [m[lo], m[hi]] : undefined);
    tr.append(el('td', {}, k), el('td', {}, fmt(m[k])), el('td', { class: 'ci' }, interval ? `${fmt(interval[0])} – ${fmt(interval[1])}` : ''));
    table.append(tr);
  }
}

function plot(name: string, p: CurvePoints, xLabel: string, yLabel: string): HTMLElement {
  const size = 220;
  const c = el('canvas', { width: String(size), height: String(size), role: 'img', 'aria-label': `${name} curve` });
  const g = c.getContext('2d');
  if (g) {
    g.strokeStyle = themeColor('--vscode-editorWidget-border', '#888');
    g.strokeRect(0.5, 0.5, size - 1, size - 1);
    g.strokeStyle = themeColor('--vscode-charts-blue', '#3794ff');
    g.lineWidth = 2;
    g.beginPath();
    p.x.forEach((x, i) => (i ? g.lineTo(x * size, size - p.y[i] * size) : g.moveTo(x * size, size - p.y[i] * size)));
    g.stroke();
  }
  c.dataset.points = String(p.x.length);
  const fig = el('figure');
  fig.append(c, el('figcaption', {}, `${name}: x ${xLabel}, y ${yLabel}`));
  return fig;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type: string; metrics?: Record<string, number>; intervals?: Record<string, [number, number]>; items?: Item[]; message?: string };
  if (m.type === 'note') note.textContent = m.message ?? '';
  if (m.type === 'metrics' && m.metrics) {
    metricsTable(m.metrics, m.intervals);
    note.textContent = '';
  }
  if (m.type === 'scores' && m.items) {
    const items = m.items;
    const s = items.map((i) => i.score);
    const l = items.map((i) => i.label);
    curves.replaceChildren();
    try {
      curves.append(plot('ROC', rocPoints(s, l), 'false-positive rate', 'true-positive rate'), plot('Precision-recall', prPoints(s, l), 'recall', 'precision'));
    } catch (e) {
      note.textContent = String(e);
    }
    for (const [cls, h] of histogramsByClass(items, 24)) {
      const c = el('canvas', { width: '240', height: '80', role: 'img', 'aria-label': `Score histogram of ${cls}` });
      const g = c.getContext('2d');
      const max = Math.max(...h.counts, 1);
      if (g) {
        g.fillStyle = themeColor(cls === 'normal' ? '--vscode-charts-blue' : '--vscode-charts-red', '#888');
        h.counts.forEach((n, i) => g.fillRect(i * 10, 80 - (n / max) * 76, 9, (n / max) * 76));
      }
      const fig = el('figure');
      fig.append(c, el('figcaption', {}, `${cls} (${h.counts.reduce((a, b) => a + b, 0)})`));
      curves.append(fig);
    }
    app.dataset.scores = String(items.length);
    top.replaceChildren(...[...items].sort((a, b) => b.score - a.score).slice(0, 12).map((i) => {
      const b = el('button', { class: 'thumb', title: i.file, 'data-file': i.file });
      if (i.src) b.append(el('img', { src: i.src, alt: '' }));
      b.append(el('span', { class: 'caption' }, `${i.cls} ${fmt(i.score)}`));
      b.addEventListener('click', () => vscode.postMessage({ type: 'open', file: i.file }));
      return b;
    }));
  }
});
vscode.postMessage({ type: 'ready' });
