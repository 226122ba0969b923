// Compositing an anomaly map over an image: pure pixel arithmetic on RGBA buffers, so the webview only moves
// pixels between canvases and these functions (unit-tested without a browser).
import { colormapLut, lutIndex, type ColormapName } from './colormap.js';

export interface OverlayOptions {
  colormap: ColormapName;
  /** 0..1: weight of the colour over the image. */
  opacity: number;
  /** 0..1 in normalised map units: pixels below it show the plain image. */
  threshold: number;
}

/** The map's normalised values (0..1) from a grayscale RGBA buffer (the daemon's 'gray' map PNG). */
export function grayValues(rgba: ArrayLike<number>): Float32Array {
  const n = Math.floor(rgba.length / 4);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rgba[i * 4] / 255;
  return out;
}

/** Nearest-neighbour resampling of a single-channel map to another size (map and image sizes may differ). */
export function resampleNearest(values: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (values.length !== sw * sh) throw new Error(`map has ${values.length} values, expected ${sw}x${sh}`);
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    for (let x = 0; x < dw; x++) {
      const sx = Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / dw));
      out[y * dw + x] = values[sy * sw + sx];
    }
  }
  return out;
}

/** The image with the coloured map blended in where the map reaches the threshold; alpha stays opaque. */
export function compositeOverlay(base: ArrayLike<number>, map: ArrayLike<number>, opts: OverlayOptions): Uint8ClampedArray<ArrayBuffer> {
  if (base.length !== map.length * 4) throw new Error(`image has ${base.length / 4} pixels but map has ${map.length}`);
  const lut = colormapLut(opts.colormap);
  const a = Math.min(1, Math.max(0, opts.opacity));
  const out = new Uint8ClampedArray(base.length);
  for (let i = 0; i < map.length; i++) {
    const p = i * 4;
    const t = map[i];
    if (!(t >= opts.threshold) || a === 0) {
      out[p] = base[p];
      out[p + 1] = base[p + 1];
      out[p + 2] = base[p + 2];
    } else {
      const c = lutIndex(t) * 3;
      // Math.round: Uint8ClampedArray alone would round halves to even.
      out[p] = Math.round(base[p] * (1 - a) + lut[c] * a);
      out[p + 1] = Math.round(base[p + 1] * (1 - a) + lut[c + 1] * a);
      out[p + 2] = Math.round(base[p + 2] * (1 - a) + lut[c + 2] * a);
    }
    out[p + 3] = 255;
  }
  return out;
}

/** 1 on mask pixels that touch a background pixel or the border (4-neighbourhood), else 0. */
export function maskOutline(mask: ArrayLike<number>, w: number, h: number): Uint8Array {
  if (mask.length !== w * h) throw new Error(`mask has ${mask.length} values, expected ${w}x${h}`);
  const out = new Uint8Array(w * h);
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x] > 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (on(x, y) && (!on(x - 1, y) || !on(x + 1, y) || !on(x, y - 1) || !on(x, y + 1))) out[y * w + x] = 1;
    }
  }
  return out;
}

/** Paints outline pixels in `rgba` (in place) with the colour. */
export function paintOutline(rgba: Uint8ClampedArray, outline: ArrayLike<number>, color: [number, number, number]): void {
  for (let i = 0; i < outline.length; i++) {
    if (outline[i]) rgba.set(color, i * 4);
  }
}

/** Count of pixels whose map value reaches the threshold (the overlay's coverage, shown next to the slider). */
export function coverage(map: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let i = 0; i < map.length; i++) if (map[i] >= threshold) n++;
  return n;
}
