// Heatmap webview: original and overlay canvases (zoom/pan together, window/level on the base image), colour map /
// opacity / threshold controls with a colour bar in map units, the run picker and scale, mask outline, the verdict
// (score against the run's threshold, percentile among validation normals), pixel values on hover. State survives
// hide/show through setState.
import { COLORMAPS, isColormap, type ColormapName } from '../src/webview-logic/colormap.js';
import { compositeOverlay, coverage, grayValues, maskOutline, paintOutline, resampleNearest } from '../src/webview-logic/overlay.js';
import type { RunDisplayInfo } from '../src/run-info.js';
import { barPosition } from '../src/webview-logic/colorbar.js';
import { verdict } from '../src/webview-logic/verdict.js';
import { FULL_WINDOW, applyWindow, isFullWindow } from '../src/webview-logic/window-level.js';
import { colorbar } from './colorbar.js';
import { el, fmt, initData, loadPixels, vscode } from './common.js';
import { zoomPan } from './zoom-pan.js';

interface Init { file: string; imageSrc?: string; maskSrc?: string; colormap: string; opacity: number; threshold: number | null; normalisation: string }
/** `threshold` undefined: the run's pixel threshold (set when the map arrives), until the user moves the slider. */
interface View { colormap: ColormapName; opacity: number; threshold?: number; sideBySide: boolean; showMask: boolean; level: number; width: number }
interface Pixels { width: number; height: number; data: Uint8ClampedArray }

const init = initData<Init>();
const saved = vscode.getState() as Partial<View> | undefined;
const view: View = {
  colormap: isColormap(saved?.colormap) ? saved.colormap : isColormap(init.colormap) ? init.colormap : 'jet',
  opacity: saved?.opacity ?? init.opacity,
  threshold: saved?.threshold ?? init.threshold ?? undefined,
  sideBySide: saved?.sideBySide ?? true,
  showMask: saved?.showMask ?? true,
  level: saved?.level ?? FULL_WINDOW.level,
  width: saved?.width ?? FULL_WINDOW.width,
};
let info: RunDisplayInfo = {};

let image: Pixels | undefined;
let map: Float32Array | undefined; // normalised 0..1 at image resolution
let outline: Uint8Array | undefined;
let maskValues: Float32Array | undefined;
let range: [number, number] = [0, 1];

const app = document.getElementById('app') as HTMLElement;
const header = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Heatmap controls' });
const title = el('h2', { id: 'title' }, init.file);
const status = el('p', { id: 'status', role: 'status', 'aria-live': 'polite' }, 'Waiting for the daemon…');
const scoreLine = el('p', { id: 'score' });
const verdictLine = el('p', { id: 'verdict', role: 'status' });
const warnLine = el('p', { id: 'threshold-warning', class: 'warning', hidden: '' });
const runSelect = el('select', { id: 'run', 'aria-label': 'Run that scores the image' });
const scaleSelect = el('select', { id: 'scale', 'aria-label': 'Colour scale' });
for (const [v, t] of [['global', "run's display range"], ['image', 'this image min–max'], ['fixed', 'fixed range']]) scaleSelect.append(el('option', { value: v }, t));
scaleSelect.value = init.normalisation;
const levelInput = el('input', { id: 'level', type: 'range', min: '0', max: '255', step: '1', 'aria-label': 'Base image level (window centre)' });
levelInput.value = String(view.level);
const widthInput = el('input', { id: 'window', type: 'range', min: '1', max: '255', step: '1', 'aria-label': 'Base image window width' });
widthInput.value = String(view.width);
const resetView = el('button', { id: 'reset-view', type: 'button' }, 'Reset view');
const bar = colorbar();
const cmSelect = el('select', { id: 'colormap', 'aria-label': 'Colour map' });
for (const c of COLORMAPS) cmSelect.append(el('option', { value: c }, c));
cmSelect.value = view.colormap;
const opacity = el('input', { id: 'opacity', type: 'range', min: '0', max: '1', step: '0.05', 'aria-label': 'Overlay opacity' });
opacity.value = String(view.opacity);
const threshold = el('input', { id: 'threshold', type: 'range', min: '0', max: '1', step: '0.01', 'aria-label': 'Threshold' });
threshold.value = String(view.threshold);
const thresholdText = el('span', { id: 'threshold-value' });
const side = el('input', { id: 'side', type: 'checkbox' });
side.checked = view.sideBySide;
const maskBox = el('input', { id: 'mask', type: 'checkbox' });
maskBox.checked = view.showMask;
const label = (text: string, input: HTMLElement) => {
  const l = el('label', {}, text + ' ');
  l.append(input);
  return l;
};
header.append(label('Run', runSelect), label('Scale', scaleSelect), label('Colour map', cmSelect), label('Opacity', opacity), label('Threshold', threshold), thresholdText, label('Side by side', side));
if (init.maskSrc) header.append(label('Ground-truth outline', maskBox));
const imageBar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Base image window and view' });
imageBar.append(label('Level', levelInput), label('Window', widthInput), resetView, el('span', { class: 'muted' }, 'wheel: zoom · drag: pan · double-click: whole image'));
runSelect.addEventListener('change', () => vscode.postMessage({ type: 'options', runDir: runSelect.value }));
scaleSelect.addEventListener('change', () => vscode.postMessage({ type: 'options', normalisation: scaleSelect.value }));
// hidden until the first draw, so a missing run or a daemon error is not shown above two empty frames
const canvases = el('div', { class: 'canvases', hidden: '' });
const original = el('canvas', { id: 'original', 'aria-label': 'Original image' });
const overlay = el('canvas', { id: 'overlay', tabindex: '0', 'aria-label': 'Image with anomaly map overlay; arrow keys move a probe that reads out pixel and anomaly values' });
const frameOriginal = el('div', { class: 'frame' });
const frameOverlay = el('div', { class: 'frame' });
frameOriginal.append(original);
frameOverlay.append(overlay);
canvases.append(frameOriginal, frameOverlay);
const zoom = zoomPan([frameOriginal, frameOverlay], [original, overlay]);
resetView.addEventListener('click', () => {
  zoom.reset();
  view.level = FULL_WINDOW.level;
  view.width = FULL_WINDOW.width;
  levelInput.value = String(view.level);
  widthInput.value = String(view.width);
  draw();
});
const hover = el('p', { id: 'hover', 'aria-live': 'off' }, ' ');
// volumes and multi-frame files: a slice slider (shown once the daemon says the file holds more than one image)
const sliceBar = el('div', { class: 'toolbar', hidden: '' });
const slice = el('input', { id: 'slice', type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Slice' });
const sliceText = el('span', { id: 'slice-value' });
sliceBar.append(label('Slice', slice), sliceText);
app.append(title, header, bar.root, imageBar, sliceBar, verdictLine, warnLine, scoreLine, status, canvases, hover);
/** The daemon's rendering of a format the browser cannot show (TIFF, DICOM, NIfTI, 16-bit PNG). */
let source: Promise<Pixels> | undefined;
let sourceNote = '';
slice.addEventListener('change', () => {
  status.textContent = `Loading slice ${slice.value}…`;
  vscode.postMessage({ type: 'slice', slice: Number(slice.value) });
});

function draw(): void {
  if (!image || !map) return;
  for (const c of [original, overlay]) {
    c.width = image.width;
    c.height = image.height;
  }
  canvases.hidden = false;
  frameOriginal.hidden = !view.sideBySide;
  const t = view.threshold ?? 0;
  // window/level changes the base image only: the map's colours keep their meaning
  const win = { level: view.level, width: view.width };
  const windowed = isFullWindow(win) ? image.data : applyWindow(image.data, win);
  const base = new Uint8ClampedArray(windowed);
  const px = compositeOverlay(windowed, map, { colormap: view.colormap, opacity: view.opacity, threshold: t });
  // small lesions are only a few pixels wide: an outline on the overlay would hide the very map values it marks, so
  // side by side it goes on the original; alone, the overlay carries it
  if (outline && view.showMask) paintOutline(view.sideBySide ? base : px, outline, [255, 0, 255]);
  original.getContext('2d')?.putImageData(new ImageData(base, image.width, image.height), 0, 0);
  overlay.getContext('2d')?.putImageData(new ImageData(px, image.width, image.height), 0, 0);
  const cov = coverage(map, t);
  overlay.dataset.drawn = String(Date.now());
  overlay.dataset.coverage = String(cov);
  thresholdText.textContent = `≥ ${fmt(range[0] + t * (range[1] - range[0]))} (${((100 * cov) / map.length).toFixed(1)}% of pixels)`;
  bar.draw(view.colormap, range, t);
  vscode.setState(view);
}

function onControl(): void {
  view.colormap = isColormap(cmSelect.value) ? cmSelect.value : 'jet';
  view.opacity = Number(opacity.value);
  view.sideBySide = side.checked;
  view.showMask = maskBox.checked;
  view.level = Number(levelInput.value);
  view.width = Number(widthInput.value);
  draw();
}
for (const c of [cmSelect, opacity, side, maskBox, levelInput, widthInput]) c.addEventListener('input', onControl);
threshold.addEventListener('input', () => {
  view.threshold = Number(threshold.value);
  onControl();
});

function describePixel(x: number, y: number): void {
  if (!image || !map || x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  const i = y * image.width + x;
  const t = map[i];
  hover.textContent = `(${x}, ${y})  pixel ${image.data[i * 4]}  anomaly ${fmt(range[0] + t * (range[1] - range[0]))} (${(t * 100).toFixed(0)}% of range)`;
}

function showPixel(ev: MouseEvent): void {
  if (!image) return;
  const c = ev.currentTarget as HTMLCanvasElement;
  const r = c.getBoundingClientRect();
  describePixel(Math.floor(((ev.clientX - r.left) / r.width) * image.width), Math.floor(((ev.clientY - r.top) / r.height) * image.height));
}
original.addEventListener('mousemove', showPixel);
overlay.addEventListener('mousemove', showPixel);

// keyboard probe on the focused overlay: arrows move it a pixel (Shift: 8), Home centres it; its values are read
// out (aria-live) and a crosshair marks it, positioned through the CSSOM (the CSP allows no inline style attributes)
const probe = { x: -1, y: -1 };
const cross = el('div', { class: 'probe', hidden: '', 'aria-hidden': 'true' });
canvases.append(cross);
overlay.addEventListener('keydown', (ev) => {
  if (!image) return;
  const step = ev.shiftKey ? 8 : 1;
  const d: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  if (probe.x < 0 || ev.key === 'Home') [probe.x, probe.y] = [image.width >> 1, image.height >> 1];
  else if (d[ev.key]) [probe.x, probe.y] = [probe.x + d[ev.key][0], probe.y + d[ev.key][1]];
  else return;
  ev.preventDefault();
  probe.x = Math.min(image.width - 1, Math.max(0, probe.x));
  probe.y = Math.min(image.height - 1, Math.max(0, probe.y));
  hover.setAttribute('aria-live', 'polite');
  describePixel(probe.x, probe.y);
  const r = overlay.getBoundingClientRect();
  const host = canvases.getBoundingClientRect();
  cross.hidden = false;
  cross.style.left = `${r.left - host.left + ((probe.x + 0.5) / image.width) * r.width}px`;
  cross.style.top = `${r.top - host.top + ((probe.y + 0.5) / image.height) * r.height}px`;
});
overlay.addEventListener('blur', () => (cross.hidden = true));

interface HeatmapMsg { type: 'heatmap'; png?: string; score: number; range: [number, number]; width: number; height: number; run: string; slice?: number; info?: RunDisplayInfo }
interface RunsMsg { runs: { runDir: string; label: string }[]; current: string; normalisation: string }
function onRuns(m: RunsMsg): void {
  runSelect.replaceChildren(...m.runs.map((r) => el('option', { value: r.runDir }, r.label)));
  if (!m.runs.some((r) => r.runDir === m.current)) runSelect.append(el('option', { value: m.current }, m.current.split(/[\\/]/).pop() ?? m.current));
  runSelect.value = m.current;
  runSelect.disabled = m.runs.length < 2;
  runSelect.dataset.count = String(m.runs.length);
  scaleSelect.value = m.normalisation;
}
window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type: string; message?: string };
  if (m.type === 'status') status.textContent = m.message ?? '';
  if (m.type === 'error') {
    status.textContent = m.message ?? 'error';
    status.classList.add('error');
  }
  if (m.type === 'heatmap') void onHeatmap(m as HeatmapMsg);
  if (m.type === 'source') onSource(m as unknown as SourceMsg);
  if (m.type === 'runs') onRuns(m as unknown as RunsMsg);
  if (m.type === 'standing') {
    const s = m as unknown as { rank: number; total: number; percentile: number };
    scoreLine.textContent += `, rank ${s.rank} of ${s.total} (percentile ${s.percentile.toFixed(1)})`;
    scoreLine.dataset.rank = String(s.rank);
  }
});

interface SourceMsg { png: string; slice: number; frames: number; format: string; bitDepth: number; window: [number, number] }
function onSource(m: SourceMsg): void {
  source = loadPixels(`data:image/png;base64,${m.png}`);
  sourceNote = `${m.format}, ${m.bitDepth}-bit, shown with window ${fmt(m.window[0])}…${fmt(m.window[1])}`;
  if (m.frames > 1) {
    sliceBar.hidden = false;
    slice.max = String(m.frames - 1);
    slice.value = String(m.slice);
    sliceText.textContent = `${m.slice + 1} of ${m.frames}`;
    slice.dataset.frames = String(m.frames);
  }
  // the original image shows at once, before the map (which needs a run) arrives
  void source.then((px) => {
    if (map) return;
    image = px;
    canvases.hidden = false;
    original.width = px.width;
    original.height = px.height;
    original.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(px.data), px.width, px.height), 0, 0);
  });
}

let thresholdTouched = saved?.threshold !== undefined || init.threshold !== null;
threshold.addEventListener('input', () => (thresholdTouched = true));

function showVerdict(score: number): void {
  warnLine.hidden = !info.thresholdWarning;
  warnLine.textContent = info.thresholdWarning ? `⚠ Threshold: ${info.thresholdWarning}` : '';
  if (info.threshold === undefined) {
    verdictLine.textContent = 'The run has no image threshold yet: evaluate it for a verdict.';
    delete verdictLine.dataset.above;
    return;
  }
  const v = verdict(score, info.threshold, info.validationNormals);
  verdictLine.textContent = v.text;
  verdictLine.className = v.above ? 'verdict above' : 'verdict below';
  verdictLine.dataset.above = String(v.above);
}

async function onHeatmap(m: HeatmapMsg): Promise<void> {
  try {
    if (!m.png) throw new Error('the daemon returned no map image');
    const mp = await loadPixels(`data:image/png;base64,${m.png}`);
    // images the browser cannot decode (TIFF, DICOM, NIfTI) are shown as a neutral gray base at map size
    const rendered = source ? await source.catch(() => undefined) : undefined;
    image = init.imageSrc ? await loadPixels(init.imageSrc) : (rendered ?? { width: mp.width, height: mp.height, data: new Uint8ClampedArray(mp.width * mp.height * 4).fill(128) });
    map = resampleNearest(grayValues(mp.data), mp.width, mp.height, image.width, image.height);
    if (init.maskSrc) {
      const mk = await loadPixels(init.maskSrc).catch(() => undefined);
      if (mk) {
        maskValues = resampleNearest(grayValues(mk.data), mk.width, mk.height, image.width, image.height);
        outline = maskOutline(maskValues, image.width, image.height);
      }
    }
    range = m.range;
    info = m.info ?? {};
    // the default threshold is the run's pixel threshold (validation normals' 0.995 quantile), not 0
    if (!thresholdTouched) view.threshold = info.pixelThreshold !== undefined ? barPosition(info.pixelThreshold, range[0], range[1]) : 0;
    threshold.value = String(view.threshold ?? 0);
    showVerdict(m.score);
    if (maskValues) {
      // mean normalised anomaly inside vs outside the ground truth: how well the map localises (also read by e2e)
      const sum = [0, 0];
      const n = [0, 0];
      map.forEach((v, i) => {
        const k = maskValues && maskValues[i] > 0 ? 1 : 0;
        sum[k] += v;
        n[k]++;
      });
      overlay.dataset.meanInside = String(sum[1] / Math.max(1, n[1]));
      overlay.dataset.meanOutside = String(sum[0] / Math.max(1, n[0]));
    }
    scoreLine.textContent = `Image score ${fmt(m.score)} (run ${m.run})`;
    scoreLine.dataset.score = String(m.score);
    status.textContent = init.imageSrc ? '' : rendered ? `Decoded by the daemon: ${sourceNote}.` : 'This image could not be decoded: the map is shown on a gray base.';
    original.dataset.source = init.imageSrc ? 'browser' : rendered ? 'daemon' : 'none';
    overlay.dataset.slice = String(m.slice ?? 0);
    draw();
  } catch (e) {
    status.textContent = String(e);
    status.classList.add('error');
  }
}

vscode.postMessage({ type: 'ready' });
