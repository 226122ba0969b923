// One image → its audit descriptors: numeric (intensity, sharpness, noise, size, JPEG quality, pixel spacing) and
// categorical (format, bit depth, DICOM acquisition tags). Only what is cheap and could differ by source.
import { readFile } from 'node:fs/promises';
import { decodeFile } from '../../io/decode.js';
import { defaultRange } from '../../io/normalise.js';
import { resizeImage } from '../../io/resize.js';
import type { DecodeOptions, DecodedImage, GrayImage, ResizeMethod } from '../../io/types.js';
import { dicomTags, jpegQuality } from './file-facts.js';
import { intensityStats, noiseSigma, sharpness } from './pixel-stats.js';

/** Numeric descriptors, in table order. */
export const NUMERIC_DESCRIPTORS = [
  'mean',
  'std',
  'p01',
  'p50',
  'p99',
  'dynamicRange',
  'effectiveBits',
  'backgroundFraction',
  'gradientMean',
  'laplacianVar',
  'noiseSigma',
  'width',
  'height',
  'aspect',
  'jpegQuality',
  'pixelSpacing',
] as const;
export type NumericDescriptor = (typeof NUMERIC_DESCRIPTORS)[number];

export const CATEGORICAL_DESCRIPTORS = ['format', 'bitDepth', 'manufacturer', 'model', 'modality', 'photometric'] as const;
export type CategoricalDescriptor = (typeof CATEGORICAL_DESCRIPTORS)[number];

/** What each descriptor is, for tables, hovers and docs. */
export const DESCRIPTOR_TEXT: Record<NumericDescriptor | CategoricalDescriptor, string> = {
  mean: 'mean intensity',
  std: 'intensity standard deviation',
  p01: '1st intensity percentile',
  p50: 'median intensity',
  p99: '99th intensity percentile',
  dynamicRange: 'dynamic range (p99 − p1)',
  effectiveBits: 'effective bit depth (log2 distinct levels)',
  backgroundFraction: 'background fraction (pixels near the minimum)',
  gradientMean: 'sharpness: mean gradient magnitude',
  laplacianVar: 'sharpness: Laplacian variance',
  noiseSigma: 'noise σ (Immerkær)',
  width: 'original width',
  height: 'original height',
  aspect: 'aspect ratio (width / height)',
  jpegQuality: 'JPEG quality (quantisation tables)',
  pixelSpacing: 'DICOM pixel spacing (mm)',
  format: 'file format',
  bitDepth: 'stored bit depth',
  manufacturer: 'DICOM manufacturer',
  model: 'DICOM scanner model',
  modality: 'DICOM modality',
  photometric: 'DICOM photometric interpretation',
};

export interface ImageDescriptors {
  /** NaN where a descriptor does not apply (e.g. jpegQuality of a PNG). */
  numeric: Record<NumericDescriptor, number>;
  /** Absent where it does not apply. */
  categorical: Partial<Record<CategoricalDescriptor, string>>;
}

export interface DescriptorOptions {
  /** Size the sharpness descriptors are measured at (the detector's input size; default 64×64). */
  size?: [number, number];
  resize?: ResizeMethod;
  decode?: DecodeOptions;
}

/** Maps a decoded image to [0, 1] through its nominal range (else its own min/max, when none is known). */
function toUnit(img: DecodedImage): GrayImage {
  let min: number;
  let max: number;
  try {
    ({ min, max } = defaultRange(img));
  } catch {
    min = Infinity;
    max = -Infinity;
    for (const v of img.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  const span = max > min ? max - min : 1;
  const data = new Float32Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = (img.data[i] - min) / span;
  return { width: img.width, height: img.height, data };
}

/**
 * Descriptors of one file (its middle image, for multi-frame files). Intensity, noise and size are measured at the
 * stored resolution; sharpness after resizing to `size`, because that is the detail a detector gets to see.
 */
export async function describeImage(file: string, opts: DescriptorOptions = {}): Promise<ImageDescriptors> {
  const images = await decodeFile(file, opts.decode);
  const img = images[Math.floor(images.length / 2)];
  const unit = toUnit(img);
  const [w, h] = opts.size ?? [64, 64];
  const small = resizeImage(unit, w, h, opts.resize ?? 'area');
  const numeric: Record<NumericDescriptor, number> = {
    ...intensityStats(unit.data),
    ...sharpness(small),
    noiseSigma: noiseSigma(unit),
    width: img.originalWidth,
    height: img.originalHeight,
    aspect: img.originalWidth / img.originalHeight,
    jpegQuality: NaN,
    pixelSpacing: NaN,
  };
  const categorical: ImageDescriptors['categorical'] = { format: img.format, bitDepth: String(img.bitDepth) };
  if (img.format === 'jpeg' || img.format === 'dicom') {
    const bytes = await readFile(file);
    if (img.format === 'jpeg') numeric.jpegQuality = jpegQuality(bytes) ?? NaN;
    else {
      const tags = dicomTags(bytes);
      numeric.pixelSpacing = tags.pixelSpacing ?? NaN;
      for (const k of ['manufacturer', 'model', 'modality', 'photometric'] as const) if (tags[k]) categorical[k] = tags[k];
    }
  }
  return { numeric, categorical };
}
