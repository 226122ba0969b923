// Scoring a loaded split in batches: per-image scores and anomaly maps, with progress and cancellation between
// batches (a batch is the unit of work the backend cannot interrupt).
import type { Detector } from '../detectors/api.js';
import { AbortError, yieldToEventLoop } from '../detectors/api.js';

export interface ScoredSplit {
  scores: Float32Array;
  /** One H*W map per image. */
  maps: Float32Array[];
}

export async function scorePacked(
  detector: Detector,
  data: Float32Array,
  n: number,
  opts: { batchSize: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void; keepMaps?: boolean },
): Promise<ScoredSplit> {
  const out = await gather(detector, data, n, opts, async (x, m) => ({ main: await detector.score(x, m) }), opts.keepMaps !== false);
  return out.main ?? { scores: new Float32Array(n), maps: [] };
}

/** scorePacked for Detector.scoreVariants: every variant's scores and maps, batch by batch (same cancellation). */
export async function scoreVariantsPacked(
  detector: Detector,
  data: Float32Array,
  n: number,
  opts: { batchSize: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<Record<string, ScoredSplit>> {
  const variants = detector.scoreVariants?.bind(detector);
  if (!variants) return {};
  return gather(detector, data, n, opts, variants, true);
}

/** Runs `score` batch by batch (cancellable between batches) and gathers each named result's scores and maps. */
async function gather(
  detector: Detector,
  data: Float32Array,
  n: number,
  opts: { batchSize: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  score: (images: Float32Array, m: number) => Promise<Record<string, { scores: Float32Array; maps: Float32Array }>>,
  keepMaps: boolean,
): Promise<Record<string, ScoredSplit>> {
  const { height, width } = detector.inputSize;
  const px = height * width;
  const out: Record<string, ScoredSplit> = {};
  for (let start = 0; start < n; start += opts.batchSize) {
    await yieldToEventLoop(); // lets an abort (SIGINT, a worker message) in between batches
    if (opts.signal?.aborted) throw new AbortError('evaluation was cancelled');
    const m = Math.min(opts.batchSize, n - start);
    const r = await score(data.subarray(start * px, (start + m) * px), m);
    for (const [k, v] of Object.entries(r)) {
      out[k] ??= { scores: new Float32Array(n), maps: [] };
      out[k].scores.set(v.scores, start);
      if (keepMaps) for (let j = 0; j < m; j++) out[k].maps.push(v.maps.slice(j * px, (j + 1) * px));
    }
    opts.onProgress?.(start + m, n);
  }
  return out;
}
