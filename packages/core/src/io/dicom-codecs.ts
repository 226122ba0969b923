// The compressed-pixel codecs, all maintained npm packages (docs/dicom.md): cornerstone's WebAssembly builds of
// libjpeg-turbo (8-bit JPEG baseline/extended), CharLS (JPEG-LS), OpenJPEG (JPEG 2000) and OpenJPH (HTJ2K), and
// jpeg-lossless-decoder-js (JPEG lossless, process 14) in plain JavaScript. The Emscripten modules are CommonJS
// with their .wasm beside them, so they load through require() and read the .wasm with fs; each loads once, on
// first use. An Emscripten abort can leave a module unusable, so a failed decode drops the cached instance.
import { createRequire } from 'node:module';
import type { Codec } from './dicom-syntax.js';

const require = createRequire(import.meta.url);

export class CodecError extends Error {}

/** A decoded frame: samples pixel-interleaved, already sign-correct where the codec knows the sign. */
export interface CodecFrame {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
  samples: Uint8Array | Int8Array | Uint16Array | Int16Array;
}

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  getInterleaveMode?(): number;
  delete?(): void;
}

type WasmModule = Record<string, new () => WasmDecoder>;

const WASM: Record<'jpeg-baseline' | 'jpeg-ls' | 'j2k' | 'htj2k', { pkg: string; cls: string }> = {
  'jpeg-baseline': { pkg: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', cls: 'JPEGDecoder' },
  'jpeg-ls': { pkg: '@cornerstonejs/codec-charls/decodewasmjs', cls: 'JpegLSDecoder' },
  j2k: { pkg: '@cornerstonejs/codec-openjpeg/decodewasmjs', cls: 'J2KDecoder' },
  htj2k: { pkg: '@cornerstonejs/codec-openjph/wasmjs', cls: 'HTJ2KDecoder' },
};

const modules = new Map<string, Promise<WasmModule>>();

function loadModule(codec: keyof typeof WASM): Promise<WasmModule> {
  let m = modules.get(codec);
  if (!m) {
    const { pkg } = WASM[codec];
    m = (async () => {
      try {
        const factory = require(pkg) as (opts?: object) => Promise<WasmModule>;
        return await factory({ print: () => {}, printErr: () => {} });
      } catch (e) {
        modules.delete(codec);
        throw new CodecError(`cannot load the ${codec} codec (${pkg}): ${e instanceof Error ? e.message : String(e)}`);
      }
    })();
    modules.set(codec, m);
  }
  return m;
}

/** Emscripten throws RuntimeErrors, strings, and C++ exceptions as numbers (the module can spell those out). */
function why(e: unknown, mod?: WasmModule): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'number') {
    try {
      const spell = (mod as unknown as { getExceptionMessage?: (p: number) => [string, string?] }).getExceptionMessage;
      const [type, message] = spell?.(e) ?? [];
      // A one-letter type is a mangled fundamental type (a thrown int), with nothing readable in it.
      if (type && type.length > 2) return message ? `${message} (${type})` : type;
    } catch {
      // fall through to the number
    }
    return `codec exception ${e}`;
  }
  return String(e);
}

function view(bytes: Uint8Array, bits: number, signed: boolean): CodecFrame['samples'] {
  // Copy out of the WebAssembly heap: the next decode reuses (or grows, detaching) that memory.
  const own = bytes.slice();
  if (bits <= 8) return signed ? new Int8Array(own.buffer) : own;
  return signed ? new Int16Array(own.buffer, 0, own.length >> 1) : new Uint16Array(own.buffer, 0, own.length >> 1);
}

async function decodeWasm(codec: keyof typeof WASM, data: Uint8Array): Promise<CodecFrame> {
  const mod = await loadModule(codec);
  let decoder: WasmDecoder | undefined;
  try {
    decoder = new mod[WASM[codec].cls]();
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const expected = info.width * info.height * info.componentCount * (info.bitsPerSample > 8 ? 2 : 1);
    if (decoded.length < expected)
      throw new CodecError(`decoded ${decoded.length} bytes, expected ${expected} for ${info.width}x${info.height}`);
    let samples = view(decoded.subarray(0, expected), info.bitsPerSample, info.isSigned);
    // CharLS gives planar output for non-interleaved (mode 0) colour scans; make it pixel-interleaved.
    if (codec === 'jpeg-ls' && info.componentCount > 1 && decoder.getInterleaveMode?.() === 0)
      samples = interleave(samples, info.width * info.height, info.componentCount);
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: info.bitsPerSample, samples };
  } catch (e) {
    modules.delete(codec);
    if (e instanceof CodecError) throw e;
    throw new CodecError(why(e, mod));
  } finally {
    try {
      decoder?.delete?.();
    } catch {
      // a module that aborted cannot free; it is dropped above
    }
  }
}

function interleave<T extends CodecFrame['samples']>(planar: T, n: number, c: number): T {
  const out = new (planar.constructor as new (n: number) => T)(planar.length);
  for (let s = 0; s < c; s++) for (let i = 0; i < n; i++) out[i * c + s] = planar[s * n + i];
  return out;
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): ArrayBuffer;
  xDim: number;
  yDim: number;
  numComp: number;
  precision: number;
  stream: { index: number } | null;
}

function decodeJpegLossless(data: Uint8Array, bitsAllocated: number): CodecFrame {
  const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  const d = new Decoder();
  const bytesPer = bitsAllocated <= 8 ? 1 : 2;
  let out: ArrayBuffer;
  try {
    out = d.decode(data.buffer as ArrayBuffer, data.byteOffset, data.length, bytesPer);
  } catch (e) {
    throw new CodecError(why(e));
  }
  // The decoder reads past the end of a truncated codestream (as zeros) without complaint; its stream position says so.
  const read = d.stream?.index ?? 0;
  if (read > data.length) throw new CodecError(`truncated JPEG lossless codestream (${data.length} bytes, the decoder needed ${read})`);
  const n = d.xDim * d.yDim * d.numComp;
  const samples = bytesPer === 1 ? new Uint8Array(out, 0, n) : new Uint16Array(out, 0, n);
  if (!(n > 0)) throw new CodecError('decoded an empty image');
  return { width: d.xDim, height: d.yDim, components: d.numComp, bitsPerSample: d.precision, samples };
}

/** Decodes one frame's codestream; `bitsAllocated` sizes the JPEG lossless output. */
export async function decodeFrame(codec: Exclude<Codec, 'native' | 'rle'>, data: Uint8Array, bitsAllocated: number): Promise<CodecFrame> {
  if (codec === 'jpeg-lossless') return decodeJpegLossless(data, bitsAllocated);
  if ((codec === 'j2k' || codec === 'htj2k') && !endsWithEoc(data))
    // OpenJPH decodes a cut codestream to a plausible, wrong image without a word; the missing EOC marker tells.
    throw new CodecError('the JPEG 2000 codestream has no end-of-codestream marker (FFD9): it is truncated');
  return decodeWasm(codec, data);
}

/** A JPEG 2000 codestream ends with EOC (FF D9), before the fragment's zero padding to an even length. */
function endsWithEoc(b: Uint8Array): boolean {
  let end = b.length;
  while (end > 2 && b[end - 1] === 0) end--;
  return b[end - 2] === 0xff && b[end - 1] === 0xd9;
}
