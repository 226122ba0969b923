import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentJsonSchema, loadExperiment } from '../../src/experiment/index.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-exp-'));
  await fs.writeFile(path.join(dir, 'data.medad.yaml'), 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: .\n');
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

async function load(name: string, text: string, detectorNames?: string[]) {
  const file = path.join(dir, name);
  await fs.writeFile(file, text);
  return loadExperiment(file, { detectorNames });
}

describe('loadExperiment', () => {
  it('fills defaults for a minimal config', async () => {
    const r = await load('ok.yaml', 'medad: experiment\ndataset: data.medad.yaml\ndetector:\n  name: ae\n');
    expect(r.issues).toEqual([]);
    expect(r.value?.input).toEqual({ size: [64, 64], resize: 'area', normalise: 'minus1to1' });
    expect(r.value?.training.optimiser).toBe('adam');
    expect(r.value?.evaluation.threshold).toEqual({ policy: 'normal-quantile', value: 0.95 });
    expect(r.value?.evaluation.bootstrap).toEqual({ samples: 1000, seed: 0 });
    expect(r.value?.output.dir).toBe('runs');
  });

  it('reports an unknown key at its line and column', async () => {
    const r = await load('typo.yaml', 'medad: experiment\ndataset: data.medad.yaml\ndetector:\n  name: ae\ntraining:\n  epoch: 5\n');
    expect(r.value).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0].message).toMatch(/Unknown key 'epoch'/);
    expect(r.issues[0].start).toEqual({ line: 5, character: 2 });
  });

  it('reports a wrong value type at the value', async () => {
    const r = await load('bad.yaml', 'medad: experiment\ndataset: data.medad.yaml\ndetector:\n  name: ae\ninput:\n  size: [64, big]\n');
    expect(r.value).toBeUndefined();
    expect(r.issues[0].path).toEqual(['input', 'size', 1]);
    expect(r.issues[0].start.line).toBe(5);
  });

  it('rejects a threshold value on a policy that takes none', async () => {
    const r = await load('thr.yaml', 'medad: experiment\ndataset: data.medad.yaml\ndetector:\n  name: ae\nevaluation:\n  threshold:\n    policy: max-f1\n    value: 0.3\n');
    expect(r.value).toBeUndefined();
    expect(r.issues[0].start.line).toBe(7);
  });

  it('flags an unregistered detector and a missing dataset file at their values', async () => {
    const r = await load('sem.yaml', 'medad: experiment\ndataset: nope.yaml\ndetector:\n  name: gan9\n', ['ae', 'vae']);
    expect(r.value).toBeUndefined();
    const codes = r.issues.map((i) => [i.code, i.start.line, i.start.character]);
    expect(codes).toEqual([
      ['path-missing', 1, 9],
      ['unknown-detector', 3, 8],
    ]);
    expect(r.issues.find((i) => i.code === 'unknown-detector')?.message).toContain('ae, vae');
  });

  it('accepts an inline dataset without its marker', async () => {
    const r = await load('inline.yaml', 'medad: experiment\ndataset:\n  version: 1\n  sources:\n    - layout: folder\n      root: .\ndetector:\n  name: ae\n');
    expect(r.issues).toEqual([]);
    expect(typeof r.value?.dataset).toBe('object');
  });

  it('takes training.lrSchedule cosine with lrMin; constant (absent) by default; lrMin alone or a bad schedule is an error at its line', async () => {
    const head = 'medad: experiment\ndataset: data.medad.yaml\ndetector:\n  name: ae\n';
    const plain = await load('lr0.yaml', head);
    expect(plain.value?.training.lrSchedule).toBeUndefined();
    expect(plain.value?.training).not.toHaveProperty('lrMin');
    const cos = await load('lr1.yaml', `${head}training: { lrSchedule: cosine, lrMin: 1e-6 }\n`);
    expect(cos.issues).toEqual([]);
    expect(cos.value?.training).toMatchObject({ lrSchedule: 'cosine', lrMin: 1e-6 });
    const alone = await load('lr2.yaml', `${head}training:\n  lrMin: 1e-6\n`);
    expect(alone.value).toBeUndefined();
    expect(alone.issues[0].message).toMatch(/lrMin` applies only with `lrSchedule: cosine`/);
    expect(alone.issues[0].start.line).toBe(5);
    const bad = await load('lr3.yaml', `${head}training:\n  lrSchedule: step\n`);
    expect(bad.value).toBeUndefined();
    expect(bad.issues[0].path).toEqual(['training', 'lrSchedule']);
    const schema = experimentJsonSchema() as unknown as { properties: { training: { properties: Record<string, { description?: string }> } } };
    expect(schema.properties.training.properties.lrSchedule.description).toMatch(/CosineAnnealingLR/);
    expect(schema.properties.training.properties.lrMin.description).toMatch(/Default 1e-6/);
  });

  it('exports a JSON Schema with descriptions', () => {
    const schema = experimentJsonSchema() as unknown as { properties: Record<string, { description?: string }> };
    for (const key of ['dataset', 'detector', 'input', 'training', 'evaluation', 'output']) expect(schema.properties[key].description).toBeTruthy();
  });
});

describe('detector params and the parts that parse', async () => {
  const { z } = await import('zod');
  const { checkExperimentParts } = await import('../../src/experiment/index.js');
  const aeParams = z.strictObject({ channels: z.array(z.number().int().positive()).default([16, 32]), latent: z.number().int().positive().default(16) });

  it('checks detector.params against the detector schema, with positions and did-you-mean, before any run exists', async () => {
    const file = path.join(dir, 'params.yaml');
    await fs.writeFile(file, 'medad: experiment\ndataset: data.medad.yaml\ndetector:\n  name: ae\n  params:\n    laten: 8\n    channels: [0]\n');
    const r = await loadExperiment(file, { detectorNames: ['ae'], paramsSchemaOf: (n) => (n === 'ae' ? aeParams : undefined) });
    expect(r.value).toBeUndefined();
    const key = r.issues.find((i) => /laten/.test(i.message));
    expect(key).toMatchObject({ code: 'detector-params', path: ['detector', 'params', 'laten'], start: { line: 5, character: 4 } });
    expect(key?.message).toMatch(/did you mean 'latent'\?/);
    expect(r.issues.find((i) => i.path.join('.') === 'detector.params.channels.0')?.start.line).toBe(6);
  });

  it('finds an unknown detector and a missing dataset file while another key has a schema error', async () => {
    const text = 'medad: experiment\ndataset: nope.medad.yaml\ndetector:\n  name: autoencoder\ntraining:\n  batchsize: 8\n';
    const issues = await checkExperimentParts(text, dir, { detectorNames: ['ae', 'vae'] });
    expect(issues.map((i) => i.code).sort()).toEqual(['path-missing', 'unknown-detector']);
    expect(issues.find((i) => i.code === 'unknown-detector')?.message).toMatch(/did you mean 'ae'\?/);
  });
});
