// Run panel webview: metrics table with CIs, the other scores of the same model, ROC/PR curves and the score
// histogram (SVG, theme colours) with a keyboard-operable threshold that moves the operating point on all three,
// and the most anomalous test images.
import { variantsTableHtml } from '../src/webview-logic/variants-table.js';
import { shortcutsLine, type ShortcutsView } from '../src/webview-logic/shortcuts-line.js';
import { el, fmt, initData, vscode } from './common.js';
import { showCharts, type Item, type RunThreshold } from './run-charts.js';

const init = initData<{ run: string }>();
const app = document.getElementById('app') as HTMLElement;
const table = el('table', { id: 'metrics' });
const note = el('p', { id: 'note', role: 'status' }, 'Loading…');
const thresholdWarning = el('p', { id: 'threshold-warning', class: 'warning', hidden: '' });
const variants = el('div', { id: 'variants-section' });
const shortcuts = el('p', { id: 'shortcuts', class: 'caption-line' });
const top = el('div', { class: 'top' });
app.append(el('h2', {}, `Run ${init.run}`), note, thresholdWarning, table, shortcuts, variants, el('div', { id: 'charts' }), el('h3', {}, 'Most anomalous test images'), top);

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

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as {
    type: string; metrics?: Record<string, number>; intervals?: Record<string, [number, number]>; items?: Item[]; threshold?: RunThreshold; message?: string;
    variants?: Record<string, Record<string, number>>; variantIntervals?: Record<string, Record<string, [number, number]>>; shortcuts?: ShortcutsView;
  };
  if (m.type === 'note') note.textContent = m.message ?? '';
  if (m.type === 'threshold-warning') {
    thresholdWarning.hidden = false;
    thresholdWarning.textContent = `⚠ Threshold: ${m.message ?? ''}`;
  }
  if (m.type === 'metrics' && m.metrics) {
    metricsTable(m.metrics, m.intervals);
    // names are escaped by variantsTableHtml
    variants.innerHTML = variantsTableHtml(m.variants, fmt, m.variantIntervals);
    shortcuts.textContent = shortcutsLine(m.shortcuts, m.metrics.AUROC);
    note.textContent = '';
  }
  if (m.type === 'scores' && m.items) {
    const items = m.items;
    try {
      showCharts(items, m.threshold);
    } catch (e) {
      note.textContent = String(e);
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
