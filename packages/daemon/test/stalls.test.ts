// One bad request must not deafen the daemon (issue 14, "daemon stalls"): each stall is sent to a real daemon
// process, then a normal request must be answered within a bound, and the daemon must still exit on shutdown.
// Bounds are generous (a loaded 2-core machine); the old behaviour was minutes or forever.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node.js';
import { HeatmapRequest, MedadErrorCodes, RenderImageRequest, ScoreImagesRequest, StatusRequest } from '../src/protocol.js';
import { startDaemon, uriOf, type Daemon } from './helpers.js';

/** Status must come back within this many ms after a stall (the old daemon took 5-300 s, or never). */
const ANSWER_MS = 5000;

let d: Daemon;
beforeAll(async () => {
  // two pool threads, as in the report: two hung opens used to starve every later file request
  d = await startDaemon({ env: { UV_THREADPOOL_SIZE: '2' } });
  mkdirSync(path.join(d.workspace, 'runs', 'r1'), { recursive: true });
});
afterAll(() => d.close());

async function answersQuickly(): Promise<void> {
  const t0 = Date.now();
  const s = await d.conn.sendRequest(StatusRequest);
  expect(s.workspaceFolders.length).toBeGreaterThan(0);
  expect(Date.now() - t0).toBeLessThan(ANSWER_MS);
}

describe('daemon stalls', () => {
  it('a FIFO named x.png is refused at once (renderImage, heatmap), and file requests still work after', async () => {
    const fifo = path.join(d.workspace, 'x.png');
    execFileSync('mkfifo', [fifo]);
    for (let i = 0; i < 3; i++)
      await expect(d.conn.sendRequest(RenderImageRequest, { image: fifo })).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams, message: expect.stringMatching(/x\.png is a FIFO \(named pipe\), not a file; refused/) });
    await expect(d.conn.sendRequest(HeatmapRequest, { runDir: path.join(d.workspace, 'runs', 'r1'), image: fifo })).rejects.toMatchObject({ message: expect.stringContaining('FIFO') });
    await answersQuickly();
    // a file request still gets a pool thread: a missing file is reported, not queued behind hung opens
    await expect(d.conn.sendRequest(RenderImageRequest, { image: path.join(d.workspace, 'missing.png') })).rejects.toMatchObject({ code: MedadErrorCodes.NotFound });
  });

  it('a 20k-component path and a 100k-character path: an error naming the limit, then an answer', async () => {
    const deep = d.workspace + '/a'.repeat(20_000);
    await expect(d.conn.sendRequest(RenderImageRequest, { image: deep })).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams, message: expect.stringContaining('the limit is 4096') });
    await answersQuickly();
    const long = `${d.workspace}/${'b'.repeat(100_000)}.png`;
    await expect(d.conn.sendRequest(RenderImageRequest, { image: long })).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams });
    await answersQuickly();
  });

  it('scoreImages with 20k files is refused by the list cap; 10k missing files leave the daemon responsive', async () => {
    const runDir = path.join(d.workspace, 'runs', 'r1');
    const many = Array.from({ length: 20_000 }, (_, i) => path.join(d.workspace, `m${i}.png`));
    await expect(d.conn.sendRequest(ScoreImagesRequest, { runDir, files: many })).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams, message: expect.stringContaining('names 20000 files; the limit is 10000') });
    await answersQuickly();
    // at the cap: the paths are checked in slices, so a status request sent meanwhile is answered. The run's
    // `cache` is a plain file, so the request fails after the path checks without starting a worker.
    const r2 = path.join(d.workspace, 'runs', 'r2');
    mkdirSync(r2);
    writeFileSync(path.join(r2, 'cache'), '');
    const capped = many.slice(0, 10_000);
    const scoring = d.conn.sendRequest(ScoreImagesRequest, { runDir: r2, files: capped, maps: true }).catch((e: unknown) => e);
    await answersQuickly();
    expect(await scoring).toMatchObject({ message: expect.stringContaining('cache is not a folder') });
  });

  it('a config with 60k unknown keys gets capped diagnostics and the daemon keeps answering', async () => {
    const file = path.join(d.workspace, 'big.medad.yaml');
    const text = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: data\n' + Array.from({ length: 60_000 }, (_, i) => `k${i}: 1`).join('\n');
    writeFileSync(file, text);
    const diags = d.diagnostics(uriOf(file), (p) => p.diagnostics.length > 0);
    const t0 = Date.now();
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text } });
    const got = await diags;
    // 80 s per edit before; generous bound
    expect(Date.now() - t0).toBeLessThan(90_000);
    expect(got.diagnostics.length).toBeLessThanOrEqual(201);
    expect(got.diagnostics.some((x) => /more problems not shown/.test(x.message))).toBe(true);
    await answersQuickly();
  });

  it('exits after shutdown even after all of the above', async () => {
    const exited = new Promise<number | null>((r) => d.child.once('exit', (code) => r(code)));
    await d.conn.sendRequest('shutdown');
    await d.conn.sendNotification('exit');
    expect(await exited).toBe(0);
  });
});
