// Image sets for DDAD: D_n, D_u, their union and the validation split. TrainData streams in seeded order only, so
// sets are read into memory once (n*H*W float32: 10 000 images of 64x64 take 160 MB) and re-wrapped.
import { arrayTrainData, type TrainData } from '../api.js';
import { shuffledOrder } from '../rng.js';

const READ_BATCH = 64;

/** Every image of `data` (in its epoch-seed-0 order) as one packed array. */
export async function readAll(data: TrainData): Promise<Float32Array> {
  const px = data.height * data.width;
  const out = new Float32Array(data.size * px);
  let o = 0;
  for await (const b of data.batches(READ_BATCH, 0)) {
    if (o + b.length > out.length) throw new Error(`TrainData yielded more than its size ${data.size}`);
    out.set(b, o);
    o += b.length;
  }
  if (o !== out.length) throw new Error(`TrainData yielded ${o / px} images, its size says ${data.size}`);
  return out;
}

function checkSize(a: TrainData, b: TrainData, what: string): void {
  if (a.height !== b.height || a.width !== b.width) throw new Error(`ddad: ${what} images are ${b.width}x${b.height}, the normal images ${a.width}x${a.height}`);
}

/** D_n ∪ D_u as one TrainData. */
export async function unionData(a: TrainData, b: TrainData): Promise<TrainData> {
  checkSize(a, b, 'unlabelled');
  const [x, y] = [await readAll(a), await readAll(b)];
  const both = new Float32Array(x.length + y.length);
  both.set(x);
  both.set(y, x.length);
  return arrayTrainData(both, { height: a.height, width: a.width });
}

/**
 * Splits normals into training and validation: a seeded `fraction` (at least 2 images, leaving at least 2) is held
 * out. The two parts are disjoint and together are the input.
 */
export async function holdOut(data: TrainData, fraction: number, seed: number): Promise<{ train: TrainData; validation: TrainData }> {
  const px = data.height * data.width;
  const all = await readAll(data);
  const n = data.size;
  const nv = Math.min(n - 2, Math.max(2, Math.round(fraction * n)));
  if (nv < 2) throw new Error(`ddad: ${n} normal images are too few to hold out a validation split (need at least 4)`);
  const order = shuffledOrder(n, seed);
  const pick = (idx: ArrayLike<number>) => {
    const out = new Float32Array(idx.length * px);
    for (let i = 0; i < idx.length; i++) out.set(all.subarray(idx[i] * px, (idx[i] + 1) * px), i * px);
    return arrayTrainData(out, { height: data.height, width: data.width });
  };
  return { validation: pick(order.subarray(0, nv)), train: pick(order.subarray(nv)) };
}

export { checkSize as checkSameSize };
