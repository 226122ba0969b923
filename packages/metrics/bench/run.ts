// Benchmark (not a test): image-level AUROC+AP on 10 million scores, and streaming pixel metrics
// on 10,000 random 256x256 maps generated on the fly. Prints wall time and memory.
// Usage: tsx bench/run.ts [--images N] [--scores N]
import { apFromCounts, auroc, aurocFromCounts, averagePrecision, PixelMetricsAccumulator, rankCounts, Rng } from '../src/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
function memory(label: string): void {
  const m = process.memoryUsage();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(`  ${label}: peak RSS ${mb(peakRss)}, heap used ${mb(m.heapUsed)}, array buffers ${mb(m.arrayBuffers)}`);
}

function time<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  console.log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return out;
}

/** Streaming phase first, so its peak RSS is not inflated by the 10M-score arrays. */
function pixels(images: number): void {
  const W = 256;
  const H = 256;
  console.log(`streaming pixel metrics: ${images} maps of ${W}x${H} (${((images * W * H) / 1e6).toFixed(0)}M pixels), 2^16 bins`);
  const rng = new Rng(1);
  const map = new Float32Array(W * H);
  const mask = new Uint8Array(W * H);
  const acc = new PixelMetricsAccumulator({ range: { min: 0, max: 2 }, thresholds: [0.9] });
  let addMs = 0;
  let peakHeap = 0;
  const t0 = performance.now();
  for (let k = 0; k < images; k++) {
    mask.fill(0);
    const blobs = k % 3; // a third of the images are normal
    for (let b = 0; b < blobs; b++) {
      const cx = rng.nextInt(W);
      const cy = rng.nextInt(H);
      const r = 3 + rng.nextInt(12);
      for (let y = Math.max(0, cy - r); y < Math.min(H, cy + r + 1); y++) {
        for (let x = Math.max(0, cx - r); x < Math.min(W, cx + r + 1); x++) {
          if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * W + x] = 1;
        }
      }
    }
    for (let i = 0; i < map.length; i++) map[i] = rng.nextFloat() * (mask[i] ? 1.3 : 1) + 0.3 * mask[i];
    const a = performance.now();
    acc.add(map, mask, W, H);
    addMs += performance.now() - a;
    if (k % 500 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const total = (performance.now() - t0) / 1000;
  const c0 = performance.now();
  const r = acc.compute();
  const computeMs = performance.now() - c0;
  console.log(`  total ${total.toFixed(2)} s (accumulate ${(addMs / 1000).toFixed(2)} s, generation the rest), compute ${computeMs.toFixed(0)} ms`);
  console.log(`  AUROC ${r.auroc.toFixed(6)} (±${r.aurocErrorBound.toExponential(2)}), AP ${r.ap.toFixed(6)} (±${r.apErrorBound.toExponential(2)}), AUPRO ${r.aupro.toFixed(6)}, best Dice ${r.bestDice.dice.toFixed(4)}, Dice@0.9 ${r.atThresholds[0].dice.toFixed(4)}, regions ${r.regions}`);
  console.log(`  peak heap used (sampled) ${mb(peakHeap)}`);
  memory('after streaming');
}

function scores(n: number): void {
  console.log(`image-level AUROC + AP on ${(n / 1e6).toFixed(0)}M scores (10% positives)`);
  const rng = new Rng(2);
  const labels = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.nextFloat() < 0.1 ? 1 : 0;
    s[i] = rng.nextFloat() + 0.3 * labels[i];
  }
  const a = time('auroc()', () => auroc(s, labels));
  const p = time('averagePrecision()', () => averagePrecision(s, labels));
  const both = time('rankCounts() once + both areas', () => {
    const c = rankCounts(s, labels);
    return [aurocFromCounts(c), apFromCounts(c)];
  });
  console.log(`  AUROC ${a.toFixed(6)}, AP ${p.toFixed(6)} (shared counts agree: ${both[0] === a && both[1] === p})`);
  memory('after 10M scores');
}

pixels(arg('images', 10_000));
scores(arg('scores', 10_000_000));
