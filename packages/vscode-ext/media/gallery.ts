// Gallery webview: a virtualised thumbnail grid (only visible rows are in the DOM), class/split filters,
// per-class score histograms, keyboard navigation; Enter or a click opens the heatmap.
import { distinct, filterAndSort, type GalleryFilter, type GalleryItem } from '../src/webview-logic/gallery-model.js';
import { histogramsByClass } from '../src/webview-logic/histogram.js';
import { gridWindow, moveIndex } from '../src/webview-logic/virtual-grid.js';
import { el, fmt, initData, themeColor, vscode } from './common.js';

const CELL_W = 132;
const CELL_H = 156;
const init = initData<{ folder: string }>();
const state = (vscode.getState() as { filter?: GalleryFilter; focus?: number; scrollTop?: number } | undefined) ?? {};
const filter: GalleryFilter = state.filter ?? {};
let all: GalleryItem[] = [];
let shown: GalleryItem[] = [];
let focus = state.focus ?? 0;
let columns = 1;

const app = document.getElementById('app') as HTMLElement;
const title = el('h2', {}, `Gallery: ${init.folder}`);
const status = el('p', { id: 'status', role: 'status' }, 'Loading scores…');
const bar = el('div', { class: 'toolbar', role: 'toolbar' });
const clsSel = el('select', { id: 'class-filter', 'aria-label': 'Class' });
const splitSel = el('select', { id: 'split-filter', 'aria-label': 'Split' });
bar.append(el('label', {}, 'Class '), clsSel, el('label', {}, 'Split '), splitSel);
const hists = el('div', { id: 'histograms', class: 'histograms' });
const viewport = el('div', { id: 'grid', class: 'grid-viewport', tabindex: '0', role: 'grid', 'aria-label': 'Images, most anomalous first' });
const spacer = el('div', { class: 'grid-spacer' });
const cells = el('div', { class: 'grid-cells' });
spacer.append(cells);
viewport.append(spacer);
// the leakage check's duplicate pairs, side by side (filled when the daemon's check of the dataset config returns)
const dups = el('details', { id: 'duplicates', class: 'duplicates', hidden: '' });
const dupsTitle = el('summary', {}, 'Duplicates');
const dupsList = el('div', { class: 'dup-list', role: 'list' });
dups.append(dupsTitle, dupsList);
app.append(title, bar, status, hists, dups, viewport);

interface DupSide { file: string; src: string; split: string; cls: string }
interface DupPair { a: DupSide; b: DupSide; kind: string; distance: number; correlation: number }
function dupSide(s: DupSide): HTMLElement {
  const b = el('button', { class: 'thumb', title: s.file, 'data-file': s.file, 'data-split': s.split });
  if (s.src) b.append(el('img', { src: s.src, alt: s.file.split('/').pop() ?? '' }));
  else b.append(el('div', { class: 'noimg' }, s.file.split('.').pop() ?? '?'));
  b.append(el('span', { class: 'caption' }, `${s.split}/${s.cls} ${s.file.split('/').pop() ?? ''}`));
  b.addEventListener('click', () => vscode.postMessage({ type: 'open', file: s.file }));
  return b;
}
function showDuplicates(pairs: DupPair[], within: DupPair[]): void {
  const rows = [...pairs.map((p) => ({ p, what: 'train/test' })), ...within.map((p) => ({ p, what: 'within test' }))];
  dups.hidden = false;
  dups.open = pairs.length > 0;
  dupsTitle.textContent = `Duplicates: ${pairs.length} train/test pair${pairs.length === 1 ? '' : 's'} (leakage), ${within.length} within the test set`;
  dupsList.replaceChildren(...rows.map(({ p, what }) => {
    const row = el('div', { class: 'dup-pair', role: 'listitem', 'data-kind': p.kind });
    const how = p.kind === 'near' ? `near duplicate: pHash ${p.distance} bits apart, detail correlation ${p.correlation.toFixed(2)}` : p.kind === 'file' ? 'identical files' : 'identical pixels';
    row.append(dupSide(p.a), dupSide(p.b), el('span', { class: 'dup-kind' }, `${what}: ${how}`));
    return row;
  }));
}

function options(sel: HTMLSelectElement, values: string[], current: string | undefined): void {
  sel.replaceChildren(el('option', { value: '' }, 'all'), ...values.map((v) => el('option', { value: v }, v || '(none)')));
  sel.value = current ?? '';
}

function refilter(): void {
  filter.cls = clsSel.value || undefined;
  filter.split = splitSel.value || undefined;
  shown = filterAndSort(all, filter);
  focus = Math.min(focus, shown.length - 1);
  drawHistograms();
  render();
}
clsSel.addEventListener('change', refilter);
splitSel.addEventListener('change', refilter);

function drawHistograms(): void {
  const scored = shown.filter((i) => !Number.isNaN(i.score)).map((i) => ({ score: i.score, cls: i.cls }));
  hists.replaceChildren();
  if (!scored.length) return;
  const fg = themeColor('--vscode-charts-blue', '#3794ff');
  const alt = themeColor('--vscode-charts-red', '#f14c4c');
  for (const [cls, h] of histogramsByClass(scored, 24)) {
    const c = el('canvas', { width: '240', height: '60', role: 'img', 'aria-label': `Score histogram of ${cls}` });
    const g = c.getContext('2d');
    const max = Math.max(...h.counts, 1);
    if (g) {
      // the same colours as the run panel: the normal class blue, every abnormal class red
      g.fillStyle = cls === 'normal' ? fg : alt;
      h.counts.forEach((n, i) => g.fillRect(i * 10, 60 - (n / max) * 56, 9, (n / max) * 56));
    }
    const fig = el('figure');
    fig.append(c, el('figcaption', {}, `${cls}: ${h.counts.reduce((a, b) => a + b, 0)} images, ${fmt(h.lo)}…${fmt(h.hi)}`));
    hists.append(fig);
  }
}

function render(): void {
  const w = gridWindow({ itemCount: shown.length, cellWidth: CELL_W, cellHeight: CELL_H, viewportWidth: viewport.clientWidth || 800, viewportHeight: viewport.clientHeight || 600, scrollTop: viewport.scrollTop });
  columns = w.columns;
  spacer.style.height = `${w.totalHeight}px`;
  cells.style.transform = `translateY(${w.offsetTop}px)`;
  cells.style.gridTemplateColumns = `repeat(${w.columns}, ${CELL_W}px)`;
  const frag = document.createDocumentFragment();
  for (let i = w.first; i < w.end; i++) {
    const it = shown[i];
    const cell = el('div', { class: 'thumb' + (i === focus ? ' focused' : ''), role: 'gridcell', 'data-index': String(i), 'data-file': it.file, 'data-class': it.cls, 'data-score': String(it.score), title: it.file });
    if (it.src) cell.append(el('img', { src: it.src, alt: it.file.split('/').pop() ?? '', loading: 'lazy' }));
    else cell.append(el('div', { class: 'noimg' }, it.file.split('.').pop() ?? '?'));
    cell.append(el('span', { class: 'caption' }, `${i + 1}. ${it.cls} ${Number.isNaN(it.score) ? '' : fmt(it.score)}`));
    frag.append(cell);
  }
  cells.replaceChildren(frag);
  vscode.setState({ filter, focus, scrollTop: viewport.scrollTop });
}
viewport.addEventListener('scroll', () => requestAnimationFrame(render));
window.addEventListener('resize', () => render());
cells.addEventListener('click', (ev) => {
  const cell = (ev.target as HTMLElement).closest<HTMLElement>('.thumb');
  if (cell?.dataset.file) {
    focus = Number(cell.dataset.index);
    vscode.postMessage({ type: 'open', file: cell.dataset.file });
    render();
  }
});
viewport.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && shown[focus]) return vscode.postMessage({ type: 'open', file: shown[focus].file });
  const next = moveIndex(focus, ev.key, columns, shown.length, Math.floor(viewport.clientHeight / CELL_H));
  if (next === focus) return;
  ev.preventDefault();
  focus = next;
  const top = Math.floor(focus / columns) * CELL_H;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (top + CELL_H > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + CELL_H - viewport.clientHeight;
  render();
});

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type: string; items?: GalleryItem[]; run?: string; message?: string };
  if (m.type === 'error') {
    status.textContent = m.message ?? 'error';
    status.classList.add('error');
  }
  if (m.type === 'duplicates') {
    const d = m as unknown as { pairs: DupPair[]; withinTest: DupPair[] };
    showDuplicates(d.pairs, d.withinTest);
    requestAnimationFrame(render);
  }
  if (m.type !== 'items' || !m.items) return;
  all = m.items.map((i) => ({ ...i, score: i.score ?? Number.NaN }));
  options(clsSel, distinct(all, 'cls'), filter.cls);
  options(splitSel, distinct(all, 'split'), filter.split);
  status.textContent = !all.length
    ? `No images found under ${init.folder}.`
    : m.run
      ? `${all.length} images scored by run ${m.run}, most anomalous first.`
      : `${all.length} images, not scored: no finished run yet (train an experiment with the Train lens on its config).`;
  refilter();
  if (state.scrollTop) viewport.scrollTop = state.scrollTop;
  app.dataset.loaded = String(all.length);
});
vscode.postMessage({ type: 'ready' });
