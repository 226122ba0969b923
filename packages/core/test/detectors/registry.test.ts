// The registry, hyperparameter validation, data batching and the network's shapes.
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  arrayTrainData,
  createDetector,
  listDetectors,
  registerDetector,
  stepsPerEpoch,
  type ReconstructionDetector,
} from '../../src/detectors/index.js';
import { AeDetector } from '../../src/detectors/ae.js';

beforeAll(() => tf.setBackend('cpu'));

describe('registry', () => {
  it('lists the built-in reconstruction family with JSON schemas', () => {
    const names = listDetectors().map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['ae', 'vae', 'memae', 'aeu', 'ctx-ae']));
    const vae = listDetectors().find((d) => d.name === 'vae')!;
    expect(JSON.stringify(vae.paramsJsonSchema)).toContain('klWeight');
  });

  it('fills defaults and validates parameters, naming the field', () => {
    const det = createDetector('memae', {}, 64);
    expect(det.config).toEqual({ channels: [16, 32, 64, 64], latent: 16, memorySize: 100, shrinkThreshold: null, entropyWeight: 0.0002 });
    expect(det.inputSize).toEqual({ height: 64, width: 64 });
    det.dispose();
    expect(() => createDetector('ae', { latent: -1 })).toThrow(/detector 'ae': invalid parameters: latent:/);
    expect(() => createDetector('ae', { latnet: 3 })).toThrow(/invalid parameters/);
    expect(() => createDetector('nope', {})).toThrow(/unknown detector 'nope' \(known: [^)]*\bae, vae, memae, aeu, ctx-ae\b/);
    expect(() => createDetector('ae', {}, 40)).toThrow(/must be a multiple of 16/);
    expect(() => registerDetector('ae', () => createDetector('ae'), { description: '', paramsSchema: z.object({}) })).toThrow(/already registered/);
  });

  it('adds a method with one call', () => {
    registerDetector('test-ae', (p: { latent: number }, size) => new AeDetector({ channels: [4, 4], latent: p.latent }, size), {
      description: 'test',
      paramsSchema: z.object({ latent: z.number().default(2) }),
      requires: { secondOrderGradients: true },
    });
    const det = createDetector('test-ae', {}, 8);
    expect(det.name).toBe('ae');
    expect(listDetectors().find((d) => d.name === 'test-ae')?.requires).toEqual({ secondOrderGradients: true });
    det.dispose();
  });
});

describe('benchmark network (ref_ae.py) at 64x64', () => {
  it('has the reference layers and parameter count', () => {
    const det = createDetector('ae', {}, 64) as ReconstructionDetector;
    const shapes = Object.fromEntries(det.params.named().map((p) => [p.name, p.tensor.shape]));
    expect(shapes['enc0/kernel']).toEqual([4, 4, 1, 16]);
    expect(shapes['enc3/kernel']).toEqual([4, 4, 64, 64]);
    expect(shapes['to_z/kernel']).toEqual([1024, 16]);
    expect(shapes['from_z/kernel']).toEqual([16, 1024]);
    expect(shapes['dec2/kernel']).toEqual([4, 4, 16, 32]);
    expect(shapes['out/kernel']).toEqual([4, 4, 1, 16]);
    expect(shapes['out/bias']).toEqual([1]);
    const trainable = det.params.trainable().reduce((n, v) => n + v.size, 0);
    // Golden from PyTorch: /usr/bin/python3, ref_ae.py's AE class, sum(p.numel() for p in AE().parameters()) = 247889
    // (AE(vae=True): 264289).
    expect(trainable).toBe(247889);
    det.dispose();
    const vae = createDetector('vae', {}, 64) as ReconstructionDetector;
    expect(vae.params.trainable().reduce((n, v) => n + v.size, 0)).toBe(264289);
    vae.dispose();
    det.dispose();
  });
});

describe('arrayTrainData', () => {
  it('yields each image once per epoch, in a seed-fixed order, skipping batches on request', async () => {
    const n = 7;
    const px = 4;
    const imgs = new Float32Array(n * px).map((_, i) => Math.floor(i / px));
    const d = arrayTrainData(imgs, { height: 2, width: 2 });
    const ids = async (seed: number, from = 0) => {
      const out: number[] = [];
      for await (const b of d.batches(3, seed, from)) for (let i = 0; i < b.length; i += px) out.push(b[i]);
      return out;
    };
    const a = await ids(1);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await ids(1)).toEqual(a);
    expect(await ids(2)).not.toEqual(a);
    expect(await ids(1, 1)).toEqual(a.slice(3));
    expect(stepsPerEpoch(7, 3)).toBe(2); // the last batch of one image is dropped (batch norm)
    expect(stepsPerEpoch(8, 3)).toBe(3);
    expect(() => arrayTrainData([{ width: 2, height: 2, data: new Float32Array(4) }, { width: 3, height: 2, data: new Float32Array(6) }])).toThrow(
      /image 1 is 3x2, expected 2x2/,
    );
  });
});
