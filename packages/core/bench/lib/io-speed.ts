// Data-loading throughput: decode + resize (area) + normalise (minus1to1) to 64x64 through the io module, both one
// file at a time (loadImage) and through the prefetching streamBatches used by the pipeline.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import type { DatasetItem } from '../../src/dataset/index.js';
import { createDetector } from '../../src/detectors/index.js';
import type { ExperimentConfig } from '../../src/experiment/index.js';
import { listImageFiles, loadImage, streamBatches, type LoadOptions } from '../../src/io/index.js';
import { trainDataFor } from '../../src/pipeline/images.js';
import { round } from './stats.js';

export interface IoTiming {
  source: string;
  files: number;
  loadImagePerS: number;
  streamBatchesPerS: number;
}

const LOAD: LoadOptions = { size: [64, 64], resize: 'area', normalise: 'minus1to1' };

/** Writes n 224x224 greyscale JPEGs of smooth noise (like a resized X-ray in size and entropy) to a temp dir. */
export async function makeJpegs(n: number): Promise<{ dir: string; files: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-bench-jpeg-'));
  const files: string[] = [];
  const px = new Uint8Array(224 * 224);
  for (let k = 0; k < n; k++) {
    for (let y = 0; y < 224; y++) {
      for (let x = 0; x < 224; x++) {
        px[y * 224 + x] = (128 + 60 * Math.sin((x + k) / 17) * Math.cos((y - k) / 23) + ((x * 31 + y * 17 + k * 7) % 41) - 20) & 255;
      }
    }
    const file = path.join(dir, `img${String(k).padStart(4, '0')}.jpg`);
    await sharp(Buffer.from(px), { raw: { width: 224, height: 224, channels: 1 } }).jpeg({ quality: 90 }).toFile(file);
    files.push(file);
  }
  return { dir, files };
}

export async function timeLoading(files: string[], source: string): Promise<IoTiming> {
  // Warm the decoder and the page cache so both passes read from memory.
  await Promise.all(files.slice(0, 8).map((f) => loadImage(f, LOAD)));
  let t0 = performance.now();
  for (const f of files) await loadImage(f, LOAD);
  const seq = performance.now() - t0;
  t0 = performance.now();
  let n = 0;
  for await (const b of streamBatches(files, { batchSize: 64, load: LOAD })) {
    if (b.errors.length) throw new Error(`unreadable: ${b.errors[0].message}`);
    n += b.images.length;
  }
  const streamed = performance.now() - t0;
  if (n !== files.length) throw new Error(`streamBatches gave ${n} images for ${files.length} files`);
  return { source, files: files.length, loadImagePerS: round((files.length / seq) * 1000), streamBatchesPerS: round((n / streamed) * 1000) };
}

/** The files to time: `dataDir` if given, else the shared chest X-ray normals if present, else generated JPEGs. */
export async function loadingFiles(dataDir: string | undefined, sharedDir: string, limit: number): Promise<{ files: string[]; source: string; cleanup?: () => Promise<void> }> {
  for (const dir of [dataDir, sharedDir]) {
    if (!dir) continue;
    try {
      const files = (await listImageFiles(dir)).slice(0, limit);
      if (files.length > 0) return { files, source: dir };
    } catch (e) {
      if (dir === dataDir) throw new Error(`--data ${dir}: ${(e as Error).message}`);
    }
  }
  const gen = await makeJpegs(Math.min(limit, 200));
  return { files: gen.files, source: `${gen.files.length} generated 224x224 JPEGs`, cleanup: () => fs.rm(gen.dir, { recursive: true, force: true }) };
}

export interface OverlapTiming {
  steps: number;
  /** Median step time with the images already in memory. */
  inMemoryMsPerStep: number;
  /** Median step time when every batch is decoded from disk while the previous steps run (prefetch 2). */
  streamedMsPerStep: number;
}

/**
 * How loading and compute overlap in training: the `ae` detector trained on the same files (one epoch of
 * floor(files/64) steps, batch 64) from memory and streamed from disk, as the pipeline does for data above its
 * in-memory limit. The first 2 steps of each are warm-up.
 */
export async function timeStreamedTraining(files: string[]): Promise<OverlapTiming> {
  const n = Math.floor(files.length / 64) * 64;
  if (n < 5 * 64) throw new Error(`timeStreamedTraining: needs at least 320 files, got ${files.length}`);
  const items = files.slice(0, n).map((p) => ({ path: p }) as DatasetItem);
  const input = { size: [64, 64], resize: 'area', normalise: 'minus1to1' } as unknown as ExperimentConfig['input'];
  const median = async (limitBytes: number | undefined): Promise<number> => {
    const { data } = await trainDataFor(items, input, { limitBytes });
    const det = createDetector('ae', {}, 64);
    const stamps: number[] = [];
    try {
      await det.fit(data, { epochs: 1, batchSize: 64, lr: 1e-3, seed: 0, lossEvery: 1, onProgress: () => stamps.push(performance.now()) });
    } finally {
      det.dispose();
    }
    const dts = stamps.slice(3).map((t, i) => t - stamps[i + 2]).sort((a, b) => a - b);
    return round(dts[Math.floor(dts.length / 2)], 1);
  };
  return { steps: n / 64, inMemoryMsPerStep: await median(undefined), streamedMsPerStep: await median(0) };
}
