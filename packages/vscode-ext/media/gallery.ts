// Gallery webview: a virtualised thumbnail grid (only visible rows are in the DOM), class/split filters (test by
// default), heatmap-overlay thumbnails (toggle), a mark on images above the run's threshold, the per-class score
// histogram (one colour per class, the threshold drawn), keyboard navigation (a listbox with an active descendant); Enter or a click opens the
// heatmap. Thumbnails of formats the browser cannot show are asked of the daemon for the visible window only.
import type { RunDisplayInfo } from '../src/run-info.js';
import { classSeries, defaultSplit, isAbove, splitLabel, splitsOf, unscoredIn } from '../src/webview-logic/gallery-data.js';
import { groupByLabel, groupedKey, groupedLayout, groupHeading, groupingsOf, groupItems, layoutWindow, straddlesTest, type GroupBy, type GroupedLayout, type ImageGroup } from '../src/webview-logic/gallery-groups.js';
import { attachDescriptors, distinct, filterAndSort, sortValue, type GalleryFilter, type GalleryItem } from '../src/webview-logic/gallery-model.js';
import { histogramsByClass } from '../src/webview-logic/histogram.js';
import { histogramSvg } from '../src/webview-logic/svg-chart.js';
import { gridKey, gridWindow } from '../src/webview-logic/virtual-grid.js';
import { el, fmt, initData, vscode } from './common.js';
import { overlayThumb } from './gallery-overlay.js';

const CELL_W = 132;
const CELL_H = 156;
const HEADER_H = 28;
const init = initData<{ folder: string; overlays?: boolean }>();
const state = (vscode.getState() as { filter?: GalleryFilter; focus?: number; scrollTop?: number; overlays?: boolean } | undefined) ?? {};
const filter: GalleryFilter = state.filter ?? {};
type Item = GalleryItem & { map?: string };
let all: Item[] = [];
let display: RunDisplayInfo = {};
let overlays = state.overlays ?? !!init.overlays;
let shown: GalleryItem[] = [];
/** When grouping: the groups of `shown` and their rows (headers, rows of cells); `shown` is then in group order. */
let groups: ImageGroup[] = [];
let layout: GroupedLayout | undefined;
let groupRule: string | undefined;
let focus = state.focus ?? 0;
let columns = 1;

const app = document.getElementById('app') as HTMLElement;
const title = el('h2', {}, `Gallery: ${init.folder}`);
const status = el('p', { id: 'status', role: 'status' }, 'Loading scores…');
const bar = el('div', { class: 'toolbar', role: 'toolbar' });
const clsSel = el('select', { id: 'class-filter', 'aria-label': 'Class' });
const splitSel = el('select', { id: 'split-filter', 'aria-label': 'Split' });
const overlayBox = el('input', { id: 'overlays', type: 'checkbox' });
overlayBox.checked = overlays;
const overlayLabel = el('label', {}, 'Heatmap overlays ');
overlayLabel.append(overlayBox);
overlayBox.addEventListener('change', () => {
  overlays = overlayBox.checked;
  render();
});
// sort by the anomaly score, or by one of the shortcut audit's descriptors (filled when the daemon's audit returns)
const sortSel = el('select', { id: 'sort-by', 'aria-label': 'Sort by' });
sortSel.append(el('option', { value: '' }, 'anomaly score'));
const auditNote = el('span', { id: 'audit-note', class: 'caption-line' });
// group by patient / study / series (DICOM headers) or the dataset config's group key; offered when items carry them
const groupSel = el('select', { id: 'group-by', 'aria-label': 'Group by' });
bar.append(el('label', {}, 'Class '), clsSel, el('label', {}, 'Split '), splitSel, el('label', {}, 'Sort by '), sortSel, el('label', {}, 'Group by '), groupSel, overlayLabel, auditNote);
const hists = el('div', { id: 'histograms', class: 'histograms' });
const viewport = el('div', { id: 'grid', class: 'grid-viewport', tabindex: '0', role: 'listbox', 'aria-label': 'Images, most anomalous first (arrow keys move, Enter opens the heatmap)' });
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

/** Daemon renderings by file ('' while asked for, 'error:…' when it failed); see requestThumbs. */
const rendered = new Map<string, string>();
let runThreshold: number | undefined;

/** The image of a thumbnail: the file itself, the daemon's rendering, or a placeholder while it is rendered. */
function picture(file: string, src: string, map?: string): HTMLElement {
  if (overlays && map && src) return overlayPicture(file, src, map);
  const r = src || rendered.get(file);
  if (r && !r.startsWith('error:')) return el('img', { src: r, alt: file.split('/').pop() ?? '', 'data-source': src ? 'file' : 'daemon' });
  const ext = file.split('.').pop() ?? '?';
  return el('div', { class: 'noimg', 'data-file': file, title: r ? r.slice(6) : `${ext}: rendering…` }, r ? `${ext} ⚠` : `${ext} …`);
}

/** The thumbnail with the run's saved map over it (the plain image until the composite is ready). */
function overlayPicture(file: string, src: string, map: string): HTMLElement {
  const img = el('img', { src, alt: file.split('/').pop() ?? '', 'data-source': 'overlay-pending' });
  void overlayThumb(file, src, map, display).then((url) => {
    img.src = url;
    img.dataset.source = 'overlay';
  }, () => (img.dataset.source = 'overlay-failed'));
  return img;
}

/** Asks the extension to render the given files (the visible ones): it drops files asked for earlier and not
 * started, so scrolling past thousands of images does not queue them all. */
let asked = '';
function requestThumbs(files: string[]): void {
  const need = files.filter((f) => !rendered.get(f));
  const key = need.join('\n');
  if (key === asked) return;
  asked = key;
  vscode.postMessage({ type: 'thumbs', files: need });
}

interface DupSide { file: string; src: string; split: string; cls: string }
interface DupPair { a: DupSide; b: DupSide; kind: string; distance: number; correlation: number }
function dupSide(s: DupSide): HTMLElement {
  const b = el('button', { class: 'thumb', title: s.file, 'data-file': s.file, 'data-split': s.split });
  b.append(picture(s.file, s.src));
  b.append(el('span', { class: 'caption' }, `${s.split}/${s.cls} ${s.file.split('/').pop() ?? ''}`));
  b.addEventListener('click', () => vscode.postMessage({ type: 'open', file: s.file }));
  return b;
}
let dupSides: string[] = [];
function showDuplicates(pairs: DupPair[], within: DupPair[]): void {
  const rows = [...pairs.map((p) => ({ p, what: 'train/test' })), ...within.map((p) => ({ p, what: 'within test' }))];
  dups.hidden = false;
  dups.open = pairs.length > 0;
  dupsTitle.textContent = `Duplicates: ${pairs.length} train/test pair${pairs.length === 1 ? '' : 's'} (leakage), ${within.length} within the test set`;
  dupSides = rows.flatMap(({ p }) => [p.a, p.b]).filter((x) => !x.src).map((x) => x.file);
  dupsList.replaceChildren(...rows.map(({ p, what }) => {
    const row = el('div', { class: 'dup-pair', role: 'listitem', 'data-kind': p.kind });
    const how = p.kind === 'near' ? `near duplicate: pHash ${p.distance} bits apart, detail correlation ${p.correlation.toFixed(2)}` : p.kind === 'file' ? 'identical files' : 'identical pixels';
    row.append(dupSide(p.a), dupSide(p.b), el('span', { class: 'dup-kind' }, `${what}: ${how}`));
    return row;
  }));
}

function options(sel: HTMLSelectElement, values: string[], current: string | undefined, label: (v: string) => string = (v) => v || '(none)'): void {
  sel.replaceChildren(el('option', { value: '' }, 'all'), ...values.map((v) => el('option', { value: v }, label(v))));
  sel.value = current ?? '';
}

function refilter(): void {
  filter.cls = clsSel.value || undefined;
  filter.split = splitSel.value || undefined;
  filter.sortBy = sortSel.value || undefined;
  filter.groupBy = (groupSel.value || undefined) as GroupBy | undefined;
  shown = filterAndSort(all, filter);
  groups = filter.groupBy ? groupItems(shown, filter.groupBy) : [];
  if (filter.groupBy) shown = groups.flatMap((g) => g.items);
  layout = undefined;
  focus = Math.min(focus, shown.length - 1);
  // images of this split that the run did not score (train, validation, pool): scored once through the daemon
  if (runName && unscoredIn(all, filter.split).length) vscode.postMessage({ type: 'score', split: filter.split });
  drawHistograms();
  render();
}
clsSel.addEventListener('change', refilter);
splitSel.addEventListener('change', refilter);
sortSel.addEventListener('change', refilter);
groupSel.addEventListener('change', () => {
  viewport.scrollTop = 0;
  refilter();
});

/** The "Group by" choices the items support (none always), the current one kept when it still applies. */
function groupOptions(): void {
  const bys = groupingsOf(all);
  groupSel.replaceChildren(...bys.map((by) => el('option', { value: by }, groupByLabel(by, groupRule))));
  groupSel.value = filter.groupBy && bys.includes(filter.groupBy) ? filter.groupBy : '';
  groupSel.disabled = bys.length < 2;
}

/** The shortcut audit's per-image descriptors: offered as sort keys, flagged descriptors first and marked. */
type AuditMsg = { descriptors: string[]; images: { path: string; values: (number | null)[] }[]; flagged: { descriptor: string; auroc: number }[] };
let audit: AuditMsg | undefined;
function onAudit(a: AuditMsg): void {
  audit = a;
  const flagged = new Map(a.flagged.map((f) => [f.descriptor, f.auroc]));
  const names = [...a.descriptors].sort((x, y) => (flagged.get(y) ?? 0) - (flagged.get(x) ?? 0));
  sortSel.replaceChildren(
    el('option', { value: '' }, 'anomaly score'),
    ...names.map((d) => el('option', { value: d }, flagged.has(d) ? `${d} ⚠ AUROC ${fmt(100 * (flagged.get(d) as number))}` : d)),
  );
  sortSel.value = filter.sortBy && names.includes(filter.sortBy) ? filter.sortBy : '';
  auditNote.textContent = a.flagged.length ? ` shortcut: ${a.flagged.map((f) => f.descriptor).join(', ')} alone separate the classes` : ' no shortcut flagged';
  all = attachDescriptors(all, a);
  refilter();
}

function drawHistograms(): void {
  const scored = shown.filter((i) => !Number.isNaN(i.score)).map((i) => ({ score: i.score, cls: i.cls }));
  if (!scored.length) return void hists.replaceChildren();
  const byClass = histogramsByClass(scored, 24, runThreshold === undefined ? [] : [runThreshold]);
  const first = byClass.values().next().value;
  // one colour per class (normal blue first); the range covers the run's threshold so its line is always drawn
  const series = classSeries([...byClass.keys()]);
  hists.innerHTML = histogramSvg({
    title: 'Score histogram by class', xLabel: 'anomaly score', lo: first?.lo ?? 0, hi: first?.hi ?? 1, threshold: runThreshold, size: { width: 520, height: 180 },
    groups: [...byClass].map(([cls, h]) => ({ counts: h.counts, label: cls, cls: series.get(cls) ?? 'series-1' })),
  });
  const over = runThreshold === undefined ? '' : `; ${scored.filter((i) => i.score >= (runThreshold as number)).length} at or above the run's threshold ${fmt(runThreshold)}`;
  hists.append(el('p', { class: 'caption-line' }, `${[...byClass].map(([cls, h]) => `${cls}: ${h.counts.reduce((x, y) => x + y, 0)}`).join(', ')} images, scores ${fmt(first?.lo ?? 0)}…${fmt(first?.hi ?? 0)}${over}`));
}

/** One grid cell: the thumbnail of shown[i] with its rank and score (or the sort descriptor's value). */
function cellFor(i: number): HTMLElement {
  const it = shown[i];
  const name = it.file.split('/').pop() ?? '';
  const byDescriptor = filter.sortBy ? sortValue(it, filter) : Number.NaN;
  const score = filter.sortBy ? `${filter.sortBy} ${Number.isNaN(byDescriptor) ? '–' : fmt(byDescriptor)}` : Number.isNaN(it.score) ? 'not scored' : `score ${fmt(it.score)}`;
  const over = isAbove(it.score, runThreshold);
  const cell = el('div', {
    id: `cell-${i}`, class: 'thumb' + (i === focus ? ' focused' : '') + (over ? ' over' : ''), 'data-over': String(over), 'data-split': it.split, role: 'option', 'aria-selected': String(i === focus), 'aria-posinset': String(i + 1), 'aria-setsize': String(shown.length),
    'aria-label': `${i + 1}. ${it.cls}, ${score}${over ? ', above the run\'s threshold' : ''}, ${name}`, 'data-index': String(i), 'data-file': it.file, 'data-class': it.cls, 'data-score': String(it.score), 'data-sort': String(filter.sortBy ? byDescriptor : it.score), title: it.file,
  });
  if (filter.groupBy) cell.dataset.group = it.ids?.[filter.groupBy] ?? '';
  // an image not scored shows its file name instead of a score (several files of one patient look alike)
  const value = filter.sortBy ? (Number.isNaN(byDescriptor) ? '–' : fmt(byDescriptor)) : Number.isNaN(it.score) ? `· ${name}` : fmt(it.score);
  cell.append(picture(it.file, it.src, (it as Item).map), el('span', { class: 'caption', 'aria-hidden': 'true' }, `${over ? '▲ ' : ''}${i + 1}. ${it.cls} ${value}`));
  return cell;
}

/** The grouped grid: the rows (group headers and rows of cells) that meet the viewport, in one CSS grid whose
 * headers span every column. */
function renderGrouped(): void {
  const cols = Math.max(1, Math.floor((viewport.clientWidth || 800) / CELL_W));
  if (!layout || cols !== columns) layout = groupedLayout(groups, cols, CELL_H, HEADER_H);
  columns = cols;
  const w = layoutWindow(layout, viewport.scrollTop, viewport.clientHeight || 600, 2 * CELL_H);
  spacer.style.height = `${layout.totalHeight}px`;
  cells.style.transform = `translateY(${w.offsetTop}px)`;
  cells.style.gridTemplateColumns = `repeat(${cols}, ${CELL_W}px)`;
  const frag = document.createDocumentFragment();
  const files: string[] = [];
  for (let r = w.firstRow; r < w.endRow; r++) {
    const row = layout.rows[r];
    if (row.kind === 'header') {
      const g = groups[row.group];
      const leak = straddlesTest(g);
      frag.append(el('div', {
        class: 'group-header' + (leak ? ' straddle' : ''), role: 'presentation', 'data-group': g.key, 'data-count': String(g.items.length), 'data-straddle': String(leak),
        title: leak ? `${g.key}: images in the test split and in another (leakage for an evaluation)` : g.key,
      }, groupHeading(g, filter.groupBy as GroupBy)));
      continue;
    }
    for (let i = row.first; i < row.end; i++) {
      frag.append(cellFor(i));
      if (!shown[i].src) files.push(shown[i].file);
    }
    // a group's last, partial row: the next header starts on a row of its own (it spans all columns anyway)
  }
  cells.replaceChildren(frag);
  const visible = layout.rowOf[focus] !== undefined && layout.rowOf[focus] >= w.firstRow && layout.rowOf[focus] < w.endRow;
  if (shown[focus] && visible) viewport.setAttribute('aria-activedescendant', `cell-${focus}`);
  else viewport.removeAttribute('aria-activedescendant');
  requestThumbs([...files, ...dupSides]);
  vscode.setState({ filter, focus, scrollTop: viewport.scrollTop, overlays });
}

function render(): void {
  if (filter.groupBy) return renderGrouped();
  const w = gridWindow({ itemCount: shown.length, cellWidth: CELL_W, cellHeight: CELL_H, viewportWidth: viewport.clientWidth || 800, viewportHeight: viewport.clientHeight || 600, scrollTop: viewport.scrollTop });
  columns = w.columns;
  spacer.style.height = `${w.totalHeight}px`;
  cells.style.transform = `translateY(${w.offsetTop}px)`;
  cells.style.gridTemplateColumns = `repeat(${w.columns}, ${CELL_W}px)`;
  const frag = document.createDocumentFragment();
  for (let i = w.first; i < w.end; i++) frag.append(cellFor(i));
  cells.replaceChildren(frag);
  if (shown[focus] && focus >= w.first && focus < w.end) viewport.setAttribute('aria-activedescendant', `cell-${focus}`);
  else viewport.removeAttribute('aria-activedescendant');
  requestThumbs([...shown.slice(w.first, w.end).filter((x) => !x.src).map((x) => x.file), ...dupSides]);
  vscode.setState({ filter, focus, scrollTop: viewport.scrollTop, overlays });
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
  if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const a = filter.groupBy && layout
    ? groupedKey(ev.key, { focus, layout, viewportHeight: viewport.clientHeight, scrollTop: viewport.scrollTop })
    : gridKey(ev.key, { focus, count: shown.length, columns, cellHeight: CELL_H, viewportHeight: viewport.clientHeight, scrollTop: viewport.scrollTop });
  if (!a) return;
  ev.preventDefault();
  if (a.kind === 'open') return vscode.postMessage({ type: 'open', file: shown[a.index].file });
  focus = a.index;
  viewport.scrollTop = a.scrollTop;
  render();
});

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type: string; items?: GalleryItem[]; run?: string; message?: string; threshold?: { threshold: number } };
  if (m.type === 'thumb') return onThumb(m as unknown as { file: string; src?: string; error?: string });
  if (m.type === 'error') {
    status.textContent = m.message ?? 'error';
    status.classList.add('error');
  }
  if (m.type === 'duplicates') {
    const d = m as unknown as { pairs: DupPair[]; withinTest: DupPair[] };
    showDuplicates(d.pairs, d.withinTest);
    requestAnimationFrame(render);
  }
  if (m.type === 'scores') return onScores((m as unknown as { scores: { file: string; score: number }[] }).scores);
  if (m.type === 'audit') return onAudit(m as unknown as AuditMsg);
  if (m.type !== 'items' || !m.items) return;
  all = m.items.map((i) => ({ ...i, score: i.score ?? Number.NaN }));
  if (audit) all = attachDescriptors(all, audit);
  runThreshold = m.threshold?.threshold;
  display = (m as unknown as { display?: RunDisplayInfo }).display ?? {};
  runName = m.run;
  groupRule = (m as unknown as { groupBy?: string }).groupBy;
  // test by default: the split the run's scores and threshold are about (never a training image on top)
  if (!state.filter) filter.split = defaultSplit(all);
  options(clsSel, distinct(all, 'cls'), filter.cls);
  options(splitSel, splitsOf(all), filter.split, splitLabel);
  groupOptions();
  const scoredByRun = all.filter((i) => !Number.isNaN(i.score)).length;
  status.textContent = !all.length
    ? `No images found under ${init.folder}.`
    : m.run
      ? `${all.length} images; ${scoredByRun} scored by run ${m.run} (its scores.csv)${runThreshold === undefined ? '' : `, ▲ marks scores at or above its threshold ${fmt(runThreshold)}`}; most anomalous first.`
      : `${all.length} images, not scored: no finished run yet (train an experiment with the Train lens on its config).`;
  refilter();
  if (state.scrollTop) viewport.scrollTop = state.scrollTop;
  app.dataset.loaded = String(all.length);
});
let runName: string | undefined;
/** Scores of images the run had not scored, computed by the daemon for the chosen split. */
function onScores(scores: { file: string; score: number }[]): void {
  const got = new Map(scores.map((s) => [s.file, s.score]));
  all = all.map((i) => (got.has(i.file) ? { ...i, score: got.get(i.file) as number } : i));
  refilter();
}

/** A daemon rendering arrived: swap it into the placeholders showing that file (grid cell or duplicate pair). */
function onThumb(t: { file: string; src?: string; error?: string }): void {
  rendered.set(t.file, t.src ?? `error:${t.error ?? 'cannot render'}`);
  // a bounded page cache: scrolled-away renderings are dropped (the extension keeps its own cache to re-send them)
  if (rendered.size > 1500) rendered.delete(rendered.keys().next().value as string);
  for (const ph of Array.from(document.querySelectorAll<HTMLElement>('.noimg'))) {
    if (ph.dataset.file === t.file) ph.replaceWith(picture(t.file, ''));
  }
}

vscode.postMessage({ type: 'ready' });
