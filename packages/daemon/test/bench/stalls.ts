// Measures (not a test): how long each former stall (issue 14 items 5-9) keeps a real daemon from answering
// medad/status. Each bad request is sent, then status; the figure is the time until status is answered.
// Run: node --import tsx --conditions=@medad/source packages/daemon/test/bench/stalls.ts   (docs/robustness.md)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node.js';
import { RenderImageRequest, ScoreImagesRequest, StatusRequest } from '../../src/protocol.js';
import { startDaemon, uriOf } from '../helpers.js';
import { frame, rawDaemon, request } from '../raw-daemon.js';

const d = await startDaemon({ env: { UV_THREADPOOL_SIZE: '2' } });
const run = path.join(d.workspace, 'runs', 'r1');
mkdirSync(run, { recursive: true });
execFileSync('mkfifo', [path.join(d.workspace, 'x.png')]);

async function stall(name: string, send: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  const sent = send().catch((e: unknown) => e);
  await d.conn.sendRequest(StatusRequest);
  const answered = performance.now() - t0;
  await sent;
  console.log(`${name}: status answered after ${answered.toFixed(0)} ms; request settled after ${(performance.now() - t0).toFixed(0)} ms`);
}

await stall('FIFO x.png (renderImage x2)', () => Promise.all([0, 1].map(() => d.conn.sendRequest(RenderImageRequest, { image: path.join(d.workspace, 'x.png') }))));
await stall('20k-component path', () => d.conn.sendRequest(RenderImageRequest, { image: d.workspace + '/a'.repeat(20_000) }));
await stall('100k-character path', () => d.conn.sendRequest(RenderImageRequest, { image: `${d.workspace}/${'b/'.repeat(50_000)}` }));
await stall('scoreImages 100k files', () => d.conn.sendRequest(ScoreImagesRequest, { runDir: run, files: Array.from({ length: 100_000 }, (_, i) => path.join(d.workspace, `m${i}.png`)) }));
await stall('scoreImages 10k missing files (the cap)', () => d.conn.sendRequest(ScoreImagesRequest, { runDir: run, files: Array.from({ length: 10_000 }, (_, i) => path.join(d.workspace, `m${i}.png`)) }));
for (const n of [16_000, 60_000]) {
  const file = path.join(d.workspace, `k${n}.medad.yaml`);
  const text = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: data\n' + Array.from({ length: n }, (_, i) => `k${i}: 1`).join('\n');
  const got = d.diagnostics(uriOf(file), (p) => p.diagnostics.length > 0);
  const t0 = performance.now();
  await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text } });
  await got;
  console.log(`YAML with ${n} unknown keys: diagnostics after ${(performance.now() - t0).toFixed(0)} ms`);
}
await d.close();

const raw = await rawDaemon();
for (const [name, bytes] of [
  ['negative Content-Length', 'Content-Length: -5\r\n\r\n{}'],
  ['non-numeric Content-Length', 'Content-Length: abc\r\n\r\n{}'],
  ['raw bytes', '\u0000\u00ff\r\n\r\nzz'],
  ['invalid JSON', frame('{"jsonrpc":').toString()],
] as const) {
  const t0 = performance.now();
  raw.write(Buffer.from(bytes, 'latin1'));
  await raw.ping(10_000);
  console.log(`framing, ${name}: next request answered after ${(performance.now() - t0).toFixed(0)} ms`);
}
raw.write(request(1, 'shutdown'));
await raw.close();
