// The training checkpoint on its own (the loop's resume is in training.test.ts): Adam state round trip, atomic
// replacement, refusals that name the file. Ported from the former model/checkpoint.ts tests when the two
// checkpoint formats were merged into this one.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_DIR,
  loadCheckpoint,
  resumeRunCheckpoint,
  saveCheckpoint,
  saveRunCheckpoint,
  type RunIdentity,
} from '../../src/detectors/checkpoint.js';
import { ParamStore, torchUniform } from '../../src/detectors/layers.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-ckpt-'));
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

const ID: RunIdentity = { detector: 'toy', config: { width: 3 }, seed: 5, batchSize: 2, lr: 0.05 };

/** A tiny linear map 4 -> width, seeded. */
function net(seed: number, width = 3): ParamStore {
  const ps = new ParamStore();
  ps.add('w', [4, width], torchUniform(4));
  ps.add('b', [width], torchUniform(4));
  ps.reinitialise(seed);
  return ps;
}

const x = () => tf.tensor2d(Array.from({ length: 2 * 4 }, (_, i) => Math.sin(i * 0.37)), [2, 4]);

function step(ps: ParamStore, opt: tf.Optimizer): void {
  const data = x();
  opt.minimize(() => tf.mean(tf.square(tf.add(tf.matMul(data, ps.get('w')), ps.get('b')))) as tf.Scalar, false, ps.trainable());
  data.dispose();
}

async function values(ps: ParamStore): Promise<number[][]> {
  return Promise.all(ps.named().map(async (p) => Array.from(await p.tensor.data())));
}

const losses = (at: number) => [{ step: at, loss: 1 }];
const save = (dir: string, ps: ParamStore, opts: Record<string, tf.Optimizer>, at: number, hook?: () => void) =>
  saveRunCheckpoint(dir, ID, { step: at, stepsPerEpoch: 2, losses: losses(at) }, ps.named(), opts, { beforeCommit: hook });
const into = (ps: ParamStore) => (t: tf.NamedTensorMap, file: string) => ps.assign(t, file);

describe('training checkpoint', () => {
  it('restores weights and Adam state so the next step is exactly the uninterrupted one', async () => {
    const a = net(1);
    const optA = tf.train.adam(0.05);
    for (let i = 0; i < 3; i++) step(a, optA);
    const dir = path.join(root, 'c1');
    const before = tf.memory().numTensors;
    await save(dir, a, { adam: optA }, 3);
    expect(tf.memory().numTensors).toBe(before); // the fresh iteration counter was freed
    step(a, optA);
    const expected = await values(a);

    const ck = await loadCheckpoint(dir);
    expect(ck?.state).toEqual({ ...ID, step: 3, epoch: 1, stepInEpoch: 1, rng: { seed: 5, step: 3, epoch: 1 }, losses: losses(3) });
    tf.dispose(Object.values(ck!.tensors));
    const b = net(7); // different init, as after a restart
    const optB = tf.train.adam(0.05);
    expect(await resumeRunCheckpoint(dir, ID, into(b), { adam: optB })).toEqual({ step: 3, losses: losses(3) });
    step(b, optB);
    expect(await values(b)).toEqual(expected);

    // Without the optimiser state the next step differs, so the equality above depends on restoring it.
    const c = net(9);
    await resumeRunCheckpoint(dir, ID, into(c), {});
    step(c, tf.train.adam(0.05));
    expect(await values(c)).not.toEqual(expected);
  });

  it('restores each optimiser from its own key only, in index order', async () => {
    const dir = path.join(root, 'c5');
    const named = (['adamD/10', 'adamD/2', 'adamG/0', 'adamD/0'] as const).map((name, i) => ({ name, tensor: tf.scalar(i) }));
    await saveCheckpoint(dir, { ...ID, step: 0, epoch: 0, stepInEpoch: 0, rng: { seed: 5, step: 0, epoch: 0 }, losses: [] }, named);
    tf.dispose(named.map((n) => n.tensor));
    const seen: Record<string, string[]> = {};
    const fake = (key: string) => ({ setWeights: async (ws: { name: string }[]) => void (seen[key] = ws.map((w) => w.name)) }) as unknown as tf.Optimizer;
    await resumeRunCheckpoint(dir, ID, () => {}, { adamD: fake('adamD'), adam: fake('adam') });
    expect(seen).toEqual({ adamD: ['adamD/0', 'adamD/2', 'adamD/10'] });
  });

  it('an interrupted save leaves the previous checkpoint intact', async () => {
    const m = net(2);
    const dir = path.join(root, 'c2');
    await save(dir, m, {}, 10);
    const saved = await values(m);
    step(m, tf.train.sgd(0.5));
    const crash = () => {
      throw new Error('disk full');
    };
    await expect(save(dir, m, {}, 11, crash)).rejects.toThrow(/disk full/);
    const fresh = net(3);
    expect((await resumeRunCheckpoint(dir, ID, into(fresh), {}))?.step).toBe(10);
    expect(await values(fresh)).toEqual(saved);
    expect(await fs.readdir(dir)).toEqual([CHECKPOINT_DIR]);
  });

  it('returns null without a checkpoint; names the file when weights.bin is truncated or the shapes differ', async () => {
    expect(await resumeRunCheckpoint(path.join(root, 'none'), ID, () => {}, {})).toBeNull();
    const dir = path.join(root, 'c3');
    await save(dir, net(4), {}, 1);
    const wide = net(4, 5);
    const before = tf.memory().numTensors;
    await expect(resumeRunCheckpoint(dir, ID, into(wide), {})).rejects.toThrow(
      /c3\/checkpoint\/checkpoint\.json: weight w has shape \[4,3\], expected \[4,5\]/,
    );
    expect(tf.memory().numTensors).toBe(before); // the decoded tensors are freed on failure too
    await fs.truncate(path.join(dir, CHECKPOINT_DIR, 'weights.bin'), 8);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/c3\/checkpoint\/weights\.bin: 8 bytes, the checkpoint lists 60/);
  });

  it('refuses to resume another run, naming the file and the first differing value', async () => {
    const dir = path.join(root, 'c4');
    await save(dir, net(4), {}, 4);
    const before = tf.memory().numTensors;
    await expect(resumeRunCheckpoint(dir, { ...ID, config: { width: 4 } }, () => {}, {})).rejects.toThrow(
      /c4\/checkpoint\/checkpoint\.json: cannot resume: checkpoint has config \{"width":3\}, this run \{"width":4\}$/,
    );
    await expect(resumeRunCheckpoint(dir, { ...ID, lr: 0.1 }, () => {}, {})).rejects.toThrow(/checkpoint has lr 0\.05, this run 0\.1/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
