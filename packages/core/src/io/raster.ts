// Raster formats through sharp (libvips). Values stay in the stored range (0..255 or 0..65535); colour is
// reduced to Rec.601 luma ourselves, because sharp's greyscale() goes through linear light and would change
// the intensities of images that are really grey.
import sharp from 'sharp';
import { rasterHeader } from './raster-header.js';
import { resizeSamples } from './resize.js';
import { ImageReadError, type DecodedImage, type ImageFormat, type ProbeResult, type ResizeTo } from './types.js';

const DEPTH_BITS: Record<string, number> = {
  uchar: 8,
  char: 8,
  ushort: 16,
  short: 16,
  uint: 32,
  int: 32,
  float: 32,
  double: 64,
};

// libvips' operation cache only pays when the same file is processed again; a data loader never does, and the
// bookkeeping cost about 5% of a small JPEG's decode here.
sharp.cache(false);

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function readMetadata(file: string, format: ImageFormat, bytes?: Buffer): Promise<sharp.Metadata> {
  try {
    // Header only; the pixel limit is ours to apply (with a reason the user can act on), not libvips'.
    return await sharp(bytes ?? file, { limitInputPixels: false }).metadata();
  } catch (e) {
    const msg = why(e);
    if (/unsupported image format/i.test(msg))
      throw new ImageReadError(file, `unsupported format ${format} (this sharp build cannot read it)`);
    throw new ImageReadError(file, `corrupt or unreadable ${format} header: ${msg}`);
  }
}

function checkSize(file: string, width: number, height: number, maxPixels: number): void {
  if (width <= 0 || height <= 0) throw new ImageReadError(file, `zero-sized image (${width}x${height})`);
  if (width * height > maxPixels)
    throw new ImageReadError(
      file,
      `image is ${width}x${height} = ${width * height} pixels, above the limit of ${maxPixels}`,
    );
}

export async function probeRaster(file: string, format: ImageFormat): Promise<ProbeResult> {
  const m = await readMetadata(file, format);
  return {
    format,
    width: m.width ?? 0,
    height: m.height ?? 0,
    bitDepth: DEPTH_BITS[m.depth ?? 'uchar'] ?? 8,
    frames: m.pages ?? 1,
  };
}

/** Grey values from n interleaved pixels of c bands: the first band, or Rec.601 luma where R, G and B differ. */
function greyOf(src: Uint8Array | Uint16Array, n: number, c: number): Float32Array {
  const data = new Float32Array(n);
  if (c <= 2) {
    for (let i = 0, j = 0; i < n; i++, j += c) data[i] = src[j];
    return data;
  }
  for (let i = 0, j = 0; i < n; i++, j += c) {
    const r = src[j];
    const g = src[j + 1];
    const b = src[j + 2];
    data[i] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
  }
  return data;
}

/** True if every pixel of n interleaved pixels of c >= 3 bands has R = G = B (its grey value is then its R). */
function bandsEqual(src: Uint8Array | Uint16Array, n: number, c: number): boolean {
  for (let j = 0, end = n * c; j < end; j += c) if (src[j] !== src[j + 1] || src[j] !== src[j + 2]) return false;
  return true;
}

/**
 * Decodes the first page/frame of a raster image into one grey float image. `bytes`, if given, is the whole file
 * (read by the caller): libvips decodes it from memory, and JPEG/PNG headers are read without libvips. With
 * `resizeTo`, the image comes back resized (originalWidth/Height keep the decoded size); a grey image, or an RGB one
 * whose bands are all equal (most X-rays saved as colour JPEGs), is resized straight from the decoder's buffer.
 */
export async function decodeRaster(
  file: string,
  format: ImageFormat,
  maxPixels: number,
  head?: Buffer,
  bytes?: Buffer,
  resizeTo?: ResizeTo,
): Promise<DecodedImage> {
  // PNG's IHDR is at a fixed place: check it ourselves first, so even a header libvips rejects is
  // refused for its size rather than reported as corrupt.
  if (format === 'png' && head && head.length >= 24)
    checkSize(file, head.readUInt32BE(16), head.readUInt32BE(20), maxPixels);
  const m = (bytes && rasterHeader(format, bytes)) || (await readMetadata(file, format, bytes));
  checkSize(file, m.width ?? 0, m.height ?? 0, maxPixels);
  const depth = m.depth ?? 'uchar';
  if (depth !== 'uchar' && depth !== 'ushort')
    throw new ImageReadError(file, `unsupported bit depth: ${depth}`);
  const sixteen = depth === 'ushort';
  const colourBands = (m.channels ?? 1) - (m.hasAlpha ? 1 : 0);
  // Ask for the image's own interpretation so libvips does no colour conversion (a no-op, values unchanged).
  const space = colourBands === 1 ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb';
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await sharp(bytes ?? file, { limitInputPixels: maxPixels, failOn: 'error' })
      .toColourspace(space)
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new ImageReadError(file, `corrupt or truncated ${format}: ${why(e)}`);
  }
  const { data: buf, info } = out;
  // A plain Uint8Array view, not the Buffer: the loops below then see one array kind per depth and stay fast.
  const src = sixteen ? new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2) : new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const n = info.width * info.height;
  const c = info.channels;
  if (src.length < n * c)
    throw new ImageReadError(file, `truncated ${format}: decoded fewer pixels than the header says`);
  let data: Float32Array;
  let [width, height] = [info.width, info.height];
  if (!resizeTo) data = greyOf(src, n, c);
  else {
    const grey = c <= 2 || bandsEqual(src, n, c);
    const r = grey
      ? resizeSamples(src, info.width, info.height, c, resizeTo.width, resizeTo.height, resizeTo.method)
      : resizeSamples(greyOf(src, n, c), info.width, info.height, 1, resizeTo.width, resizeTo.height, resizeTo.method);
    [data, width, height] = [r.data, r.width, r.height];
  }
  const max = sixteen ? 65535 : 255;
  return {
    file,
    id: file,
    format,
    bitDepth: sixteen ? 16 : 8,
    width,
    height,
    originalWidth: info.width,
    originalHeight: info.height,
    data,
    valueRange: { min: 0, max },
  };
}
