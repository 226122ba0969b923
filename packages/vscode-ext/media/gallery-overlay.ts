// Heatmap-overlay thumbnails for the gallery: the image and the run's saved 16-bit map (scaled by the run's
// mapRange) composited at thumbnail size on the run's display range and pixel threshold, as the heatmap editor
// and report.html colour them. Results are cached as data URLs per file.
import type { RunDisplayInfo } from '../src/run-info.js';
import { barPosition } from '../src/webview-logic/colorbar.js';
import { compositeOverlay, grayValues, resampleNearest } from '../src/webview-logic/overlay.js';
import { loadPixels } from './common.js';

const SIZE = 120;
const cache = new Map<string, Promise<string>>();

/** The image drawn to fit SIZE×SIZE (aspect kept), as RGBA. */
async function thumbPixels(src: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const full = await loadPixels(src);
  const k = Math.min(1, SIZE / Math.max(full.width, full.height));
  const w = Math.max(1, Math.round(full.width * k));
  const h = Math.max(1, Math.round(full.height * k));
  const a = document.createElement('canvas');
  a.width = full.width;
  a.height = full.height;
  a.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(full.data), full.width, full.height), 0, 0);
  const b = document.createElement('canvas');
  b.width = w;
  b.height = h;
  const g = b.getContext('2d', { willReadFrequently: true });
  if (!g) throw new Error('no 2D canvas');
  g.drawImage(a, 0, 0, w, h);
  return { width: w, height: h, data: g.getImageData(0, 0, w, h).data };
}

export function overlayThumb(file: string, src: string, mapSrc: string, info: RunDisplayInfo): Promise<string> {
  const hit = cache.get(file);
  if (hit) return hit;
  const made = (async () => {
    const [img, mp] = await Promise.all([thumbPixels(src), loadPixels(mapSrc)]);
    const [ml, mh] = info.mapRange ?? [0, 1];
    const [dl, dh] = info.range ?? [ml, mh];
    // map PNG grey (0..1 of mapRange) → map units → position on the display range
    const values = grayValues(mp.data).map((g) => barPosition(ml + g * (mh - ml), dl, dh));
    const map = resampleNearest(values, mp.width, mp.height, img.width, img.height);
    const threshold = info.pixelThreshold !== undefined ? barPosition(info.pixelThreshold, dl, dh) : 0;
    const px = compositeOverlay(img.data, map, { colormap: 'jet', opacity: 0.5, threshold });
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    c.getContext('2d')?.putImageData(new ImageData(px, img.width, img.height), 0, 0);
    return c.toDataURL('image/png');
  })();
  cache.set(file, made);
  made.catch(() => cache.delete(file));
  return made;
}
