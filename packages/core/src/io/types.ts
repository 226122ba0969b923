// Shared image types: every decoder (sharp, DICOM, NIfTI) produces these, so the rest of core never
// cares which format a pixel came from.

/** A single-channel image, row-major, float32. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** One decoded 2-D image (a file, a DICOM frame or a NIfTI slice) with where it came from. */
export interface DecodedImage extends GrayImage, WithValueRange {
  /** Absolute path of the file it was read from. */
  file: string;
  /** Stable id: the file path, plus `#frame=N` or `#slice=N` for multi-image files. */
  id: string;
  /** e.g. 'png', 'jpeg', 'tiff', 'webp', 'dicom', 'nifti'. */
  format: string;
  /** Bits per sample of the stored data (8, 16, 32...). */
  bitDepth: number;
  /** Size before any resize. */
  originalWidth: number;
  originalHeight: number;
}

/** A failure to read one image: always names the file and the reason. */
export class ImageReadError extends Error {
  /** `options.cause`: the error this one wraps, kept for debugging (and so tests can tell a library bug from a bad file). */
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${reason}`, options);
    this.name = 'ImageReadError';
  }
}

/** A closed interval of intensities, e.g. the stored range of a bit depth or a DICOM window. */
export interface ValueRange {
  min: number;
  max: number;
}

/** Nominal intensity range of a decoded image, attached where the decoder knows it (see each decoder). */
export interface WithValueRange {
  /**
   * The range the values are meant to span: 0..255 / 0..65535 for raster, [0,1] for a windowed DICOM,
   * the modality range for an unwindowed DICOM, the volume range (or clip percentiles) for NIfTI.
   * normaliseImage uses it as the default range, so a dark image stays dark.
   */
  valueRange?: ValueRange;
}

export type DicomWindow = 'file' | 'none' | { center: number; width: number };

export interface DecodeOptions {
  /** Refuse images with more pixels than this (all frames/slices together), checked from the header. Default 64e6. */
  maxPixels?: number;
  dicom?: {
    /** 'file' (default): the file's first WindowCenter/Width if present, else none. */
    window?: DicomWindow;
  };
  nifti?: {
    /** Slice axis in storage order (0 = i, 1 = j, 2 = k). Default 2. */
    axis?: 0 | 1 | 2;
    /** Half-open slice range [from, to) along the axis; clamped to the volume. */
    range?: [number, number];
    /** Keep every k-th slice of the range (default 1). */
    every?: number;
    /** Clip intensities to these volume percentiles, e.g. [0.5, 99.5]. */
    clipPercentiles?: [number, number];
  };
}

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'webp' | 'gif' | 'bmp' | 'dicom' | 'nifti';

/** Header-only facts about one file (NIfTI: width/height of a slice along axis 2, frames = slice count). */
export interface ProbeResult {
  format: ImageFormat;
  width: number;
  height: number;
  bitDepth: number;
  frames: number;
}

export type ResizeMethod = 'bilinear' | 'area' | 'pil-bilinear';

/** A resize done as part of decoding (decodeFile's third argument): the decoded image comes back at this size. */
export interface ResizeTo {
  width: number;
  height: number;
  method: ResizeMethod;
}
export type NormaliseMode = 'minus1to1' | 'zscore' | 'unit';

export interface LoadOptions {
  /** Target [width, height]. */
  size: [number, number];
  resize: ResizeMethod;
  /** A mode, or a mode with an explicit range (else the image's valueRange / bit-depth range). */
  normalise: NormaliseMode | { mode: NormaliseMode; range?: ValueRange };
  decode?: DecodeOptions;
}

export const DEFAULT_MAX_PIXELS = 64e6;
