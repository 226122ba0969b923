// Shared image types: every decoder (sharp, DICOM, NIfTI) produces these, so the rest of core never
// cares which format a pixel came from.

/** A single-channel image, row-major, float32. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** One decoded 2-D image (a file, a DICOM frame or a NIfTI slice) with where it came from. */
export interface DecodedImage extends GrayImage {
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
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImageReadError';
  }
}
