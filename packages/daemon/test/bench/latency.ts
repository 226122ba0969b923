// Measures (not a test): diagnostics latency after an edit (didChange -> publishDiagnostics of that version)
// and hover latency while a job runs. Run: node --import tsx --conditions=@medad/source packages/daemon/test/bench/latency.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node.js';
import { TrainRequest } from '../../src/protocol.js';
import { startDaemon, uriOf } from '../helpers.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms (n=${xs.length})`;

const d = await startDaemon({
  initOptions: { diagnosticsDelayMs: 0 },
  env: { MEDAD_COMPUTE_ENGINE: path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/fake-engine.ts') },
});
mkdirSync(path.join(d.workspace, 'data/train/normal'), { recursive: true });
const file = path.join(d.workspace, 'ds.medad.yaml');
const uri = uriOf(file);
const text = (i: number) => `medad: dataset\nversion: 1\nname: n${i}\nseed: ${i}\nsources:\n  - layout: folder\n    root: ./data\n${i % 2 ? '    colour: red\n' : ''}`;
await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 0, text: text(0) } });
const lat: number[] = [];
for (let v = 1; v <= 60; v++) {
  const got = d.diagnostics(uri, (p) => p.version === v);
  const t0 = performance.now();
  await d.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: v }, contentChanges: [{ text: text(v) }] });
  await got;
  if (v > 10) lat.push(performance.now() - t0);
}
console.log(`diagnostics after edit (debounce 0; add diagnosticsDelayMs, default 150): ${fmt(lat)}`);

const exp = path.join(d.workspace, 'e.medad.yaml');
writeFileSync(exp, 'medad: experiment\nsteps: 400\n');
const hoverIdle: number[] = [];
const hoverBusy: number[] = [];
const hover = async (into: number[]) => {
  const t0 = performance.now();
  await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 3 } });
  into.push(performance.now() - t0);
};
for (let i = 0; i < 40; i++) await hover(hoverIdle);
const training = d.conn.sendRequest(TrainRequest, { experiment: uriOf(exp) }).catch(() => undefined);
await new Promise((r) => setTimeout(r, 500));
for (let i = 0; i < 40; i++) await hover(hoverBusy);
console.log(`hover idle: ${fmt(hoverIdle)}; hover while a (synthetic) job runs: ${fmt(hoverBusy)}`);
await training;
await d.close();
