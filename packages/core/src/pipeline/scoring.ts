// Scoring a loaded split in batches: per-image scores and anomaly maps, with progress and cancellation between
// batches (a batch is the unit of work the backend cannot interrupt).
import type { Detector } from '../detectors/api.js';
import { AbortError } from '../detectors/api.js';

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
  const { height, width } = detector.inputSize;
  const px = height * width;
  const scores = new Float32Array(n);
  const maps: Float32Array[] = [];
  for (let start = 0; start < n; start += opts.batchSize) {
    if (opts.signal?.aborted) throw new AbortError('evaluation was cancelled');
    const m = Math.min(opts.batchSize, n - start);
    const r = await detector.score(data.subarray(start * px, (start + m) * px), m);
    scores.set(r.scores, start);
    if (opts.keepMaps !== false) for (let j = 0; j < m; j++) maps.push(r.maps.slice(j * px, (j + 1) * px));
    opts.onProgress?.(start + m, n);
  }
  return { scores, maps };
}

/** scorePacked for Detector.scoreVariants: every variant's scores and maps, batch by batch (same cancellation). */
export async function scoreVariantsPacked(
  detector: Detector,
  data: Float32Array,
  n: number,
  opts: { batchSize: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<Record<string, ScoredSplit>> {
  if (!detector.scoreVariants) return {};
  const { height, width } = detector.inputSize;
  const px = height * width;
  const out: Record<string, ScoredSplit> = {};
  for (let start = 0; start < n; start += opts.batchSize) {
    if (opts.signal?.aborted) throw new AbortError('evaluation was cancelled');
    const m = Math.min(opts.batchSize, n - start);
    const r = await detector.scoreVariants(data.subarray(start * px, (start + m) * px), m);
    for (const [k, v] of Object.entries(r)) {
      out[k] ??= { scores: new Float32Array(n), maps: [] };
      out[k].scores.set(v.scores, start);
      for (let j = 0; j < m; j++) out[k].maps.push(v.maps.slice(j * px, (j + 1) * px));
    }
    opts.onProgress?.(start + m, n);
  }
  return out;
}
