// The wasm kernel checks (forward and gradients vs cpu) and the tiny-AE training check, run again on the threaded
// wasm build: XNNPACK splits the convolutions over 2 threads, which must not change the results beyond rounding.
import './threaded-setup.js'; // first: see there
import './wasm-kernels.test.js';
import './wasm-training.test.js';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { THREADS } from './threaded-setup.js';

it('the suites above ran on the threaded build', () => {
  expect(getThreadsCount()).toBe(THREADS);
});
