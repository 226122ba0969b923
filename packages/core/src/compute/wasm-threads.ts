// Runs tfjs-backend-wasm's threaded SIMD build under Node. tfjs 4.22 never picks it in Node (tfjs#3830), and forcing
// it hits three browser assumptions, each shimmed here only while the backend starts:
// 1. Emscripten starts its 8 pthread workers from blob: URLs (the worker script and the main script arrive as Blobs),
//    which Node's Worker refuses: the worker script goes to a temp file, and inside each worker the main-script Blob
//    is mapped to the shipped glue file.
// 2. XNNPACK's pool size is min(requested, emscripten_num_logical_cores() / 2) (tfjs backend.cc assumes 2 hyperthreads
//    per core); under Node that count is os.cpus().length, so a 2-CPU machine always got 1 thread. os.cpus() reports
//    2 x the wanted threads while the module's constructors run.
// 3. Emscripten ref()s the workers that run pool threads; the pool never exits, so Node would never exit either.
//    settleWasmWorkers() unrefs them once the backend is up.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

/** tfjs's backend.cc caps the pool at 8 (the number of pre-started workers). */
export const MAX_WASM_THREADS = 8;
/** Default cap, so that a many-core machine does not start a large pool for medad's small models. */
export const DEFAULT_WASM_THREADS_CAP = 4;

export function defaultWasmThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism(), DEFAULT_WASM_THREADS_CAP));
}

/** Thread count from the option, else MEDAD_WASM_THREADS, else the CPU count capped at 4. Rejects nonsense clearly. */
export function resolveWasmThreads(threads: number | undefined, env: Record<string, string | undefined>): number {
  const check = (v: number, source: string, shown: string): number => {
    if (!Number.isInteger(v) || v < 1 || v > MAX_WASM_THREADS) {
      throw new Error(`${source}=${shown} is not a wasm thread count; use an integer from 1 to ${MAX_WASM_THREADS}`);
    }
    return v;
  };
  if (threads !== undefined) return check(threads, 'threads', String(threads));
  const raw = env.MEDAD_WASM_THREADS?.trim();
  if (raw) return check(Number(raw), 'MEDAD_WASM_THREADS', JSON.stringify(raw));
  return defaultWasmThreads();
}

/** Why the threaded build cannot start here, or null if it may. */
export function threadedWasmBlocker(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 'SharedArrayBuffer/Atomics unavailable';
  // No DOM/wasm lib in this tsconfig, so the WebAssembly global is typed by hand.
  const wa = (globalThis as { WebAssembly?: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => unknown } }).WebAssembly;
  try {
    if (wa === undefined) return 'no WebAssembly';
    new wa.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (e) {
    return `no shared wasm memory (${e instanceof Error ? e.message : String(e)})`;
  }
  return null;
}

const GLUE = 'tfjs-backend-wasm-threaded-simd.js';
const WORKER_GLUE = 'tfjs-backend-wasm-threaded-simd.worker.js';

/**
 * The Emscripten glue of the threaded build as shipped (wasm-out/), or from MEDAD_WASM_DIR when medad is bundled.
 * The workers need it as a file: the copy that tfjs hands them (the factory's toString() from tfjs's rollup bundle)
 * names the bundle's module variables (require$$0, commonjsGlobal, ...), which do not exist in a worker.
 */
export function threadedGlueFiles(env: Record<string, string | undefined> = process.env): { main: string; worker: string } {
  const dirs: string[] = [];
  if (env.MEDAD_WASM_DIR) dirs.push(env.MEDAD_WASM_DIR);
  try {
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    dirs.push(path.join(path.dirname(pkg), 'wasm-out'));
  } catch {
    // not resolvable (bundled): only MEDAD_WASM_DIR can help
  }
  for (const dir of dirs) {
    const main = path.join(dir, GLUE);
    const worker = path.join(dir, WORKER_GLUE);
    if (existsSync(main) && existsSync(worker)) return { main, worker };
  }
  throw new Error(`cannot find ${GLUE} and ${WORKER_GLUE} (looked in ${dirs.join(', ') || 'nowhere'})`);
}

type CpusFn = typeof os.cpus;
/** The CommonJS `os` object: the one Emscripten's glue gets from require("os"), and unlike the ESM namespace, writable. */
const osCjs = createRequire(import.meta.url)('node:os') as { cpus: CpusFn };

/**
 * Runs `start` (which initialises the threaded wasm backend) with the Node shims above installed, and removes them
 * afterwards, also when `start` has not settled after `timeoutMs` (then it rejects). The temp scripts are deleted too:
 * every worker has loaded them before the module finishes starting.
 */
export async function withThreadedWasmShims<T>(threads: number, start: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const glue = threadedGlueFiles();
  const req = createRequire(import.meta.url);
  const { wasmWorkerContents } = req(glue.worker) as { wasmWorkerContents: string };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'medad-wasm-threads-'));
  const workerJs = path.join(dir, 'worker.cjs'); // .cjs: the worker script uses require()
  // Inside each worker, URL.createObjectURL(main-script Blob) must give a path that importScripts can read.
  const prefix = `globalThis.URL.createObjectURL = () => ${JSON.stringify(glue.main)};\nglobalThis.URL.revokeObjectURL = () => {};\n`;
  // As tfjs does before making its Blob: the template literal turned the script's "\\n" escapes into newlines.
  writeFileSync(workerJs, prefix + wasmWorkerContents.replace(/\n/g, '\\n'));
  const realCreate = URL.createObjectURL.bind(URL);
  const realRevoke = URL.revokeObjectURL.bind(URL);
  const realCpus = osCjs.cpus;
  // While the backend starts, the only application/javascript Blob made is tfjs's pthread worker script.
  URL.createObjectURL = (obj: Blob) => (obj.type === 'application/javascript' ? workerJs : realCreate(obj));
  URL.revokeObjectURL = (url: string) => (url === workerJs ? undefined : realRevoke(url));
  osCjs.cpus = () => {
    const real = realCpus();
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workers did not start within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([start(), timeout]);
  } finally {
    clearTimeout(timer);
    URL.createObjectURL = realCreate;
    URL.revokeObjectURL = realRevoke;
    osCjs.cpus = realCpus;
    rmSync(dir, { recursive: true, force: true });
  }
}

interface NodeWorkerLike {
  unref(): void;
  terminate(): unknown;
}
interface PThreadLike {
  runningWorkers: NodeWorkerLike[];
  unusedWorkers: NodeWorkerLike[];
}

/**
 * After the threaded backend is up: lets Node exit although the pool's workers run forever (unref), and stops the
 * pre-started workers the pool did not take (each holds a V8 isolate and a wasm instance). Returns how many pool
 * workers run.
 */
export function settleWasmWorkers(wasmModule: unknown): number {
  const pthread = (wasmModule as { PThread?: PThreadLike }).PThread;
  if (pthread === undefined) return 0;
  for (const w of pthread.runningWorkers) w.unref();
  for (const w of pthread.unusedWorkers) void w.terminate();
  pthread.unusedWorkers.length = 0;
  return pthread.runningWorkers.length;
}
