// Heatmap webview: original and overlay canvases, colour map / opacity / threshold controls, mask outline,
// score with rank and percentile, pixel values on hover. State survives hide/show through setState.
import { COLORMAPS, isColormap, type ColormapName } from '../src/webview-logic/colormap.js';
import { compositeOverlay, coverage, grayValues, maskOutline, paintOutline, resampleNearest } from '../src/webview-logic/overlay.js';
import { el, fmt, initData, loadPixels, vscode } from './common.js';

interface Init { file: string; imageSrc?: string; maskSrc?: string; colormap: string; opacity: number; threshold: number }
interface View { colormap: ColormapName; opacity: number; threshold: number; sideBySide: boolean; showMask: boolean }
interface Pixels { width: number; height: number; data: Uint8ClampedArray }

const init = initData<Init>();
const saved = vscode.getState() as Partial<View> | undefined;
const view: View = {
  colormap: isColormap(saved?.colormap) ? saved.colormap : isColormap(init.colormap) ? init.colormap : 'jet',
  opacity: saved?.opacity ?? init.opacity,
  threshold: saved?.threshold ?? init.threshold,
  sideBySide: saved?.sideBySide ?? true,
  showMask: saved?.showMask ?? true,
};

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
header.append(label('Colour map', cmSelect), label('Opacity', opacity), label('Threshold', threshold), thresholdText, label('Side by side', side));
if (init.maskSrc) header.append(label('Ground-truth outline', maskBox));
// hidden until the first draw, so a missing run or a daemon error is not shown above two empty frames
const canvases = el('div', { class: 'canvases', hidden: '' });
const original = el('canvas', { id: 'original', 'aria-label': 'Original image' });
const overlay = el('canvas', { id: 'overlay', tabindex: '0', 'aria-label': 'Image with anomaly map overlay; arrow keys move a probe that reads out pixel and anomaly values' });
canvases.append(original, overlay);
const hover = el('p', { id: 'hover', 'aria-live': 'off' }, ' ');
// volumes and multi-frame files: a slice slider (shown once the daemon says the file holds more than one image)
const sliceBar = el('div', { class: 'toolbar', hidden: '' });
const slice = el('input', { id: 'slice', type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Slice' });
const sliceText = el('span', { id: 'slice-value' });
sliceBar.append(label('Slice', slice), sliceText);
app.append(title, header, sliceBar, scoreLine, status, canvases, hover);
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
  original.hidden = !view.sideBySide;
  const base = new Uint8ClampedArray(image.data);
  const px = compositeOverlay(image.data, map, view);
  // small lesions are only a few pixels wide: an outline on the overlay would hide the very map values it marks, so
  // side by side it goes on the original; alone, the overlay carries it
  if (outline && view.showMask) paintOutline(view.sideBySide ? base : px, outline, [255, 0, 255]);
  original.getContext('2d')?.putImageData(new ImageData(base, image.width, image.height), 0, 0);
  overlay.getContext('2d')?.putImageData(new ImageData(px, image.width, image.height), 0, 0);
  const cov = coverage(map, view.threshold);
  overlay.dataset.drawn = String(Date.now());
  overlay.dataset.coverage = String(cov);
  thresholdText.textContent = `≥ ${fmt(range[0] + view.threshold * (range[1] - range[0]))} (${((100 * cov) / map.length).toFixed(1)}% of pixels)`;
  vscode.setState(view);
}

function onControl(): void {
  view.colormap = isColormap(cmSelect.value) ? cmSelect.value : 'jet';
  view.opacity = Number(opacity.value);
  view.threshold = Number(threshold.value);
  view.sideBySide = side.checked;
  view.showMask = maskBox.checked;
  draw();
}
for (const c of [cmSelect, opacity, threshold, side, maskBox]) c.addEventListener('input', onControl);

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

interface HeatmapMsg { type: 'heatmap'; png?: string; score: number; range: [number, number]; width: number; height: number; run: string; slice?: number }
window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type: string; message?: string };
  if (m.type === 'status') status.textContent = m.message ?? '';
  if (m.type === 'error') {
    status.textContent = m.message ?? 'error';
    status.classList.add('error');
  }
  if (m.type === 'heatmap') void onHeatmap(m as HeatmapMsg);
  if (m.type === 'source') onSource(m as unknown as SourceMsg);
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
