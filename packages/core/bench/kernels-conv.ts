// Per-call timings of the conv kernels at the 64x64 AE's shapes (batch 64) on wasm: Conv2D, Conv2DBackpropInput
// (= conv2dTranspose) and Conv2DBackpropFilter, plus a few building blocks (BatchMatMul, Tile). Compares the
// kernels the active registration provides (`--medad`, default) with tfjs's own (`--stock`).
// Usage: tsx bench/kernels-conv.ts [--stock] [--reps N]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { prepareWasm } from '../src/compute/index.js';

const B = 64;
/** [H (conv input), ci, co]: conv 4x4 stride 2 'same' H -> H/2. The decoder's convTs run the same shapes backwards. */
const LAYERS: [number, number, number][] = [
  [64, 1, 16],
  [32, 16, 32],
  [16, 32, 64],
  [8, 64, 64],
];

function time(reps: number, fn: () => tf.Tensor): number {
  tf.dispose(fn()); // warm-up (XNNPACK operator creation, caches)
  // CPU time of this (single-threaded) process: on a shared, loaded machine it tracks the work far better than wall time.
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const y = fn();
    y.dataSync(); // wasm kernels are synchronous; this just keeps the work honest
    y.dispose();
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / reps;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { stock: { type: 'boolean' }, reps: { type: 'string' } } });
  const reps = Number(values.reps ?? 5);
  if (values.stock) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { createRequire } = await import('node:module');
    const path = await import('node:path');
    wasm.setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
    const { conv2dBackpropFilterViaConv } = await import('../src/compute/wasm-kernels.js');
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => {
        const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
        return conv2dBackpropFilterViaConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, a.filterShape, a.strides, a.pad);
      },
    });
  } else {
    await prepareWasm();
  }
  await tf.setBackend('wasm');
  console.log(`${values.stock ? 'stock tfjs wasm kernels' : 'medad wasm kernels'}; CPU ms per call, batch ${B}, k4 s2 same`);
  console.log('layer'.padEnd(22) + ['Conv2D', 'BackpropInput', 'BackpropFilter', 'convT dW'].map((s) => s.padStart(15)).join(''));
  let total = 0;
  for (const [h, ci, co] of LAYERS) {
    const x = tf.randomNormal([B, h, h, ci]) as tf.Tensor4D;
    const w = tf.randomNormal([4, 4, ci, co]) as tf.Tensor4D;
    const dy = tf.randomNormal([B, h / 2, h / 2, co]) as tf.Tensor4D;
    const fwd = time(reps, () => tf.conv2d(x, w, 2, 'same'));
    const bi = time(reps, () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: 2, pad: 'same', inputShape: x.shape, dataFormat: 'NHWC' }) as tf.Tensor);
    const bf = time(reps, () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', filterShape: w.shape, dataFormat: 'NHWC' }) as tf.Tensor);
    // A convT's weight gradient is a filter gradient with the big tensor as x and the small one as dy: same shapes.
    total += fwd * 2 + bi * 2 + bf * 2;
    console.log(`${h}x${h}x${ci}->${h / 2}x${h / 2}x${co}`.padEnd(22) + [fwd, bi, bf, bf].map((v) => v.toFixed(1).padStart(15)).join(''));
    tf.dispose([x, w, dy]);
  }
  console.log(`sum over the AE's training step (each shape: 2 Conv2D, 2 BackpropInput, 2 BackpropFilter): ${total.toFixed(0)} ms`);
  const small = tf.randomNormal([1, 1, 1, 16]);
  console.log(`Tile [1,1,1,16] -> [64,32,32,16]: ${time(reps, () => tf.tile(small, [64, 32, 32, 1])).toFixed(1)} ms`);
  const big = tf.randomNormal([B, 32, 32, 16]);
  console.log(`Sum [64,32,32,16] over 0,1,2: ${time(reps, () => tf.sum(big, [0, 1, 2])).toFixed(1)} ms`);
  console.log(`Multiply [64,32,32,16] x [16]: ${time(reps, () => tf.mul(big, small)).toFixed(1)} ms`);
  console.log(`Transpose [64,32,32,16] -> [3,1,2,0]: ${time(reps, () => tf.transpose(big, [3, 1, 2, 0])).toFixed(1)} ms`);
  const a = tf.randomNormal([65536, 256]);
  const bm = tf.randomNormal([256, 16]);
  console.log(`MatMul [65536,256]x[256,16]: ${time(reps, () => tf.matMul(a, bm)).toFixed(1)} ms`);
  const c = tf.randomNormal([65536, 16]);
  console.log(`MatMul [65536,16]x[256,16]^T: ${time(reps, () => tf.matMul(c, bm, false, true)).toFixed(1)} ms`);
  console.log(`MatMul [65536,256]^T x [65536,16]: ${time(reps, () => tf.matMul(a, c, true, false)).toFixed(1)} ms`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
