// DICOM Part 10: every transfer syntax of dicom-syntax.ts (native little/big endian, deflated, RLE, JPEG
// baseline/extended/lossless, JPEG-LS, JPEG 2000, HTJ2K), one grey image per frame. The steps live in their own
// modules: dicom-header (parse, attributes), dicom-frames (encapsulated fragments to frames), dicom-rle and
// dicom-codecs (decompression), dicom-pixels (bits, colour to grey, rescale, window, MONOCHROME1). docs/dicom.md.
import { CodecError, decodeFrame } from './dicom-codecs.js';
import { readExtendedOffsets } from './dicom-eot.js';
import { encapsulatedFrames, FrameError, type Fragment } from './dicom-frames.js';
import { checkLayout, chooseWindow, frameCount, parseDicom, pixelLayout, readPalette, readVoiLut, T, type Parsed } from './dicom-header.js';
import {
  nativeFrameBytes,
  nativeSamples,
  PixelError,
  storedValues,
  toGrey,
  type GreyRules,
  type PixelLayout,
} from './dicom-pixels.js';
import { decodeRleFrame, RleError } from './dicom-rle.js';
import { readHead } from './detect.js';
import { readRegularFile } from './open-regular.js';
import { ImageReadError, type DecodedImage, type DicomWindow, type ProbeResult } from './types.js';

export { applyWindow } from './dicom-pixels.js';

/** Headers are almost always in the first 64 KiB; parse the whole file when they are not (or it is deflated). */
export async function parseHeaderOnly(file: string): Promise<Parsed> {
  try {
    return parseDicom(file, await readHead(file, 65536), true);
  } catch {
    return parseDicom(file, await readRegularFile(file), true);
  }
}

function checkSize(file: string, l: PixelLayout, frames: number): void {
  if (l.rows === 0 || l.cols === 0 || !(frames >= 1))
    throw new ImageReadError(file, `zero-sized DICOM (${l.cols}x${l.rows}, ${frames} frames)`);
}

/** Rescale slope/intercept: absent or empty gives the default; present but not a finite number (or a zero slope) is
 * refused rather than turned into NaN pixels. */
function rescale(file: string, ds: Parsed['ds'], tag: string, name: string, absent: number): number {
  if (!ds.elements[tag]) return absent;
  const v = ds.floatString(tag);
  if (v === undefined) return absent;
  if (!Number.isFinite(v) || (tag === T.slope && v === 0))
    throw new ImageReadError(file, `invalid DICOM ${name} '${(ds.string(tag) ?? '').trim()}'`);
  return v;
}

export async function probeDicom(file: string): Promise<ProbeResult> {
  const { ds } = await parseHeaderOnly(file);
  const l = pixelLayout(ds);
  const frames = frameCount(ds);
  // refused as decoding would refuse it, so a summary never lists as readable a file the decoder cannot read
  checkSize(file, l, frames);
  checkLayout(file, l);
  return { format: 'dicom', width: l.cols, height: l.rows, bitDepth: l.bitsAllocated, frames };
}

export async function decodeDicom(file: string, maxPixels: number, window?: DicomWindow): Promise<DecodedImage[]> {
  const parsed = parseDicom(file, await readRegularFile(file), false);
  const { ds, syntax, bytes } = parsed;
  const l = pixelLayout(ds);
  const frames = frameCount(ds);
  checkSize(file, l, frames);
  const total = l.rows * l.cols * frames;
  if (total > maxPixels)
    throw new ImageReadError(
      file,
      `DICOM is ${l.cols}x${l.rows}x${frames} frames = ${total} pixels, above the limit of ${maxPixels}`,
    );
  checkLayout(file, l);
  const el = ds.elements[T.pixelData];
  if (!el) throw new ImageReadError(file, 'DICOM has no pixel data');
  const rules: GreyRules = {
    slope: rescale(file, ds, T.slope, 'RescaleSlope', 1),
    intercept: rescale(file, ds, T.intercept, 'RescaleIntercept', 0),
    window: chooseWindow(ds, window),
    voiLut: readVoiLut(file, ds, window, !!syntax.bigEndian),
    palette: l.photometric === 'PALETTE COLOR' ? readPalette(file, ds, bytes, !!syntax.bigEndian) : undefined,
  };
  const encapsulated = !!el.encapsulatedPixelData;
  if (encapsulated !== (syntax.codec !== 'native'))
    throw new ImageReadError(
      file,
      `transfer syntax ${syntax.uid} (${syntax.name}) says ${encapsulated ? 'native' : 'encapsulated (compressed)'} pixel data, but the pixel data is ${encapsulated ? 'encapsulated' : 'native'}`,
    );
  if (syntax.codec === 'jpeg-baseline' && l.bitsAllocated > 8)
    throw new ImageReadError(
      file,
      `${l.bitsStored}-bit JPEG (${syntax.name}) cannot be decoded: @cornerstonejs/codec-libjpeg-turbo-8bit reads 8-bit JPEG only; decompress it first (dcmtk: dcmdjpeg in.dcm out.dcm)`,
    );

  const where = (f: number) => (frames > 1 ? ` (frame ${f})` : '');
  const values: Float64Array[] = [];
  try {
    if (syntax.codec === 'native') {
      const frameBytes = nativeFrameBytes(l);
      const packed = l.bitsAllocated === 1;
      const need = packed ? Math.ceil((total * l.samplesPerPixel) / 8) : frameBytes * frames;
      if (el.length < need || el.dataOffset + need > bytes.length)
        throw new ImageReadError(
          file,
          `truncated DICOM pixel data: ${Math.min(el.length, bytes.length - el.dataOffset)} of ${need} bytes`,
        );
      for (let f = 0; f < frames; f++) {
        // 1-bit frames are packed back to back, not byte-aligned: each is read from the start at its first bit.
        const firstBit = packed ? f * l.rows * l.cols * l.samplesPerPixel : 0;
        const start = packed ? el.dataOffset : el.dataOffset + f * frameBytes;
        const end = packed ? el.dataOffset + need : start + frameBytes;
        values.push(storedValues(nativeSamples(bytes.subarray(start, end), l, !!syntax.bigEndian, firstBit), l));
      }
    } else {
      const parts = encapsulatedFrames(
        bytes,
        el.fragments as Fragment[] | undefined,
        el.basicOffsetTable,
        frames,
        syntax.codec,
        readExtendedOffsets(ds),
      );
      for (let f = 0; f < frames; f++) values.push(await decodeEncapsulated(file, parts[f], l, syntax.codec, where(f)));
    }
  } catch (e) {
    if (e instanceof FrameError || e instanceof RleError || e instanceof PixelError)
      throw new ImageReadError(file, `${syntax.name}: ${e.message}`);
    throw e;
  }
  // JPEG baseline and JPEG 2000 decoders turn YBR into RGB themselves (libjpeg-turbo always, OpenJPEG for ICT/RCT).
  const codecRgb =
    (syntax.codec === 'jpeg-baseline' && l.photometric.startsWith('YBR_FULL')) ||
    ((syntax.codec === 'j2k' || syntax.codec === 'htj2k') && (l.photometric === 'YBR_ICT' || l.photometric === 'YBR_RCT'));
  return values.map((v, f) => {
    let grey;
    try {
      // Decoded colour is pixel-interleaved whatever PlanarConfiguration says; native data follows it.
      const layout: PixelLayout = syntax.codec === 'native' ? l : { ...l, planar: 0, photometric: codecRgb ? 'RGB' : l.photometric };
      grey = toGrey(v, layout, rules, codecRgb);
    } catch (e) {
      throw new ImageReadError(file, `${e instanceof Error ? e.message : String(e)}${where(f)}`);
    }
    return {
      file,
      id: frames > 1 ? `${file}#frame=${f}` : file,
      format: 'dicom',
      bitDepth: l.bitsAllocated,
      width: l.cols,
      height: l.rows,
      originalWidth: l.cols,
      originalHeight: l.rows,
      data: grey.data,
      valueRange: grey.range,
    };
  });
}

async function decodeEncapsulated(
  file: string,
  data: Uint8Array,
  l: PixelLayout,
  codec: Exclude<Parsed['syntax']['codec'], 'native'>,
  where: string,
): Promise<Float64Array> {
  const n = l.rows * l.cols;
  if (codec === 'rle') {
    const bytesPer = l.bitsAllocated / 8;
    if (!Number.isInteger(bytesPer)) throw new ImageReadError(file, `RLE with BitsAllocated ${l.bitsAllocated}`);
    const native = decodeRleFrame(data, n, l.samplesPerPixel, bytesPer);
    return storedValues(nativeSamples(native, { ...l, photometric: l.photometric === 'YBR_FULL_422' ? 'YBR_FULL' : l.photometric, planar: 0 }, false), l);
  }
  let frame;
  try {
    frame = await decodeFrame(codec, data, l.bitsAllocated);
  } catch (e) {
    if (e instanceof CodecError)
      throw new ImageReadError(file, `${codec} decoder failed${where} (is the transfer syntax right?): ${e.message}`);
    throw e;
  }
  if (frame.width !== l.cols || frame.height !== l.rows || frame.components !== l.samplesPerPixel)
    throw new ImageReadError(
      file,
      `${codec} codestream${where} is ${frame.width}x${frame.height} with ${frame.components} components, the header says ${l.cols}x${l.rows} with ${l.samplesPerPixel}`,
    );
  const v = Float64Array.from(frame.samples);
  return storedValues(v, l, false);
}
