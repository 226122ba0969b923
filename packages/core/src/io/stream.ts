// Bounded prefetching loader: batches of files decode in the background while the consumer works, but at
// most (prefetch + 1) batches exist at once (the one handed out plus `prefetch` in flight), so memory stays
// bounded on 100k-image datasets. A bad file is reported and skipped, never fatal.
import { loadImage } from './load.js';
import { ImageReadError, type DecodedImage, type LoadOptions } from './types.js';

export interface StreamBatch {
  images: DecodedImage[];
  errors: ImageReadError[];
}

export interface StreamOptions {
  /** Files per batch (a multi-frame DICOM or a NIfTI volume gives several images from one file). */
  batchSize: number;
  /** Batches decoded ahead of the consumer (default 2). */
  prefetch?: number;
  load: LoadOptions;
  signal?: AbortSignal;
  onError?: (e: ImageReadError) => void;
  /** Replaces loadImage (tests, or custom decoders). */
  loader?: (file: string, load: LoadOptions) => Promise<DecodedImage[]>;
}

export async function* streamBatches(files: string[], opts: StreamOptions): AsyncGenerator<StreamBatch> {
  const { batchSize, load, signal, onError } = opts;
  const prefetch = opts.prefetch ?? 2;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new Error(`streamBatches: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(prefetch) && prefetch >= 0))
    throw new Error(`streamBatches: prefetch must be a non-negative integer, got ${prefetch}`);
  const loader = opts.loader ?? loadImage;

  const loadBatch = async (batch: string[]): Promise<StreamBatch> => {
    const results = await Promise.all(
      batch.map(async (file) => {
        try {
          return { images: await loader(file, load) };
        } catch (e) {
          const err =
            e instanceof ImageReadError
              ? e
              : new ImageReadError(file, e instanceof Error ? e.message : String(e));
          return { error: err };
        }
      }),
    );
    const out: StreamBatch = { images: [], errors: [] };
    for (const r of results) {
      if (r.images) out.images.push(...r.images);
      else if (r.error) {
        out.errors.push(r.error);
        onError?.(r.error);
      }
    }
    return out;
  };

  let next = 0;
  const pending: Promise<StreamBatch>[] = [];
  const startNext = (): void => {
    if (next >= files.length) return;
    pending.push(loadBatch(files.slice(next, next + batchSize)));
    next += batchSize;
  };

  signal?.throwIfAborted();
  // The first batch plus `prefetch` ahead; each later hand-out starts one more, keeping the count fixed.
  for (let i = 0; i <= prefetch; i++) startNext();
  while (pending.length > 0) {
    const batch = await (pending.shift() as Promise<StreamBatch>);
    signal?.throwIfAborted();
    yield batch;
    signal?.throwIfAborted();
    startNext();
  }
}
