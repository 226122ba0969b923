// Tile on wasm when it repeats the whole input (leading dims of size 1 tiled, trailing dims untouched), as tfjs's
// batch-norm gradient does with [1,1,1,C] -> [N,H,W,C]. The stock wasm Tile computes an index per element (~40 ms
// for one 4 MB output); a memcpy-doubling fill on the heap is memory-bound (<1 ms). Other patterns fall back.
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** How many copies of the whole input a Tile with these reps makes, or null when it interleaves (not a plain repeat). */
export function wholeRepeats(shape: readonly number[], reps: readonly number[]): number | null {
  let copies = 1;
  let inner = false; // past the leading block of tiled size-1 dims
  for (let i = 0; i < shape.length; i++) {
    if (reps[i] === 1) {
      inner = inner || shape[i] !== 1;
      continue;
    }
    if (inner || shape[i] !== 1) return null;
    copies *= reps[i];
  }
  return copies;
}

/** Fills `out` with copies of `src` (out.length a multiple of src.length), doubling the filled prefix each pass. */
export function repeatInto(src: ArrayLike<number> & { length: number }, out: Float32Array | Int32Array | Uint8Array): void {
  out.set(src as ArrayLike<number>, 0);
  for (let filled = src.length; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
}

/** A wasm Tile kernel with the fast path; `fallback` is the stock kernel for every other case. */
export function makeWasmTile(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    const copies = wholeRepeats(x.shape, reps);
    if (copies === null || x.dtype === 'string' || x.dtype === 'complex64') return fallback(args);
    const backend = args.backend as BackendWasm;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    // Views after makeOutput: allocating may grow (and detach) the heap.
    repeatInto(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out));
    return out;
  };
}
