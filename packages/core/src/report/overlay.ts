// Heatmap overlays for the report: a jet-like colormap blended over the grayscale image, with the ground-truth
// mask outlined, upscaled with nearest neighbour so individual pixels stay honest. Computed here in TS, encoded
// to PNG by sharp.
import sharp from 'sharp';

export type Rgb = [number, number, number];

/** Jet-like colormap (blue -> cyan -> yellow -> red) for t in [0, 1], as 0..255 RGB. */
export function jet(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const c = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  return [c(1.5 - Math.abs(4 * x - 3)), c(1.5 - Math.abs(4 * x - 2)), c(1.5 - Math.abs(4 * x - 1))];
}

export interface OverlayInput {
  width: number;
  height: number;
  /** Image intensities in [0, 1]. */
  image: ArrayLike<number>;
  /** Anomaly map of the same size, in score units. */
  map: ArrayLike<number>;
  /** The map values sent to the colormap's ends (a fixed, dataset-wide range, so maps are comparable). */
  range: [number, number];
  /** Optional ground-truth mask (non-zero = lesion), outlined in white. */
  mask?: ArrayLike<number>;
  /** Integer upscale factor. Default 2. */
  scale?: number;
}

/** RGB pixels (width*scale x height*scale) of the overlay. */
export function overlayRgb(o: OverlayInput): { width: number; height: number; data: Uint8Array } {
  const s = Math.max(1, Math.round(o.scale ?? 2));
  const W = o.width * s;
  const H = o.height * s;
  const data = new Uint8Array(W * H * 3);
  const [lo, hi] = o.range;
  const span = hi > lo ? hi - lo : 1;
  const inMask = (x: number, y: number) => x >= 0 && y >= 0 && x < o.width && y < o.height && (o.mask as ArrayLike<number>)[y * o.width + x] > 0;
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      const x = Math.floor(X / s);
      const y = Math.floor(Y / s);
      const i = y * o.width + x;
      const t = (o.map[i] - lo) / span;
      const tc = Math.min(1, Math.max(0, t));
      // Low values leave the anatomy untouched; high values dominate: the eye goes to the hot spots.
      const alpha = 0.75 * tc;
      const g = 255 * Math.min(1, Math.max(0, o.image[i]));
      const col = jet(tc);
      let rgb: Rgb = [0, 1, 2].map((k) => Math.round((1 - alpha) * g + alpha * col[k])) as Rgb;
      if (o.mask && inMask(x, y)) {
        // Outline at the upscaled resolution: a lesion pixel whose neighbour sub-pixel lies outside the mask.
        const nx = [Math.floor((X - 1) / s), Math.floor((X + 1) / s)];
        const ny = [Math.floor((Y - 1) / s), Math.floor((Y + 1) / s)];
        if (!inMask(nx[0], y) || !inMask(nx[1], y) || !inMask(x, ny[0]) || !inMask(x, ny[1])) rgb = [255, 255, 255];
      }
      data.set(rgb, (Y * W + X) * 3);
    }
  }
  return { width: W, height: H, data };
}

export async function overlayPng(o: OverlayInput): Promise<Buffer> {
  const { width, height, data } = overlayRgb(o);
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** The plain grayscale image, upscaled the same way, for side-by-side display. */
export async function grayPng(width: number, height: number, image: ArrayLike<number>, scale = 2): Promise<Buffer> {
  const px = Buffer.alloc(width * height);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(255 * Math.min(1, Math.max(0, image[i])));
  return sharp(px, { raw: { width, height, channels: 1 } })
    .resize(width * scale, height * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
}

/** A horizontal colour bar of the colormap, for the report's legend. */
export async function colorbarPng(width = 256, height = 12): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let x = 0; x < width; x++) {
    const c = jet(x / (width - 1));
    for (let y = 0; y < height; y++) data.set(c, (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}
