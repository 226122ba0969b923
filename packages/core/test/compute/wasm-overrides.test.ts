// The stock wasm kernels medad replaces for speed (Conv2DBackpropInput, Tile, Sum, Mean, Identity, FusedBatchNorm) give the cpu
// backend's results, on their fast paths and on the fallbacks; and can be put back.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDAD_WASM_OVERRIDES, MEDAD_WASM_SPEEDUP_KERNELS, registerWasmTrainingKernels, restoreStockWasmKernels } from '../../src/compute/index.js';
import { onBackend, randArray, relError, setupBackends } from './helpers.js';

const TOL = 1e-4;
beforeAll(setupBackends);
afterAll(() => registerWasmTrainingKernels()); // leave the replacements installed for other test files

async function compare(fn: () => tf.Tensor[]): Promise<number[]> {
  const ref = await onBackend('cpu', fn);
  const got = await onBackend('wasm', fn);
  return got.map((g, i) => relError(g, ref[i]));
}

interface BpiCase {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  s: number | [number, number];
  pad: 'same' | 'valid' | number;
}
// Beyond the conv/convT cases of wasm-kernels.test.ts: odd sizes, rectangular strides, kernels smaller than and
// not a multiple of the stride (phase filters with empty taps), stride 3, explicit padding.
const bpiCases: BpiCase[] = [
  { x: [2, 9, 11, 3], k: [3, 3], co: 4, s: 2, pad: 'same' },
  { x: [2, 9, 11, 3], k: [4, 4], co: 4, s: 2, pad: 'valid' },
  { x: [3, 8, 8, 2], k: [5, 5], co: 3, s: 2, pad: 2 },
  { x: [2, 10, 9, 2], k: [4, 3], co: 5, s: [2, 1], pad: 'same' },
  { x: [2, 7, 10, 3], k: [3, 4], co: 2, s: [1, 3], pad: 'valid' },
  { x: [2, 12, 12, 1], k: [1, 1], co: 3, s: 2, pad: 'valid' },
  { x: [1, 13, 13, 4], k: [4, 4], co: 6, s: 3, pad: 'same' },
  { x: [4, 6, 6, 8], k: [3, 3], co: 8, s: 1, pad: 'same' },
  // 8+ dx channels and every row residue covering dy: the row-residue convs (the AE's decoder and encoder shapes).
  { x: [2, 8, 8, 8], k: [4, 4], co: 6, s: 2, pad: 'same' },
  { x: [2, 8, 12, 16], k: [4, 4], co: 3, s: 2, pad: 1 },
  { x: [2, 9, 9, 12], k: [3, 3], co: 5, s: 2, pad: 'same' },
  { x: [2, 9, 11, 8], k: [4, 4], co: 4, s: 2, pad: 'valid' },
];

describe('Conv2DBackpropInput via phases vs cpu', () => {
  for (const [i, c] of bpiCases.entries()) {
    it(`x [${c.x}] k ${c.k} co ${c.co} s ${c.s} pad=${c.pad}`, async () => {
      const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co];
      const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.s, 1, c.pad);
      const dyShape = [c.x[0], info.outHeight, info.outWidth, c.co];
      const dy = randArray(dyShape.reduce((a, b) => a * b), 300 + i);
      const w = randArray(filterShape.reduce((a, b) => a * b), 400 + i);
      const errs = await compare(() => [
        tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, dyShape), filter: tf.tensor(w, filterShape) }, { strides: c.s, pad: c.pad, inputShape: c.x, dataFormat: 'NHWC' }) as tf.Tensor,
      ]);
      expect(errs[0]).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('Tile, Sum, Mean, Identity replacements vs cpu', () => {
  const x = randArray(2 * 3 * 4 * 5, 7);
  const cases: [string, () => tf.Tensor][] = [
    ['tile [1,1,1,5] -> [2,3,4,5] (fast path)', () => tf.tile(tf.tensor(x.subarray(0, 5), [1, 1, 1, 5]), [2, 3, 4, 1])],
    ['tile [1,3] x [5,1] (fast path, 2-d)', () => tf.tile(tf.tensor(x.subarray(0, 3), [1, 3]), [5, 1])],
    ['tile [2,3] x [2,2] (interleaving: fallback)', () => tf.tile(tf.tensor(x.subarray(0, 6), [2, 3]), [2, 2])],
    ['tile int32 [1,4] x [3,1]', () => tf.tile(tf.tensor([1, -2, 3, 9], [1, 4], 'int32'), [3, 1])],
    ['sum over [0,1,2]', () => tf.sum(tf.tensor(x, [2, 3, 4, 5]), [0, 1, 2])],
    ['sum over [0,1] keepDims', () => tf.sum(tf.tensor(x, [2, 3, 4, 5]), [1, 0], true)],
    ['sum over [-4,-3,-2] (negative axes)', () => tf.sum(tf.tensor(x, [2, 3, 4, 5]), [-4, -3, -2])],
    ['sum over [1,2] (fallback)', () => tf.sum(tf.tensor(x, [2, 3, 4, 5]), [1, 2])],
    ['sum over all (fallback)', () => tf.sum(tf.tensor(x, [2, 3, 4, 5]))],
    ['sum int32 over [0] (fallback)', () => tf.sum(tf.tensor([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0)],
    ['mean over [0,1,2]', () => tf.mean(tf.tensor(x, [2, 3, 4, 5]), [0, 1, 2])],
    ['mean over [0] keepDims, 5 rows (not a multiple of 4)', () => tf.mean(tf.tensor(x.subarray(0, 35), [5, 7]), 0, true)],
    ['mean over [2,3] (fallback)', () => tf.mean(tf.tensor(x, [2, 3, 4, 5]), [2, 3])],
    ['moments over [0,1,2]', () => Object.values(tf.moments(tf.tensor(x, [2, 3, 4, 5]), [0, 1, 2]))[1]],
  ];
  for (const [name, fn] of cases) {
    it(name, async () => {
      const ref = await onBackend('cpu', () => [fn()]);
      const got = await onBackend('wasm', () => [fn()]);
      expect(got[0].length).toBe(ref[0].length);
      expect(relError(got[0], ref[0])).toBeLessThanOrEqual(1e-6);
    });
  }
  it('output shapes and dtypes match cpu', async () => {
    for (const [, fn] of cases) {
      await tf.setBackend('cpu');
      const a = tf.tidy(fn);
      await tf.setBackend('wasm');
      const b = tf.tidy(fn);
      expect([b.shape, b.dtype]).toEqual([a.shape, a.dtype]);
      tf.dispose([a, b]);
    }
  });

  it('identity shares the buffer: the clone outlives its source and frees it last', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numDataBuffers;
    const a = tf.tensor([1, 2, 3]);
    const b = tf.clone(a);
    expect(tf.memory().numDataBuffers).toBe(before + 1); // shared, not copied
    a.dispose();
    expect(Array.from(await b.data())).toEqual([1, 2, 3]);
    b.dispose();
    expect(tf.memory().numDataBuffers).toBe(before);
  });
});

describe('registration', () => {
  it('lists every replacement, is idempotent, and restoreStockWasmKernels puts the stock kernels back', () => {
    const funcs = () => MEDAD_WASM_OVERRIDES.map((k) => tf.getKernel(k, 'wasm')?.kernelFunc);
    const mine = funcs();
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(restoreStockWasmKernels().sort()).toEqual([...MEDAD_WASM_OVERRIDES].sort());
    const stock = funcs();
    stock.forEach((f, i) => expect(f).not.toBe(mine[i]));
    for (const k of MEDAD_WASM_SPEEDUP_KERNELS) expect(tf.getKernel(k, 'wasm')).toBeUndefined();
    expect(registerWasmTrainingKernels({ speedups: false })).toEqual([]);
    expect(registerWasmTrainingKernels().sort()).toEqual([...MEDAD_WASM_OVERRIDES, ...MEDAD_WASM_SPEEDUP_KERNELS].sort());
  });

  it('the stock kernels still run after a restore (their setup survived the replacement)', async () => {
    restoreStockWasmKernels();
    try {
      const dy = randArray(2 * 4 * 4 * 3, 1);
      const w = randArray(4 * 4 * 2 * 3, 2);
      const errs = await compare(() => [tf.conv2dTranspose(tf.tensor4d(dy, [2, 4, 4, 3]), tf.tensor4d(w, [4, 4, 2, 3]), [2, 8, 8, 2], 2, 'same')]);
      expect(errs[0]).toBeLessThanOrEqual(TOL);
    } finally {
      registerWasmTrainingKernels();
    }
  });
});
