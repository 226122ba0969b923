// The fuzz targets and their budget, shared by the test (parent) and fuzz-child.ts.
import type { Tally } from './oracle.js';

export type Target = 'png' | 'jpeg' | 'dicom' | 'nifti' | 'dataset-yaml' | 'experiment-yaml';

export const TARGETS: Record<Target, { kind: 'image' | 'dataset' | 'experiment'; seedPattern: RegExp; weight: number }> = {
  png: { kind: 'image', seedPattern: /\.png$/, weight: 1 },
  jpeg: { kind: 'image', seedPattern: /\.jpe?g$/, weight: 1 },
  dicom: { kind: 'image', seedPattern: /\.dcm$/, weight: 1 },
  nifti: { kind: 'image', seedPattern: /\.nii(\.gz)?$/, weight: 1 },
  'dataset-yaml': { kind: 'dataset', seedPattern: /\.dataset\.medad\.yaml$/, weight: 1 },
  'experiment-yaml': { kind: 'experiment', seedPattern: /\.experiment\.medad\.yaml$/, weight: 1 },
};

export interface Budget {
  /** Inputs per target (MEDAD_FUZZ_RUNS). */
  runs: number;
  /** Or a time budget per target in seconds (MEDAD_FUZZ_SECONDS), which then wins over runs. */
  seconds?: number;
  /** fast-check seed (MEDAD_FUZZ_SEED; fixed by default so CI is repeatable, `random` for a fresh one). */
  seed: number;
  /** An input slower than this is a hang (MEDAD_FUZZ_INPUT_TIMEOUT_MS). */
  inputTimeoutMs: number;
}

/** Defaults sized for CI on a loaded 2-core machine: all six targets in about a minute. */
export const DEFAULT_RUNS = 120;

export function budget(env: Record<string, string | undefined>): Budget {
  const num = (k: string) => (env[k] !== undefined && env[k] !== '' ? Number(env[k]) : undefined);
  const seedEnv = env.MEDAD_FUZZ_SEED;
  return {
    runs: num('MEDAD_FUZZ_RUNS') ?? DEFAULT_RUNS,
    seconds: num('MEDAD_FUZZ_SECONDS'),
    seed: seedEnv === 'random' ? Math.floor(Math.random() * 2 ** 31) : seedEnv ? Number(seedEnv) : 14,
    inputTimeoutMs: num('MEDAD_FUZZ_INPUT_TIMEOUT_MS') ?? 20_000,
  };
}

export interface ChildResult {
  target: Target;
  /** Inputs started (fast-check's runs plus shrinking attempts). */
  inputs: number;
  runs: number;
  seed: number;
  ms: number;
  tally: Tally;
  failure?: { message: string; counterexample: string; file?: string; path?: string };
}
