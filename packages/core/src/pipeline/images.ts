// Images for the pipeline: the experiment's input settings turned into io LoadOptions, in-memory loading of a
// split (test and validation sets), and a streaming TrainData for training sets too big to hold in memory.
import type { DatasetItem } from '../dataset/types.js';
import { shuffledOrder } from '../detectors/rng.js';
import type { TrainData } from '../detectors/api.js';
import { streamBatches } from '../io/stream.js';
import { probeFile } from '../io/decode.js';
import type { LoadOptions } from '../io/types.js';
import { arrayTrainData } from '../detectors/api.js';
import type { ExperimentConfig } from '../experiment/schema.js';

/** Beyond this many bytes of training pixels, training streams from disk each epoch instead. */
export const IN_MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024;

export function loadOptionsFor(input: ExperimentConfig['input'], item?: DatasetItem): LoadOptions {
  const [height, width] = input.size;
  return { size: [width, height], resize: input.resize, normalise: input.normalise, ...(item?.decode ? { decode: item.decode } : {}) };
}

/** One 2-D image of the split (a multi-frame file gives several, told apart by `id`). */
export interface SplitImage {
  item: DatasetItem;
  id: string;
  /** Index of the frame / slice within its file. */
  frame: number;
  /** Size of the decoded image before resizing (what a heatmap overlays). */
  sourceWidth: number;
  sourceHeight: number;
}

export interface LoadedSplit {
  images: SplitImage[];
  /** N*H*W normalised pixels. */
  data: Float32Array;
  failures: { path: string; reason: string }[];
}

/** Loads a split into memory, in order, skipping (and reporting) unreadable files. */
export async function loadSplit(
  items: DatasetItem[],
  input: ExperimentConfig['input'],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; batchSize?: number } = {},
): Promise<LoadedSplit> {
  const [h, w] = input.size;
  const images: SplitImage[] = [];
  const chunks: Float32Array[] = [];
  const failures: LoadedSplit['failures'] = [];
  const byPath = new Map(items.map((it) => [it.path, it]));
  let done = 0;
  const stream = streamBatches(items.map((it) => it.path), {
    batchSize: opts.batchSize ?? 32,
    signal: opts.signal,
    load: loadOptionsFor(input),
    // Per-item decode options (DICOM window, NIfTI slices) travel with the item.
    loader: async (file, load) => {
      const { loadImage } = await import('../io/load.js');
      const it = byPath.get(file);
      return loadImage(file, it?.decode ? { ...load, decode: it.decode } : load);
    },
    onError: (e) => failures.push({ path: e.file, reason: e.reason }),
  });
  for await (const batch of stream) {
    const frames = new Map<string, number>();
    for (const im of batch.images) {
      const item = byPath.get(im.file);
      if (!item) continue;
      const frame = frames.get(im.file) ?? 0;
      frames.set(im.file, frame + 1);
      images.push({ item, id: im.id, frame, sourceWidth: im.originalWidth, sourceHeight: im.originalHeight });
      chunks.push(im.data);
    }
    done += batch.images.length + batch.errors.length;
    opts.onProgress?.(Math.min(done, items.length), items.length);
  }
  const data = new Float32Array(images.length * h * w);
  chunks.forEach((c, i) => data.set(c, i * h * w));
  return { images, data, failures };
}

/** Training data: in memory when it fits, else streamed from disk in a fresh seeded order each epoch. */
export async function trainDataFor(
  items: DatasetItem[],
  input: ExperimentConfig['input'],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; limitBytes?: number } = {},
): Promise<{ data: TrainData; failures: { path: string; reason: string }[] }> {
  const [h, w] = input.size;
  const limit = opts.limitBytes ?? IN_MEMORY_LIMIT_BYTES;
  if (items.length * h * w * 4 <= limit) {
    const split = await loadSplit(items, input, opts);
    if (split.images.length < 2) throw new Error(`only ${split.images.length} training image(s) could be read: ${split.failures.map((f) => `${f.path}: ${f.reason}`).join('; ')}`);
    return { data: arrayTrainData(split.data, { height: h, width: w }), failures: split.failures };
  }
  return { data: await streamingTrainData(items, input, opts.signal), failures: [] };
}

/** TrainData that decodes files on the fly; the image count comes from file headers (frames per file). */
export async function streamingTrainData(items: DatasetItem[], input: ExperimentConfig['input'], signal?: AbortSignal): Promise<TrainData> {
  const [height, width] = input.size;
  let size = 0;
  for (const it of items) size += (await probeFile(it.path).catch(() => ({ frames: 0 }))).frames;
  const px = height * width;
  return {
    size,
    height,
    width,
    async *batches(batchSize: number, epochSeed: number, fromBatch = 0) {
      const order = shuffledOrder(items.length, epochSeed);
      const files = Array.from(order, (i) => items[i].path);
      let pending: Float32Array[] = [];
      let index = 0;
      for await (const b of streamBatches(files, { batchSize, signal, load: loadOptionsFor(input) })) {
        for (const im of b.images) {
          pending.push(im.data);
          if (pending.length === batchSize) {
            if (index++ >= fromBatch) yield pack(pending, px);
            pending = [];
          }
        }
      }
      if (pending.length > 0 && index >= fromBatch) yield pack(pending, px);
    },
  };
}

function pack(list: Float32Array[], px: number): Float32Array {
  const out = new Float32Array(list.length * px);
  list.forEach((d, i) => out.set(d, i * px));
  return out;
}

/** Normalised pixels back to [0, 1] for display (min-max of this image, which undoes either normalisation's shape). */
export function displayImage(data: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  return data.map((v) => (v - lo) / span);
}
