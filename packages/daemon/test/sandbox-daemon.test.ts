// Sandbox holes (issue 14 items 10-12) against a real daemon: symlinks the daemon would follow inside a run folder
// (cache, model), a symlink flipped while renderImage runs (check-then-use), and wrong-typed params.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeatmapRequest, MedadErrorCodes, RenderImageRequest, ScoreImagesRequest, StatusRequest, TrainRequest } from '../src/protocol.js';
import { DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node.js';
import { startDaemon, tempWorkspace, uriOf, type Daemon } from './helpers.js';

const png = (file: string, size: number, value: number) => sharp(Buffer.alloc(size * size, value), { raw: { width: size, height: size, channels: 1 } }).png().toFile(file);

let d: Daemon;
let outside: string;
beforeAll(async () => {
  d = await startDaemon();
  outside = tempWorkspace();
  await png(path.join(d.workspace, 'in.png'), 8, 10);
  await png(path.join(outside, 'secret.png'), 16, 200);
});
afterAll(() => d.close());

const runWith = (name: string) => {
  const run = path.join(d.workspace, 'runs', name);
  mkdirSync(run, { recursive: true });
  writeFileSync(path.join(run, 'run.json'), '{}');
  return run;
};

describe('run-folder symlinks', () => {
  it('<run>/cache linked outside: heatmap and scoreImages(maps) refuse, and nothing is written outside', async () => {
    const run = runWith('cache-link');
    const target = path.join(outside, 'cache-target');
    mkdirSync(target);
    symlinkSync(target, path.join(run, 'cache'));
    const refused = { code: MedadErrorCodes.PathOutsideWorkspace, message: expect.stringContaining('symlink') };
    await expect(d.conn.sendRequest(HeatmapRequest, { runDir: run, image: path.join(d.workspace, 'in.png') })).rejects.toMatchObject(refused);
    await expect(d.conn.sendRequest(ScoreImagesRequest, { runDir: run, files: [path.join(d.workspace, 'in.png')], maps: true })).rejects.toMatchObject(refused);
    expect(readdirSync(target)).toEqual([]);
  });

  it('<run>/model linked outside is not loaded; a model file linked outside neither', async () => {
    const run = runWith('model-link');
    mkdirSync(path.join(outside, 'model'));
    symlinkSync(path.join(outside, 'model'), path.join(run, 'model'));
    await expect(d.conn.sendRequest(HeatmapRequest, { runDir: run, image: path.join(d.workspace, 'in.png') })).rejects.toMatchObject({ code: MedadErrorCodes.PathOutsideWorkspace });
    const run2 = runWith('weights-link');
    mkdirSync(path.join(run2, 'model'));
    writeFileSync(path.join(outside, 'weights.bin'), 'x');
    symlinkSync(path.join(outside, 'weights.bin'), path.join(run2, 'model', 'weights.bin'));
    await expect(d.conn.sendRequest(ScoreImagesRequest, { runDir: run2, files: [path.join(d.workspace, 'in.png')] })).rejects.toMatchObject({ code: MedadErrorCodes.PathOutsideWorkspace });
    // the run folder itself linked outside is refused for writing
    symlinkSync(outside, path.join(d.workspace, 'runs', 'escape'));
    await expect(d.conn.sendRequest(HeatmapRequest, { runDir: path.join(d.workspace, 'runs', 'escape'), image: path.join(d.workspace, 'in.png') })).rejects.toMatchObject({ code: MedadErrorCodes.PathOutsideWorkspace });
    expect(existsSync(path.join(outside, 'cache'))).toBe(false);
  });
});

describe('check at open time', () => {
  it('a symlink flipped between an inside and an outside image: 0 of N renders return the outside image', async () => {
    const link = path.join(d.workspace, 'flip.png');
    symlinkSync(path.join(d.workspace, 'in.png'), link);
    // atomic flips (rename over the link) as fast as a shell can make them
    const flipper = spawn('sh', ['-c', `i=0; while :; do if [ $((i%2)) = 0 ]; then t="${outside}/secret.png"; else t="${d.workspace}/in.png"; fi; ln -sfn "$t" "${link}.tmp" && mv -T "${link}.tmp" "${link}"; i=$((i+1)); done`], { stdio: 'ignore' });
    const N = 200;
    let inside = 0;
    let refused = 0;
    try {
      for (let i = 0; i < N; i++) {
        try {
          const r = await d.conn.sendRequest(RenderImageRequest, { image: link });
          expect(r.width).toBe(8); // 16 would be the outside file
          inside++;
        } catch (e) {
          expect([MedadErrorCodes.PathOutsideWorkspace, MedadErrorCodes.NotFound]).toContain((e as { code: number }).code);
          refused++;
        }
      }
    } finally {
      flipper.kill();
    }
    expect(inside + refused).toBe(N);
    // both outcomes happened, so the race was really exercised
    expect(inside).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('wrong-typed params', () => {
  const run = () => path.join(d.workspace, 'runs', 'r');
  const img = () => path.join(d.workspace, 'in.png');
  const cases: [string, () => [string, object], RegExp][] = [
    ['heatmap output', () => ['medad/heatmap', { runDir: run(), image: img(), output: 'weird' }], /output must be one of 'file', 'base64' \(got "weird"\)/],
    ['renderImage window', () => ['medad/renderImage', { image: img(), window: 'bogus' }], /window must be 'auto', 'minmax' or \[low, high\]/],
    ['scoreImages maps', () => ['medad/scoreImages', { runDir: run(), folder: d.workspace, maps: 'yes' }], /maps must be true or false/],
    ['scoreImages files []', () => ['medad/scoreImages', { runDir: run(), files: [] }], /files must name at least one file/],
    ['scoreImages files of numbers', () => ['medad/scoreImages', { runDir: run(), files: [1] }], /files\[0\] must be a non-empty string/],
    ['heatmap slice', () => ['medad/heatmap', { runDir: run(), image: img(), slice: -1 }], /slice must be an integer >= 0/],
    ['heatmap colormap', () => ['medad/heatmap', { runDir: run(), image: img(), colormap: 5 }], /colormap must be one of/],
    ['train experiment', () => ['medad/train', { experiment: 42 }], /experiment must be a non-empty string/],
    ['cancel jobId', () => ['medad/cancel', { jobId: 3 }], /jobId must be a string/],
    ['runMetrics missing runDir', () => ['medad/runMetrics', {}], /runDir is required/],
  ];
  for (const [name, make, msg] of cases)
    it(`${name} -> -32602 naming the field`, async () => {
      const [method, params] = make();
      await expect(d.conn.sendRequest(method, params)).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(msg) });
    });

  it('still answers after all of them', async () => {
    expect((await d.conn.sendRequest(StatusRequest)).workspaceFolders.length).toBe(2);
  });
});

describe('untrusted workspace', () => {
  it('refuses training and reading through a workspace symlink', async () => {
    const u = await startDaemon({ initOptions: { trusted: false } });
    try {
      writeFileSync(path.join(u.workspace, 'e.medad.yaml'), 'medad: experiment\n');
      await expect(u.conn.sendRequest(TrainRequest, { experiment: path.join(u.workspace, 'e.medad.yaml') })).rejects.toMatchObject({ code: MedadErrorCodes.WorkspaceUntrusted });
      symlinkSync(outside, path.join(u.workspace, 'data'));
      await expect(u.conn.sendRequest(RenderImageRequest, { image: path.join(u.workspace, 'data', 'secret.png') })).rejects.toMatchObject({ code: MedadErrorCodes.PathOutsideWorkspace, message: expect.stringContaining('not trusted') });
    } finally {
      await u.close();
    }
  });

  it('a trusted workspace reads symlinked data (ws/busi -> data folder) and medad.dataRoots', async () => {
    const t = await startDaemon({ initOptions: { dataRoots: [] } });
    try {
      symlinkSync(outside, path.join(t.workspace, 'busi'));
      expect((await t.conn.sendRequest(RenderImageRequest, { image: path.join(t.workspace, 'busi', 'secret.png') })).width).toBe(16);
      await expect(t.conn.sendRequest(RenderImageRequest, { image: path.join(outside, 'secret.png') })).rejects.toMatchObject({ message: expect.stringContaining("'medad.dataRoots'") });
      await t.conn.sendNotification('workspace/didChangeConfiguration', { settings: { medad: { dataRoots: [outside] } } });
      expect((await t.conn.sendRequest(RenderImageRequest, { image: path.join(outside, 'secret.png') })).width).toBe(16);
    } finally {
      await t.close();
    }
  });
});

describe('hover in an untrusted workspace', () => {
  it('does not look at a folder outside the workspace that a config names', async () => {
    const u = await startDaemon({ initOptions: { trusted: false } });
    try {
      const file = path.join(u.workspace, 'd.medad.yaml');
      const text = `medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ${outside}\n`;
      writeFileSync(file, text);
      await u.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text } });
      const h = await u.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(file) }, position: { line: 4, character: 12 } });
      expect(JSON.stringify(h)).toContain('is outside the folders medad may read');
      expect(JSON.stringify(h)).not.toContain('secret.png');
    } finally {
      await u.close();
    }
  });
});
