// Shared shapes of the synthetic-anomaly generators.
import type { GrayImage, ValueRange } from '../io/types.js';

/** Axis-aligned pixel rectangle [x, x+w) x [y, y+h). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What every generator returns: the altered image (a new one), a pixel-wise label in [0, 1], and the patch boxes. */
export interface SynthResult {
  image: GrayImage;
  /** Same size as the image; 0 = normal. Its meaning per method is documented on each generator. */
  label: Float32Array;
  boxes: Box[];
}

/** A closed interval to draw from uniformly, or a fixed value. */
export type SampleRange = [number, number] | number;

export const DEFAULT_VALUE_RANGE: ValueRange = { min: -1, max: 1 };

export function checkImage(img: GrayImage, what: string): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1)
    throw new Error(`${what}: invalid size ${img.width}x${img.height}`);
  if (img.data.length !== img.width * img.height)
    throw new Error(`${what}: data length ${img.data.length} != ${img.width}x${img.height}`);
}

export function checkSameSize(a: GrayImage, b: GrayImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`${what}: foreign image is ${b.width}x${b.height}, expected ${a.width}x${a.height}`);
}
