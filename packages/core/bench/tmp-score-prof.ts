import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeDemoDataset } from '../src/demo/dataset.js';
import { train } from '../src/index.js';
import { openScorer } from '../src/pipeline/scorer.js';
import { loadSplit } from '../src/pipeline/images.js';
import { renderHeatmap } from '../src/pipeline/heatmap.js';
const dir = mkdtempSync(path.join(tmpdir(), 'sp-'));
await writeDemoDataset(dir, { size: 256, train: 16, testNormal: 40, testLesion: 2, epochs: 2, batchSize: 8, bootstrapSamples: 0 });
const expFile = path.join(dir, 'experiment.medad.yaml');
writeFileSync(expFile, readFileSync(expFile, 'utf8').replace(/size: \[256, 256\]/, 'size: [64, 64]').replace(/epochs: \d+/, 'epochs: 2'));
const r = await train(expFile, {});
const sc = await openScorer(r.runDir);
const files = Array.from({ length: 40 }, (_, i) => path.join(dir, 'test/normal', `normal_${String(i).padStart(4, '0')}.png`));
const L: number[] = [], S: number[] = [], R: number[] = [];
for (let rep = 0; rep < 3; rep++) for (const f of files) {
  const a = performance.now();
  await loadSplit([{ path: f, label: 0, className: '', split: 'test', source: -1, labelKnown: false }], { size: [64, 64], normalise: 'minus1to1' } as never, {});
  const b = performance.now();
  const s = await sc.score(f);
  const c = performance.now();
  await renderHeatmap(s.map, s.width, s.height, { colormap: 'inferno', runRange: [0, 1], size: { width: 256, height: 256 } });
  const d = performance.now();
  if (rep > 0) { L.push(b - a); S.push(c - b); R.push(d - c); }
}
const q = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(p * xs.length)].toFixed(2);
console.log(`loadSplit p50 ${q(L, .5)} p95 ${q(L, .95)} | score p50 ${q(S, .5)} p95 ${q(S, .95)} | render p50 ${q(R, .5)} p95 ${q(R, .95)}`);
