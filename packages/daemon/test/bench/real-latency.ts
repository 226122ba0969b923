// Measures (not a test) the daemon with the real core engine: heatmap latency for one 256x256 image with the
// model already loaded (cold = not in the cache, cached = repeated request), and hover latency while a real
// training job runs. Run: node --import tsx --conditions=@medad/source packages/daemon/test/bench/real-latency.ts
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node.js';
import { writeDemoDataset } from '../../../core/src/demo/dataset.js';
import { HeatmapRequest, TrainRequest } from '../../src/protocol.js';
import { startDaemon, uriOf } from '../helpers.js';

// Images per latency series (BENCH_N to change): with 20, the p95 is the second-largest sample.
const N = Number(process.env.BENCH_N ?? 20);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms (n=${xs.length})`;
const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const d = await startDaemon();
const data = path.join(d.workspace, 'data');
await writeDemoDataset(data, { size: 256, train: 16, testNormal: N, testLesion: 2, epochs: 2, batchSize: 8, bootstrapSamples: 0 });
const exp = (name: string, epochs: number) => {
  const text = readFileSync(path.join(data, 'experiment.medad.yaml'), 'utf8')
    .replace('name: demo-ae', `name: ${name}`)
    .replace(/size: \[256, 256\]/, 'size: [64, 64]')
    .replace(/epochs: \d+/, `epochs: ${epochs}`)
    .replace('dataset: dataset.medad.yaml', 'dataset: data/dataset.medad.yaml');
  const file = path.join(d.workspace, `${name}.medad.yaml`);
  writeFileSync(file, text);
  return file;
};
const { runDir } = await d.conn.sendRequest(TrainRequest, { experiment: uriOf(exp('bench', 2)) });
const images = Array.from({ length: N }, (_, i) => path.join(data, 'test/normal', `normal_${String(i).padStart(4, '0')}.png`));

const first = await time(() => d.conn.sendRequest(HeatmapRequest, { runDir, image: images[0], colormap: 'jet' }));
const cold: number[] = [];
const cached: number[] = [];
for (const image of images) cold.push(await time(() => d.conn.sendRequest(HeatmapRequest, { runDir, image, colormap: 'inferno', output: 'base64' })));
for (const image of images) cached.push(await time(() => d.conn.sendRequest(HeatmapRequest, { runDir, image, colormap: 'inferno', output: 'base64' })));
// what the editor's heatmap view asks for: the values as a grey PNG (its webview colours them)
const editor: number[] = [];
for (const image of images) editor.push(await time(() => d.conn.sendRequest(HeatmapRequest, { runDir, image, colormap: 'gray', normalisation: 'global', output: 'base64' })));
console.log(`heatmap 256x256 (64x64 AE), first request incl. model load: ${first.toFixed(0)} ms`);
console.log(`heatmap cold (model loaded, not cached): ${fmt(cold)}`);
console.log(`heatmap cached: ${fmt(cached)}`);
console.log(`heatmap cold, the editor's request (gray, base64): ${fmt(editor)}`);

// Hover on the dataset root (live summary, cached after the first) and on a key, while a real training runs.
const ds = path.join(data, 'dataset.medad.yaml');
const text = readFileSync(ds, 'utf8');
await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(ds), languageId: 'yaml', version: 1, text } });
const rootLine = text.split('\n').findIndex((l) => l.includes('root: .'));
const hover = (line: number, character: number) => time(() => d.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(ds) }, position: { line, character } }));
const training = d.conn.sendRequest(TrainRequest, { experiment: uriOf(exp('busy', 200)) }).catch(() => undefined);
await new Promise((r) => setTimeout(r, 3000));
const onPath: number[] = [];
const onKey: number[] = [];
for (let i = 0; i < 40; i++) {
  onPath.push(await hover(rootLine, 11));
  onKey.push(await hover(rootLine, 5));
}
const status = (await d.conn.sendRequest('medad/status')) as { jobs: { id: string; state: string; message?: string }[] };
const job = status.jobs.find((j) => j.state === 'running');
console.log(`hover on dataset root while training (${job?.message ?? 'no job running!'}): ${fmt(onPath)}; on a key: ${fmt(onKey)}`);
if (job) await d.conn.sendRequest('medad/cancel', { jobId: job.id });
await training;
await d.close();
