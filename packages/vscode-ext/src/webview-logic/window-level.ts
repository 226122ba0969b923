// Window/level on the heatmap's base image (display only, like a PACS viewer): grey values in
// [level − width/2, level + width/2] stretch to 0..255, the rest clip. The anomaly map is not affected.

export interface WindowLevel {
  /** Centre, 0..255 in the displayed image's grey units. */
  level: number;
  /** Width, 1..255. */
  width: number;
}

export const FULL_WINDOW: WindowLevel = { level: 127.5, width: 255 };

/** A windowed copy of an RGBA buffer (each colour channel mapped the same way; alpha kept). */
export function applyWindow(rgba: ArrayLike<number>, w: WindowLevel): Uint8ClampedArray<ArrayBuffer> {
  const width = Math.max(1, w.width);
  const lo = w.level - width / 2;
  const out = new Uint8ClampedArray(rgba.length);
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(((v - lo) / width) * 255);
  for (let i = 0; i < rgba.length; i += 4) {
    out[i] = lut[rgba[i]];
    out[i + 1] = lut[rgba[i + 1]];
    out[i + 2] = lut[rgba[i + 2]];
    out[i + 3] = rgba[i + 3];
  }
  return out;
}

/** Whether the window is the identity (no copy needed). */
export function isFullWindow(w: WindowLevel): boolean {
  return Math.abs(w.level - 127.5) < 0.5 && Math.abs(w.width - 255) < 0.5;
}
