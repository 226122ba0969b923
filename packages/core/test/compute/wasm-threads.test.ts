// Thread-count resolution, worker settling, and the fallback to one thread when the threaded build cannot start.
// (The threaded build itself is exercised by wasm-threaded.test.ts; this file must not start wasm before the fallback test.)
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WASM_THREADS_CAP, defaultWasmThreads, initBackend, resetBackendCache, resolveWasmThreads } from '../../src/compute/index.js';
import { settleWasmWorkers, threadedGlueFiles, withThreadedWasmShims } from '../../src/compute/wasm-threads.js';

afterEach(() => {
  vi.unstubAllGlobals();
  resetBackendCache();
});

describe('resolveWasmThreads', () => {
  it('takes the option first, then MEDAD_WASM_THREADS, then the CPU count capped at 4', () => {
    expect(resolveWasmThreads(3, { MEDAD_WASM_THREADS: '1' })).toBe(3);
    expect(resolveWasmThreads(undefined, { MEDAD_WASM_THREADS: ' 2 ' })).toBe(2);
    expect(resolveWasmThreads(undefined, { MEDAD_WASM_THREADS: '' })).toBe(defaultWasmThreads());
    expect(defaultWasmThreads()).toBe(Math.max(1, Math.min(cpus().length, DEFAULT_WASM_THREADS_CAP)));
  });

  it('rejects counts that are not integers from 1 to 8, naming the source', () => {
    expect(() => resolveWasmThreads(undefined, { MEDAD_WASM_THREADS: 'many' })).toThrow(/MEDAD_WASM_THREADS="many".*1 to 8/);
    expect(() => resolveWasmThreads(undefined, { MEDAD_WASM_THREADS: '0' })).toThrow(/MEDAD_WASM_THREADS="0"/);
    expect(() => resolveWasmThreads(9, {})).toThrow(/threads=9/);
    expect(() => resolveWasmThreads(1.5, {})).toThrow(/threads=1.5/);
  });
});

describe('threaded wasm plumbing', () => {
  it('finds the shipped Emscripten glue of the threaded build', () => {
    const { main, worker } = threadedGlueFiles({});
    expect(main).toMatch(/tfjs-backend-wasm-threaded-simd\.js$/);
    expect(worker).toMatch(/tfjs-backend-wasm-threaded-simd\.worker\.js$/);
  });

  it('shims os.cpus and blob URLs only while the backend starts', async () => {
    const { createRequire } = await import('node:module');
    const osCjs = createRequire(import.meta.url)('node:os') as { cpus: () => unknown[] };
    const real = osCjs.cpus().length;
    let inside = { cpus: 0, url: '' };
    await withThreadedWasmShims(3, async () => {
      const url = URL.createObjectURL(new Blob(['x'], { type: 'application/javascript' }));
      inside = { cpus: osCjs.cpus().length, url };
    });
    expect(inside.cpus).toBe(Math.max(real, 6)); // XNNPACK's pool is capped at cores / 2
    expect(inside.url).toMatch(/worker\.cjs$/);
    expect(osCjs.cpus().length).toBe(real);
    expect(URL.createObjectURL(new Blob(['x'], { type: 'application/javascript' }))).toMatch(/^blob:/);
  });

  it('gives up on a start that hangs, and still removes the shims', async () => {
    const { createRequire } = await import('node:module');
    const osCjs = createRequire(import.meta.url)('node:os') as { cpus: () => unknown[] };
    const real = osCjs.cpus;
    await expect(withThreadedWasmShims(2, () => new Promise<never>(() => {}), 50)).rejects.toThrow(/did not start within 0.05 s/);
    expect(osCjs.cpus).toBe(real);
  });

  it('settleWasmWorkers unrefs the pool workers and stops the unused ones', () => {
    const calls: string[] = [];
    const w = (name: string) => ({ unref: () => calls.push(`unref ${name}`), terminate: () => calls.push(`terminate ${name}`) });
    const pthread = { runningWorkers: [w('a')], unusedWorkers: [w('b'), w('c')] };
    expect(settleWasmWorkers({ PThread: pthread })).toBe(1);
    expect(calls).toEqual(['unref a', 'terminate b', 'terminate c']);
    expect(pthread.unusedWorkers).toEqual([]);
    expect(settleWasmWorkers({})).toBe(0);
  });
});

describe('fallback', () => {
  it('runs single-threaded, saying why, when shared memory is unavailable', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const r = await initBackend({ prefer: 'wasm', threads: 2, env: {} });
    expect(r.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.threads).toBe(1);
    expect(r.notes.join('\n')).toMatch(/threaded wasm failed \(SharedArrayBuffer\/Atomics unavailable\); single-threaded/);
    // A later request cannot change the pool of the running module, and the report says so.
    resetBackendCache();
    const again = await initBackend({ prefer: 'wasm', threads: 4, env: {} });
    expect(again.threads).toBe(1);
    expect(again.notes.join('\n')).toMatch(/already started with 1 thread\(s\); threads=4 not applied/);
  });
});
