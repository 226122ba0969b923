// medad/renderImage (formats a browser cannot show, as 8-bit PNGs) and medad/leakage (the duplicate pairs behind
// the gallery's Duplicates section), against the spawned daemon with tiny generated files.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeFile, writeGray16Png, writeGray8Png } from '@medad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakageRequest, MedadErrorCodes, RenderImageRequest, type RenderImageResult } from '../src/protocol.js';
import { startDaemon, uriOf } from './helpers.js';
import { writeNiftiU8 } from './nifti-fixture.js';
import type { Daemon } from './helpers.js';

let d: Daemon;

beforeAll(async () => {
  d = await startDaemon();
});
afterAll(async () => d.close());

/** The PNG the daemon returned, decoded again by core (values 0..255). */
async function pixelsOf(r: RenderImageResult): Promise<number[]> {
  const f = path.join(d.workspace, `back-${Math.random().toString(36).slice(2)}.png`);
  writeFileSync(f, Buffer.from(r.pngBase64, 'base64'));
  const [img] = await decodeFile(f);
  expect([img.width, img.height, img.bitDepth]).toEqual([r.width, r.height, 8]);
  return [...img.data];
}

describe('medad/renderImage', () => {
  it('stretches 12-bit data stored in a 16-bit PNG over its own range', async () => {
    const file = path.join(d.workspace, 'ct16.png');
    const values = [0, 1000, 2000, 4000, 100, 3000];
    await writeGray16Png(file, { width: 3, height: 2, data: Float32Array.from(values) }, { min: 0, max: 65535 });
    const r = await d.conn.sendRequest(RenderImageRequest, { image: uriOf(file) });
    expect(r).toMatchObject({ width: 3, height: 2, frames: 1, slice: 0, format: 'png', bitDepth: 16, window: [0, 4000] });
    // read back through the 16-bit quantisation: v -> round(v / 4000 * 255)
    expect(await pixelsOf(r)).toEqual(values.map((v) => Math.round((v / 4000) * 255)));
  });

  it('keeps an 8-bit image on its nominal 0..255 scale and honours an explicit window', async () => {
    const file = path.join(d.workspace, 'plain8.png');
    await writeGray8Png(file, { width: 2, height: 2, data: Float32Array.from([10, 60, 200, 250]) }, { min: 0, max: 255 });
    const auto = await d.conn.sendRequest(RenderImageRequest, { image: file });
    expect(auto.window).toEqual([0, 255]);
    expect(await pixelsOf(auto)).toEqual([10, 60, 200, 250]);
    const fixed = await d.conn.sendRequest(RenderImageRequest, { image: file, window: [60, 200] });
    expect(await pixelsOf(fixed)).toEqual([0, 0, 255, 255]);
  });

  it('renders one slice of a NIfTI volume on the volume range and refuses slices past the end', async () => {
    const file = path.join(d.workspace, 'vol.nii');
    // 4x3 slices; slice z holds 10*z + y*4 + x, so the volume spans 0..31
    const voxels = Array.from({ length: 4 * 3 * 3 }, (_, i) => 10 * Math.floor(i / 12) + (i % 12));
    writeNiftiU8(file, [4, 3, 3], voxels);
    const r = await d.conn.sendRequest(RenderImageRequest, { image: file, slice: 2 });
    expect(r).toMatchObject({ width: 4, height: 3, frames: 3, slice: 2, format: 'nifti', window: [0, 31] });
    expect(await pixelsOf(r)).toEqual(voxels.slice(24).map((v) => Math.round((v / 31) * 255)));
    const err = await d.conn.sendRequest(RenderImageRequest, { image: file, slice: 3 }).catch((e: { code: number; message: string }) => e);
    expect(err).toMatchObject({ code: MedadErrorCodes.InvalidParams });
    expect((err as { message: string }).message).toMatch(/vol\.nii: slice 3 is out of range \(the file holds 3\)/);
  });

  it('refuses images outside the workspace', async () => {
    const err = await d.conn.sendRequest(RenderImageRequest, { image: '/etc/hostname' }).catch((e: { code: number }) => e);
    expect(err).toMatchObject({ code: MedadErrorCodes.PathOutsideWorkspace });
  });
});

describe('medad/leakage', () => {
  it('lists a planted train/test duplicate with its kind, once per dataset state', async () => {
    const root = path.join(d.workspace, 'data');
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [dir, n] of [['train/normal', 5], ['test/normal', 2], ['test/lesion', 2]] as const) {
      mkdirSync(path.join(root, dir), { recursive: true });
      for (let i = 0; i < n; i++) await writeGray8Png(path.join(root, dir, `${dir.replace('/', '_')}_${i}.png`), { width: 8, height: 8, data: Float32Array.from({ length: 64 }, rand) }, { min: 0, max: 1 });
    }
    copyFileSync(path.join(root, 'train/normal/train_normal_3.png'), path.join(root, 'test/lesion/copy.png'));
    const config = path.join(d.workspace, 'ds.medad.yaml');
    writeFileSync(config, 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./data\n');
    const experiment = path.join(d.workspace, 'exp.medad.yaml');
    writeFileSync(experiment, 'medad: experiment\nversion: 1\ndataset: ds.medad.yaml\ndetector:\n  name: padim\n');

    const first = await d.conn.sendRequest(LeakageRequest, { config: uriOf(config) });
    expect(first.cached).toBe(false);
    expect(first.checked).toEqual({ reference: 5, test: 5 });
    expect(first.pairs).toHaveLength(1);
    const [p] = first.pairs;
    expect(p.kind).toBe('file');
    expect(p.distance).toBe(0);
    expect([path.basename(p.a.path), p.a.split, path.basename(p.b.path), p.b.split, p.b.className]).toEqual(['train_normal_3.png', 'train', 'copy.png', 'test', 'lesion']);

    // the experiment's dataset is the same dataset: served from the cache, no second check
    const again = await d.conn.sendRequest(LeakageRequest, { config: experiment });
    expect(again.cached).toBe(true);
    expect(again.pairs).toEqual(first.pairs);
    expect(d.stderr().match(/leakage check of \d+ images/g)).toHaveLength(1);
  });

  it('names the file when the config is missing', async () => {
    const err = await d.conn.sendRequest(LeakageRequest, { config: path.join(d.workspace, 'nope.medad.yaml') }).catch((e: { code: number; message: string }) => e);
    expect(err).toMatchObject({ code: MedadErrorCodes.NotFound });
    expect((err as { message: string }).message).toContain('nope.medad.yaml');
  });
});
