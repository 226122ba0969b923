// One loader per rung of the backend ladder. Each either makes its backend the active tfjs backend and returns what
// it learned, or throws an Error whose message says why the rung is unusable (recorded in the report).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-kernels.js';
import { settleWasmWorkers, threadedWasmBlocker, withThreadedWasmShims } from './wasm-threads.js';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const LADDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface RungInfo {
  adapter?: string;
  threads?: number;
  simd?: boolean;
  /** Extra facts for the report, e.g. why wasm runs single-threaded. */
  notes?: string[];
  versions?: Record<string, string>;
}
export interface RungOptions {
  threads?: number;
}
export type RungLoader = (opts: RungOptions) => Promise<RungInfo>;
export type RungLoaders = Record<BackendName, RungLoader>;

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Module names held in variables so neither tsc nor esbuild tries to resolve the optional native packages. */
const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  await tf.ready();
}

async function loadTensorflow(): Promise<RungInfo> {
  const failures: string[] = [];
  for (const pkg of TFJS_NODE_PACKAGES) {
    try {
      await import(pkg);
      if (tf.findBackendFactory('tensorflow') === null) throw new Error('loaded but registered no "tensorflow" backend (duplicate tfjs-core?)');
      await activate('tensorflow');
      return { versions: { [pkg]: String(tf.version_core) } };
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && errMsg(e).includes(`'${pkg}'`);
      failures.push(`${pkg}: ${missing ? 'not installed' : errMsg(e)}`);
    }
  }
  throw new Error(failures.join('; '));
}

/** Saves and restores `navigator`, which Node 21+ defines read-only and Node 20 lacks. */
function setNavigatorGpu(gpu: unknown): () => void {
  const prev = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return () => {
    if (prev) Object.defineProperty(globalThis, 'navigator', prev);
    else delete (globalThis as { navigator?: unknown }).navigator;
  };
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

async function loadWebgpu(): Promise<RungInfo> {
  const dawnPkg = 'webgpu';
  let dawn: { create: (flags: string[]) => { requestAdapter: (o?: object) => Promise<GpuAdapterLike | null> }; globals: object };
  try {
    dawn = (await import(dawnPkg)) as typeof dawn;
  } catch (e) {
    throw new Error(`npm package "webgpu" (Dawn) not loadable: ${errMsg(e)}`);
  }
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('Dawn found no GPU adapter (no Vulkan loader/driver, or the device lacks a required feature)');
  Object.assign(globalThis, dawn.globals);
  const restore = setNavigatorGpu(gpu);
  try {
    // The tfjs webgpu backend registers itself only if navigator.gpu exists when it is first imported.
    const wg = (await import('@tensorflow/tfjs-backend-webgpu')) as { version_webgpu?: string };
    if (tf.findBackendFactory('webgpu') === null) throw new Error('tfjs-backend-webgpu was imported before navigator.gpu existed');
    await activate('webgpu');
    const i = adapter.info ?? {};
    const desc = [i.vendor, i.architecture, i.device, i.description].filter((s) => s).join(' / ') || 'unknown adapter';
    return { adapter: desc, versions: { 'tfjs-backend-webgpu': wg.version_webgpu ?? 'unknown' } };
  } catch (e) {
    restore();
    throw e;
  }
}

/** Folder with the .wasm binaries: MEDAD_WASM_DIR (bundles ship them beside the code) or the package's dist. */
function wasmDir(): string {
  const fromEnv = process.env.MEDAD_WASM_DIR;
  if (fromEnv) return fromEnv.endsWith(path.sep) ? fromEnv : fromEnv + path.sep;
  try {
    const require = createRequire(import.meta.url);
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
  } catch (e) {
    throw new Error(`cannot locate the tfjs-backend-wasm .wasm files (${errMsg(e)}); set MEDAD_WASM_DIR`);
  }
}

/**
 * Registers the wasm backend's binary location and medad's extra kernels without activating it, so that another
 * backend can be compared against wasm. Returns the kernels it registered. Idempotent.
 */
export async function prepareWasm(): Promise<string[]> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDir());
  return registerWasmTrainingKernels();
}

/** Starts the threaded SIMD build with `want` threads; returns the pool size, or throws why it could not. */
async function activateThreadedWasm(wasm: typeof import('@tensorflow/tfjs-backend-wasm'), want: number): Promise<number> {
  const blocker = threadedWasmBlocker();
  if (blocker !== null) throw new Error(blocker);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(want);
  await withThreadedWasmShims(want, () => activate('wasm'));
  settleWasmWorkers((tf.backend() as BackendWasm).wasm);
  return wasm.getThreadsCount();
}

async function loadWasm(opts: RungOptions): Promise<RungInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const added = await prepareWasm();
  const notes: string[] = [];
  if (added.length > 0) notes.push(`registered wasm kernels: ${added.join(', ')}`);
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const want = opts.threads ?? 1;
  let threads = 1;
  let active = false;
  // tf.engine().registry, not tf.findBackend: findBackend would start the backend (single-threaded) if it is not.
  if (tf.engine().registry.wasm !== undefined) {
    // A process holds one wasm module: once started, its pool size is fixed.
    await activate('wasm');
    threads = wasm.getThreadsCount();
    if (threads !== want) notes.push(`wasm was already started with ${threads} thread(s); threads=${want} not applied`);
    return { threads, simd, notes, versions: { 'tfjs-backend-wasm': wasm.version_wasm } };
  }
  if (want > 1 && !simd) notes.push('single-threaded: the threaded wasm build needs SIMD, which this runtime lacks');
  else if (want > 1) {
    try {
      threads = await activateThreadedWasm(wasm, want);
      active = true;
      if (threads < want) notes.push(`asked for ${want} wasm threads, the pool has ${threads}`);
    } catch (e) {
      notes.push(`threaded wasm failed (${errMsg(e)}); single-threaded`);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
  }
  if (!active) await activate('wasm');
  return { threads, simd, notes, versions: { 'tfjs-backend-wasm': wasm.version_wasm } };
}

async function loadCpu(): Promise<RungInfo> {
  await activate('cpu');
  return { threads: 1 };
}

export const defaultLoaders: RungLoaders = { tensorflow: loadTensorflow, webgpu: loadWebgpu, wasm: loadWasm, cpu: loadCpu };
