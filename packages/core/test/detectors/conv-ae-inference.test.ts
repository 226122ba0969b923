// Inference through ConvAENet folds each batch norm into its conv (and fuses bias + ReLU, with the fused transposed
// conv on wasm). It must give what the layers compute unfused: conv, batch norm with the running statistics, ReLU.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvAENet } from '../../src/detectors/conv-ae-net.js';
import { ParamStore, batchNorm, conv, convT, dense } from '../../src/detectors/layers.js';
import { onBackend, randArray, relError, setupBackends } from '../compute/helpers.js';

beforeAll(setupBackends);

const CHANNELS = [8, 16]; // 8+ channels: the decoder's first transposed conv takes the row-residue phases on wasm
const SIZE = { height: 16, width: 16 };

function makeNet(): ConvAENet {
  const net = new ConvAENet({ inputSize: SIZE, channels: CHANNELS, latent: 3, zOut: 3, outChannels: 1 });
  // Non-trivial batch-norm state, so a wrong fold (or none) shows.
  net.params.named().forEach(({ name, tensor }, i) => {
    if (!name.includes('/bn/')) return;
    const v = randArray(tensor.size, 50 + i);
    const vals = name.endsWith('moving_var') ? v.map((a) => 0.2 + a * a) : name.endsWith('gamma') ? v.map((a) => 1 + 0.5 * a) : v;
    tf.tidy(() => tensor.assign(tf.tensor(vals, tensor.shape)));
  });
  return net;
}

/** The unfused inference forward pass, from the layer functions. */
function unfused(net: ConvAENet, x: tf.Tensor4D): tf.Tensor4D {
  const ps = net.params;
  let h = x;
  CHANNELS.forEach((_, i) => (h = tf.relu(batchNorm(ps, `enc${i}/bn`, conv(ps, `enc${i}`, h), false))));
  const z = dense(ps, 'to_z', tf.reshape(h, [h.shape[0], -1]));
  h = tf.reshape(tf.relu(dense(ps, 'from_z', z)), [x.shape[0], 4, 4, CHANNELS[1]]) as tf.Tensor4D;
  h = tf.relu(batchNorm(ps, 'dec0/bn', convT(ps, 'dec0', h, CHANNELS[0], false), false));
  return convT(ps, 'out', h, 1, true);
}

describe('ConvAENet inference (batch norm folded into the convs)', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`equals conv + running-statistics batch norm + ReLU on ${backend}`, async () => {
      await tf.setBackend(backend);
      const net = makeNet();
      const xs = randArray(3 * 16 * 16, 7);
      const [got, ref, z] = await onBackend(backend, () => {
        const x = tf.tensor4d(xs, [3, 16, 16, 1]);
        return [net.decode(net.encode(x, false), false), unfused(net, x), net.encode(x, false)];
      });
      net.dispose();
      expect(got).toHaveLength(3 * 16 * 16);
      expect(relError(got, ref)).toBeLessThanOrEqual(1e-5);
      expect(z.some((v) => v !== 0)).toBe(true);
    });
  }
});

describe('folded weights are cached per weights version', () => {
  it('a changed running statistic (or kernel) is picked up by the next inference pass', async () => {
    await tf.setBackend('wasm');
    const net = makeNet();
    const xs = randArray(2 * 16 * 16, 11);
    const forward = () => onBackend('wasm', () => {
      const x = tf.tensor4d(xs, [2, 16, 16, 1]);
      return [net.decode(net.encode(x, false), false), unfused(net, x)];
    });
    const [a] = await forward();
    tf.tidy(() => net.params.get('enc1/bn/moving_var').assign(tf.mul(net.params.get('enc1/bn/moving_var'), 4)));
    const [b, refB] = await forward();
    expect(relError(b, refB)).toBeLessThanOrEqual(1e-5);
    expect(relError(b, a)).toBeGreaterThan(1e-3); // the change mattered, so a stale fold would have failed above
    tf.tidy(() => net.params.get('dec0/kernel').assign(tf.neg(net.params.get('dec0/kernel'))));
    const [c, refC] = await forward();
    expect(relError(c, refC)).toBeLessThanOrEqual(1e-5);
    net.dispose();
  });

  it('derived() returns the same tensors until a dependency is assigned, and dispose() frees them', () => {
    const before = tf.memory().numTensors;
    const ps = new ParamStore();
    ps.add('w', [3], () => new Float32Array([1, 2, 3]));
    let made = 0;
    const twice = () => ps.derived('twice', ['w'], () => (made++, [tf.mul(ps.get('w'), 2)]));
    const [t1] = tf.tidy(() => twice()); // a tidy around the call must not dispose the cached value
    const [t2] = twice();
    expect(t2).toBe(t1);
    expect(t1.isDisposed).toBe(false);
    expect(Array.from(t1.dataSync())).toEqual([2, 4, 6]);
    tf.tidy(() => ps.get('w').assign(tf.tensor1d([5, 5, 5])));
    const [t3] = twice();
    expect(made).toBe(2);
    expect(t1.isDisposed).toBe(true);
    expect(Array.from(t3.dataSync())).toEqual([10, 10, 10]);
    ps.dispose();
    expect(t3.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
