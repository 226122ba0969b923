// decode + resize + normalise, the usual path from a file to a model input.
import { decodeFile } from './decode.js';
import { normaliseImage } from './normalise.js';
import { ImageReadError, type DecodedImage, type LoadOptions } from './types.js';

/** Every image of the file at opts.size, normalised; originalWidth/Height keep the decoded size. */
export async function loadImage(file: string, opts: LoadOptions): Promise<DecodedImage[]> {
  const [w, h] = opts.size;
  const { mode, range } =
    typeof opts.normalise === 'string' ? { mode: opts.normalise, range: undefined } : opts.normalise;
  // Resized while decoding: a grey raster goes from the decoder's buffer to w x h without a full-size copy.
  const decoded = await decodeFile(file, opts.decode, { width: w, height: h, method: opts.resize });
  return decoded.map((img) => {
    let norm;
    try {
      norm = normaliseImage(img, mode, range);
    } catch (e) {
      // e.g. a constant NIfTI volume: its value range is empty, so a fixed-range mode has nothing to map from.
      throw new ImageReadError(img.file, `cannot normalise ${img.id === img.file ? 'the image' : img.id}: ${(e as Error).message.replace(/^normaliseImage: /, '')}`);
    }
    const valueRange =
      mode === 'minus1to1' ? { min: -1, max: 1 } : mode === 'unit' ? { min: 0, max: 1 } : undefined;
    return { ...img, width: w, height: h, data: norm.data, valueRange };
  });
}
