import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  backendCapabilities,
  defaultLoaders,
  defaultWasmThreads,
  describeBackend,
  initBackend,
  resetBackendCache,
  type RungLoader,
} from '../../src/compute/index.js';

const fail = (why: string): RungLoader => async () => {
  throw new Error(why);
};
const noEnv = {};
beforeEach(() => resetBackendCache());

describe('initBackend ladder', () => {
  it('falls through missing tensorflow and webgpu to wasm, with reasons', async () => {
    const r = await initBackend({ env: noEnv, loaders: { tensorflow: fail('tfjs-node absent'), webgpu: fail('no adapter') } });
    expect(r.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.reasons).toEqual({ tensorflow: 'tfjs-node absent', webgpu: 'no adapter' });
    expect(r.threads).toBe(defaultWasmThreads()); // the threaded build under Node (wasm-threads.ts)
    expect(typeof r.simd).toBe('boolean');
    expect(r.versions['tfjs-backend-wasm']).toMatch(/^\d+\.\d+/);
    expect(describeBackend(r)).toMatch(/^wasm .*tensorflow: tfjs-node absent; webgpu: no adapter/);
  });

  it('falls to cpu when wasm fails too', async () => {
    const r = await initBackend({ env: noEnv, loaders: { tensorflow: fail('a'), webgpu: fail('b'), wasm: fail('wasm binary missing') } });
    expect(r.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.reasons.wasm).toBe('wasm binary missing');
  });

  it('the real ladder on this machine skips tensorflow and webgpu with their own reasons', async () => {
    const r = await initBackend({ env: noEnv });
    expect(['wasm', 'webgpu', 'tensorflow']).toContain(r.backend);
    if (r.backend === 'wasm') {
      expect(r.reasons.tensorflow).toMatch(/tfjs-node/);
      expect(r.reasons.webgpu).toBeTruthy();
    }
  });

  it('is idempotent: a second call returns the same report without climbing again', async () => {
    let calls = 0;
    const cpu: RungLoader = async (o) => {
      calls++;
      return defaultLoaders.cpu(o);
    };
    const a = await initBackend({ prefer: 'cpu', env: noEnv, loaders: { cpu } });
    const b = await initBackend({ prefer: 'wasm', env: noEnv });
    expect(b).toBe(a);
    expect(calls).toBe(1);
  });

  it('prefer starts the ladder at the named rung', async () => {
    const r = await initBackend({ prefer: 'cpu', env: noEnv, loaders: { wasm: fail('must not be tried') } });
    expect(r.backend).toBe('cpu');
    expect(r.reasons).toEqual({ tensorflow: 'skipped: prefer=cpu', webgpu: 'skipped: prefer=cpu', wasm: 'skipped: prefer=cpu' });
  });

  it('MEDAD_BACKEND overrides prefer', async () => {
    const r = await initBackend({ prefer: 'wasm', env: { MEDAD_BACKEND: 'CPU' } });
    expect(r.backend).toBe('cpu');
    expect(r.reasons.wasm).toBe('skipped: MEDAD_BACKEND=cpu');
  });

  it('rejects an unknown MEDAD_BACKEND value, naming it', async () => {
    await expect(initBackend({ env: { MEDAD_BACKEND: 'cuda' } })).rejects.toThrow(/MEDAD_BACKEND="cuda".*tensorflow, webgpu, wasm, cpu/);
  });

  it('throws with every reason when no rung loads', async () => {
    const all = { tensorflow: fail('t'), webgpu: fail('g'), wasm: fail('w'), cpu: fail('c') };
    await expect(initBackend({ env: noEnv, loaders: all })).rejects.toThrow(/"cpu":"c"/);
  });
});

describe('backendCapabilities', () => {
  it('marks only webgpu as a GPU and cpu as impractical for training', () => {
    expect(backendCapabilities('webgpu').gpu).toBe(true);
    expect(backendCapabilities('wasm').gpu).toBe(false);
    expect(backendCapabilities('wasm').secondOrderGradients).toBe(true);
    expect(backendCapabilities('cpu').practicalForTraining).toBe(false);
  });
});
