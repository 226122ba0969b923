// Measures (not a test) hover latency while the leakage check of a ~2,000-image dataset runs, and how long the
// leakage diagnostics take cold and from the cache. Run:
// node --import tsx --conditions=@medad/source packages/daemon/test/bench/leakage-hover.ts
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeGray8Png } from '@medad/core';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node.js';
import { startDaemon, uriOf } from '../helpers.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

const d = await startDaemon({ initOptions: { diagnosticsDelayMs: 0 } });
const root = path.join(d.workspace, 'big');
let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const counts: [string, number][] = [['train/normal', 1200], ['test/normal', 400], ['test/lesion', 400]];
for (const [dir, n] of counts) {
  mkdirSync(path.join(root, dir), { recursive: true });
  for (let i = 0; i < n; i++) {
    const data = Float32Array.from({ length: 256 }, () => rand());
    await writeGray8Png(path.join(root, dir, `img_${i}.png`), { width: 16, height: 16, data }, { min: 0, max: 1 });
  }
}
copyFileSync(path.join(root, 'train/normal/img_7.png'), path.join(root, 'test/lesion/planted.png'));
const file = path.join(d.workspace, 'big.medad.yaml');
const text = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./big\n';
writeFileSync(file, text);
const uri = uriOf(file);
const leak = (v: number) => d.diagnostics(uri, (p) => p.version === v && p.diagnostics.some((x) => x.code === 'leakage'));

const hovers: number[] = [];
let stop = false;
const hoverLoop = (async () => {
  while (!stop) {
    const t0 = performance.now();
    await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 6 } });
    hovers.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
})();
const t0 = performance.now();
const first = leak(1);
await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
await first;
const cold = performance.now() - t0;
stop = true;
await hoverLoop;
console.log(`leakage check of 2,001 16x16 images: leakage diagnostic after ${cold.toFixed(0)} ms`);
console.log(`hover on a key while it runs: ${fmt(hovers)}`);
const t1 = performance.now();
const again = leak(2);
await d.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: text + '\n' }] });
await again;
console.log(`same text after an edit (whitespace): leakage diagnostic after ${(performance.now() - t1).toFixed(0)} ms`);
await d.close();
