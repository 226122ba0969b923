// Bounded-concurrency map with cancellation and progress, for per-file work over thousands of files.

export interface ProgressOptions {
  signal?: AbortSignal;
  /** Called after each item with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Maps `fn` over items with at most `limit` in flight; results keep the input order. Throws if aborted. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  opts: ProgressOptions = {},
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      opts.signal?.throwIfAborted();
      const i = next++;
      results[i] = await fn(items[i], i);
      opts.onProgress?.(++done, items.length);
    }
  };
  opts.signal?.throwIfAborted();
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
