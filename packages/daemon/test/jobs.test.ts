// Jobs through the real daemon: progress, cancellation, crash recovery, heatmap caching, answers while busy.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoverRequest, WorkDoneProgress } from 'vscode-languageserver-protocol/node.js';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageserver-protocol/node.js';
import { CancelRequest, HeatmapRequest, MedadErrorCodes, StatusRequest, TrainRequest } from '../src/protocol.js';
import type { JobInfo } from '../src/protocol.js';
import { scorerWasmThreads } from '../src/jobs/queue.js';
import { startDaemon, uriOf } from './helpers.js';
import type { Daemon } from './helpers.js';

const fake = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/fake-engine.ts');
let d: Daemon;

beforeAll(async () => {
  d = await startDaemon({ env: { MEDAD_COMPUTE_ENGINE: fake } });
});
afterAll(async () => d.close());

function experiment(name: string, body: string): string {
  const f = path.join(d.workspace, name);
  writeFileSync(f, `medad: experiment\n${body}\n`);
  return f;
}

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

describe('jobs', () => {
  it('trains with begin/report/end progress on the client token', async () => {
    const seen: Progress[] = [];
    d.conn.onProgress(WorkDoneProgress.type, 'tok-1', (p) => seen.push(p));
    const res = await d.conn.sendRequest(TrainRequest, { experiment: uriOf(experiment('a.medad.yaml', 'steps: 5')), workDoneToken: 'tok-1' });
    expect(readFileSync(path.join(res.runDir, 'checkpoint.txt'), 'utf8')).toBe('4');
    expect(seen[0].kind).toBe('begin');
    expect(seen[seen.length - 1].kind).toBe('end');
    const reports = seen.filter((p): p is WorkDoneProgressReport => p.kind === 'report');
    expect(reports.map((r) => r.percentage)).toEqual([20, 40, 60, 80, 100]);
    expect(reports[4].message).toBe('epoch 5/5');
  });

  it('answers hovers and status while training, and cancels by job id', async () => {
    const exp = experiment('b.medad.yaml', 'steps: 500');
    const running = new Promise<JobInfo>((resolve) =>
      d.conn.onNotification('medad/jobState', (j: JobInfo) => j.state === 'running' && j.target === exp && resolve(j)),
    );
    const train = d.conn.sendRequest(TrainRequest, { experiment: uriOf(exp) }).then(
      () => 'finished',
      (e: { code: number }) => e.code,
    );
    const job = await running;
    await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(exp) }, position: { line: 0, character: 1 } });
    const status = await d.conn.sendRequest(StatusRequest);
    expect(status.jobs.find((j) => j.id === job.id)?.state).toBe('running');
    expect(await d.conn.sendRequest(CancelRequest, { jobId: job.id })).toEqual({ cancelled: true });
    expect(await train).toBe(MedadErrorCodes.Cancelled);
    expect(await d.conn.sendRequest(CancelRequest, { jobId: job.id })).toEqual({ cancelled: false });
  });

  it('reports a crashed worker as a failed job and runs the next job on a fresh worker', async () => {
    const crash = d.conn.sendRequest(TrainRequest, { experiment: uriOf(experiment('c.medad.yaml', 'steps: 5\ncrash: true')) });
    await expect(crash).rejects.toMatchObject({ code: MedadErrorCodes.JobFailed, message: expect.stringMatching(/exited with code 3/) });
    const ok = await d.conn.sendRequest(TrainRequest, { experiment: uriOf(experiment('d.medad.yaml', 'steps: 2')) });
    expect(readFileSync(path.join(ok.runDir, 'checkpoint.txt'), 'utf8')).toBe('1');
  });

  it('caches heatmaps by image content and options', async () => {
    const run = path.join(d.workspace, 'runs', 'r1');
    mkdirSync(run, { recursive: true });
    const img = path.join(d.workspace, 'img.png');
    writeFileSync(img, 'abc');
    const a = await d.conn.sendRequest(HeatmapRequest, { runDir: run, image: img });
    const b = await d.conn.sendRequest(HeatmapRequest, { runDir: run, image: img });
    expect([a.cached, b.cached]).toEqual([false, true]);
    expect(b.mapPath).toBe(a.mapPath);
    const c = await d.conn.sendRequest(HeatmapRequest, { runDir: run, image: img, colormap: 'gray', output: 'base64' });
    expect(c.cached).toBe(false);
    expect(Buffer.from(c.pngBase64 ?? '', 'base64').toString()).toBe('abc');
    // a base64 answer goes before its cache write, and the write still happens: the same request hits the cache
    const c2 = await d.conn.sendRequest(HeatmapRequest, { runDir: run, image: img, colormap: 'gray', output: 'base64' });
    expect([c2.cached, Buffer.from(c2.pngBase64 ?? '', 'base64').toString()]).toEqual([true, 'abc']);
    writeFileSync(img, 'abcd');
    expect((await d.conn.sendRequest(HeatmapRequest, { runDir: run, image: img })).cached).toBe(false);
  });

  it('a quick heatmap creates no progress in the editor; a training does', async () => {
    // the server-created token is a round trip to the editor and a notification that flashes by: a heatmap
    // that ends within PROGRESS_DELAY_MS (400 ms; the fake engine answers at once) goes without
    let creates = 0;
    d.conn.onRequest('window/workDoneProgress/create', () => {
      creates++;
      return null;
    });
    const run = path.join(d.workspace, 'runs', 'r2');
    mkdirSync(run, { recursive: true });
    const img = path.join(d.workspace, 'quick.png');
    writeFileSync(img, 'quick');
    expect((await d.conn.sendRequest(HeatmapRequest, { runDir: run, image: img, output: 'base64' })).cached).toBe(false);
    expect(creates).toBe(0);
    await d.conn.sendRequest(TrainRequest, { experiment: uriOf(experiment('p.medad.yaml', 'steps: 2')) });
    expect(creates).toBe(1);
  });

  it('runs the scorer lane with its own wasm thread count (half the CPUs), unless the environment sets one', async () => {
    // the fake engine's heatmap reports its worker's MEDAD_WASM_THREADS as `height`
    const run = path.join(d.workspace, 'runs', 'r3');
    mkdirSync(run, { recursive: true });
    const img = path.join(d.workspace, 'threads.png');
    writeFileSync(img, 'threads');
    const inherited = process.env.MEDAD_WASM_THREADS;
    expect((await d.conn.sendRequest(HeatmapRequest, { runDir: run, image: img })).height).toBe(inherited ? Number(inherited) : scorerWasmThreads());
    const own = await startDaemon({ workspace: d.workspace, env: { MEDAD_COMPUTE_ENGINE: fake, MEDAD_WASM_THREADS: '3' } });
    try {
      expect((await own.conn.sendRequest(HeatmapRequest, { runDir: run, image: img, colormap: 'viridis' })).height).toBe(3);
    } finally {
      await own.close();
    }
  });
});

describe('scorerWasmThreads', () => {
  it('is half the CPUs, at least 1, at most 4', () => {
    expect([1, 2, 3, 4, 8, 16, 64].map((n) => scorerWasmThreads(n))).toEqual([1, 1, 1, 2, 4, 4, 4]);
  });
});
