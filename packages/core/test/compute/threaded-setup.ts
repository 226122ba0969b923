// Imported first by wasm-threaded.test.ts: starts the wasm backend with the threaded build (2 threads) before the
// imported suites' own setup runs, so their tf.setBackend('wasm') switches to this instance instead of starting the
// single-threaded one (a process holds one wasm module).
import { beforeAll } from 'vitest';
import { initBackend } from '../../src/compute/index.js';

export const THREADS = 2;

beforeAll(async () => {
  const r = await initBackend({ prefer: 'wasm', threads: THREADS, env: {} });
  if (r.backend !== 'wasm' || r.threads !== THREADS) {
    throw new Error(`threaded wasm did not start: ${r.backend}, ${String(r.threads)} threads; ${r.notes.join('; ')}`);
  }
});
