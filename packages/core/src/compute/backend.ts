// The compute backend ladder: tensorflow (native, optional) -> webgpu (Dawn) -> wasm -> cpu. The first rung that
// loads becomes the active tfjs backend; the report says which and why each higher rung was skipped.
import * as tf from '@tensorflow/tfjs';
import { registerBatchNormKernels } from './batch-norm.js';
import { registerMissingGradients } from './gradients.js';
import { LADDER, defaultLoaders, prepareWasm, type BackendName, type RungInfo, type RungLoaders } from './rungs.js';
import { resolveWasmThreads } from './wasm-threads.js';

export { LADDER, defaultLoaders, prepareWasm };
export type { BackendName, RungInfo, RungLoader, RungLoaders } from './rungs.js';

export interface BackendReport {
  backend: BackendName;
  /** Why each rung above the chosen one was not used. */
  reasons: Partial<Record<BackendName, string>>;
  adapter?: string;
  threads?: number;
  simd?: boolean;
  notes: string[];
  versions: Record<string, string>;
}

export interface InitBackendOptions {
  prefer?: BackendName | 'auto';
  /** wasm threads (1-8). Default: MEDAD_WASM_THREADS, else the CPU count capped at 4. */
  threads?: number;
  /** Test seam: replace rung loaders. */
  loaders?: Partial<RungLoaders>;
  /**
   * Defaults to process.env; MEDAD_BACKEND there beats `prefer` (the user's override of a configured choice), while
   * MEDAD_WASM_THREADS only fills in when `threads` is not given.
   */
  env?: Record<string, string | undefined>;
}

const NAMES = new Set<string>([...LADDER, 'auto']);
let cached: Promise<BackendReport> | undefined;

function parsePrefer(value: string, source: string): BackendName | 'auto' {
  const v = value.trim().toLowerCase();
  if (!NAMES.has(v)) throw new Error(`${source}="${value}" is not a backend; use one of ${[...NAMES].join(', ')}`);
  return v as BackendName | 'auto';
}

async function climb(opts: InitBackendOptions): Promise<BackendReport> {
  const env = opts.env ?? process.env;
  const fromEnv = env.MEDAD_BACKEND ? parsePrefer(env.MEDAD_BACKEND, 'MEDAD_BACKEND') : undefined;
  const prefer = fromEnv ?? (opts.prefer ? parsePrefer(opts.prefer, 'prefer') : 'auto');
  const threads = resolveWasmThreads(opts.threads, env);
  const loaders: RungLoaders = { ...defaultLoaders, ...opts.loaders };
  const start = prefer === 'auto' ? 0 : LADDER.indexOf(prefer);
  const reasons: Partial<Record<BackendName, string>> = {};
  const addedGradients = registerMissingGradients();
  registerBatchNormKernels(['cpu']);
  for (const name of LADDER.slice(0, start)) reasons[name] = `skipped: ${fromEnv ? 'MEDAD_BACKEND' : 'prefer'}=${prefer}`;
  for (const name of LADDER.slice(start)) {
    let info: RungInfo;
    try {
      info = await loaders[name]({ threads });
    } catch (e) {
      reasons[name] = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      continue;
    }
    return {
      backend: name,
      reasons,
      ...(info.adapter !== undefined && { adapter: info.adapter }),
      ...(info.threads !== undefined && { threads: info.threads }),
      ...(info.simd !== undefined && { simd: info.simd }),
      notes: [...(info.notes ?? []), ...(addedGradients.length ? [`registered zero gradients: ${addedGradients.join(', ')}`] : [])],
      versions: { tfjs: tf.version.tfjs, node: process.versions.node, ...info.versions },
    };
  }
  throw new Error(`no compute backend could be initialised: ${JSON.stringify(reasons)}`);
}

/**
 * Picks and activates the compute backend. Idempotent: later calls return the first call's report (whatever their
 * options), because switching backends mid-run would strand tensors on the old one.
 */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendReport> {
  if (!cached) {
    cached = climb(opts);
    cached.catch(() => (cached = undefined));
  }
  return cached;
}

/** Forgets the cached report so the next initBackend climbs again (tests, or a deliberate backend switch). */
export function resetBackendCache(): void {
  cached = undefined;
}

/** One line for humans, e.g. "wasm (simd, 1 thread) — tensorflow: ...; webgpu: ...". */
export function describeBackend(r: BackendReport): string {
  const bits: string[] = [];
  if (r.adapter) bits.push(r.adapter);
  if (r.simd !== undefined) bits.push(r.simd ? 'simd' : 'no simd');
  if (r.threads !== undefined) bits.push(`${r.threads} thread${r.threads === 1 ? '' : 's'}`);
  const head = bits.length ? `${r.backend} (${bits.join(', ')})` : r.backend;
  const skipped = Object.entries(r.reasons).map(([k, v]) => `${k}: ${v}`);
  return skipped.length ? `${head}; not used: ${skipped.join('; ')}` : head;
}
