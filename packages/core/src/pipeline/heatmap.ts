// Rendering one anomaly map as a coloured PNG for the editor: normalisation (the run's range, this image's
// min-max, or a fixed range), resampling to the source image's size so it overlays pixel for pixel, and a
// colormap. viridis and inferno are Matt Zucker's degree-6 polynomial fits of matplotlib's tables (max error
// about 1/100 per channel), which saves shipping 256-entry tables; jet matches the report's (report/overlay.ts).
import sharp from 'sharp';
import { resizeImage } from '../io/resize.js';

export type ColormapName = 'gray' | 'jet' | 'viridis' | 'inferno';
export type MapNormalisation = 'global' | 'image' | 'fixed';

type Poly = [number, number, number][];
const VIRIDIS: Poly = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];
const INFERNO: Poly = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

const byte = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));

function poly(c: Poly, t: number): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (let ch = 0; ch < 3; ch++) {
    let v = 0;
    for (let k = c.length - 1; k >= 0; k--) v = v * t + c[k][ch];
    out[ch] = byte(v);
  }
  return out;
}

/** RGB (0..255) of `t` in [0, 1] (clamped; NaN counts as 0). */
export function colormapRgb(name: ColormapName, t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  switch (name) {
    case 'gray':
      return [byte(x), byte(x), byte(x)];
    case 'jet':
      return [byte(1.5 - Math.abs(4 * x - 3)), byte(1.5 - Math.abs(4 * x - 2)), byte(1.5 - Math.abs(4 * x - 1))];
    case 'viridis':
      return poly(VIRIDIS, x);
    case 'inferno':
      return poly(INFERNO, x);
    default:
      throw new Error(`unknown colormap '${String(name)}' (gray, jet, viridis, inferno)`);
  }
}

export interface HeatmapOptions {
  colormap?: ColormapName;
  normalisation?: MapNormalisation;
  /** [low, high] in score units for 'fixed'. */
  range?: [number, number];
  /** The run's map range for 'global' (evaluation's mapRange); without it, [0, this map's max]. */
  runRange?: [number, number];
  /** Output size (the source image's); default the map's own size. */
  size?: { width: number; height: number };
}

export interface RenderedHeatmap {
  png: Buffer;
  width: number;
  height: number;
  /** The score values sent to the colormap's ends. */
  range: [number, number];
}

function rangeFor(map: Float32Array, o: HeatmapOptions): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  switch (o.normalisation ?? 'global') {
    case 'fixed': {
      const r = o.range;
      if (!r || r.length !== 2 || !r.every(Number.isFinite) || !(r[1] > r[0])) throw new Error(`normalisation 'fixed' needs range [low, high] with low < high, got ${JSON.stringify(r)}`);
      return [r[0], r[1]];
    }
    case 'image':
      return [lo, hi > lo ? hi : lo + 1];
    case 'global':
      return o.runRange ?? [Math.min(0, lo), hi > Math.min(0, lo) ? hi : Math.min(0, lo) + 1];
    default:
      throw new Error(`unknown normalisation '${String(o.normalisation)}' (global, image, fixed)`);
  }
}

/** The map (width x height, score units) as a PNG, normalised, resampled and coloured (RGB; 'gray': one channel). */
export async function renderHeatmap(map: Float32Array, width: number, height: number, o: HeatmapOptions = {}): Promise<RenderedHeatmap> {
  if (map.length !== width * height) throw new Error(`renderHeatmap: map has ${map.length} values, expected ${width}x${height}`);
  const range = rangeFor(map, o);
  const out = o.size ?? { width, height };
  const resized = out.width === width && out.height === height ? map : resizeImage({ width, height, data: map }, out.width, out.height, 'bilinear').data;
  const name = o.colormap ?? 'inferno';
  const lo = range[0];
  const span = range[1] - range[0];
  // byte()'s arithmetic exactly; NaN fails both tests and maps to 0
  const level = (v: number) => {
    const t = 255 * ((v - lo) / span);
    return t >= 255 ? 255 : t > 0 ? Math.round(t) : 0;
  };
  let raw: Buffer;
  let channels: 1 | 3;
  if (name === 'gray') {
    // what the editor asks for (its webview colours the values itself): one channel, a third of the bytes to
    // colour, compress and send; a browser or decoder reads it as R = G = B, the same values as before
    channels = 1;
    raw = Buffer.alloc(out.width * out.height);
    for (let i = 0; i < resized.length; i++) raw[i] = level(resized[i]);
  } else {
    // a flat 256-entry LUT and integer indexing: this loop runs per output pixel on every heatmap request
    channels = 3;
    const lut = new Uint8Array(768);
    for (let i = 0; i < 256; i++) lut.set(colormapRgb(name, i / 255), 3 * i);
    raw = Buffer.alloc(out.width * out.height * 3);
    for (let i = 0, o = 0; i < resized.length; i++, o += 3) {
      const k = 3 * level(resized[i]);
      raw[o] = lut[k];
      raw[o + 1] = lut[k + 1];
      raw[o + 2] = lut[k + 2];
    }
  }
  const img = sharp(raw, { raw: { width: out.width, height: out.height, channels } });
  // level 1: a local PNG, latency matters more than bytes; 'b-w' keeps one channel a grey PNG (sharp would widen it)
  const png = await (channels === 1 ? img.toColourspace('b-w') : img).png({ compressionLevel: 1 }).toBuffer();
  return { png, width: out.width, height: out.height, range };
}
