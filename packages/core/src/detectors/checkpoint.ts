// Training checkpoints: one folder `<dir>/checkpoint` holding checkpoint.json (positions, seed, tensor specs) and
// weights.bin (network + Adam state), swapped in atomically so a crash mid-write keeps the previous checkpoint.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveDir, writeDirAtomic, type AtomicWriteOptions } from '../model/index.js';

export const CHECKPOINT_DIR = 'checkpoint';
const STATE_JSON = 'checkpoint.json';
const WEIGHTS_BIN = 'weights.bin';
const FORMAT = 'medad-checkpoint/1';

export interface CheckpointState {
  detector: string;
  config: Readonly<Record<string, unknown>>;
  seed: number;
  batchSize: number;
  lr: number;
  /** The lr schedule; absent for a constant lr (checkpoints written before schedules existed). */
  lrSchedule?: { kind: 'cosine'; lrMin: number };
  /** Steps taken; the epoch and the position inside it follow from stepsPerEpoch. */
  step: number;
  epoch: number;
  stepInEpoch: number;
  /** Randomness is a pure function of (seed, epoch, step): these counters are the whole generator state. */
  rng: { seed: number; step: number; epoch: number };
  losses: { step: number; loss: number }[];
}

interface CheckpointFile extends CheckpointState {
  format: string;
  specs: tf.io.WeightsManifestEntry[];
}

export async function saveCheckpoint(
  dir: string,
  state: CheckpointState,
  tensors: { name: string; tensor: tf.Tensor }[],
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const bytes = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
  const file: CheckpointFile = { format: FORMAT, ...state, specs };
  await fs.mkdir(dir, { recursive: true });
  await writeDirAtomic(path.join(dir, CHECKPOINT_DIR), { [STATE_JSON]: JSON.stringify(file, null, 1), [WEIGHTS_BIN]: bytes }, opts);
}

/** Reads the checkpoint in `dir`, or null when there is none. The caller owns (and disposes) the tensors. */
export async function loadCheckpoint(dir: string): Promise<{ state: CheckpointState; tensors: tf.NamedTensorMap } | null> {
  let src: string;
  try {
    src = await resolveDir(path.join(dir, CHECKPOINT_DIR));
  } catch {
    return null;
  }
  const statePath = path.join(src, STATE_JSON);
  let file: CheckpointFile;
  try {
    file = JSON.parse(await fs.readFile(statePath, 'utf8')) as CheckpointFile;
  } catch (err) {
    throw new Error(`${statePath}: cannot read checkpoint: ${(err as Error).message}`, { cause: err });
  }
  if (file.format !== FORMAT) throw new Error(`${statePath}: not a medad checkpoint (format ${String(file.format)})`);
  const weightsPath = path.join(src, WEIGHTS_BIN);
  const buf = await fs.readFile(weightsPath);
  const expected = file.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (buf.byteLength !== expected) {
    throw new Error(`${weightsPath}: ${buf.byteLength} bytes, the checkpoint lists ${expected}`);
  }
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const { specs: _specs, format: _format, ...state } = file;
  return { state, tensors: tf.io.decodeWeights(ab, file.specs) };
}

/** What identifies a training run: a checkpoint resumes only a run with the same values. */
export type RunIdentity = Pick<CheckpointState, 'detector' | 'config' | 'seed' | 'batchSize' | 'lr' | 'lrSchedule'>;

/** The state saved at `step` (of `stepsPerEpoch` per epoch). */
export function checkpointState(id: RunIdentity, step: number, stepsPerEpoch: number, losses: CheckpointState['losses']): CheckpointState {
  const epoch = Math.floor(step / stepsPerEpoch);
  const { detector, config, seed, batchSize, lr, lrSchedule } = id;
  return { detector, config, seed, batchSize, lr, ...(lrSchedule && { lrSchedule }), step, epoch, stepInEpoch: step - epoch * stepsPerEpoch, rng: { seed, step, epoch }, losses };
}

/** Throws, naming `file` and the first differing value, unless the checkpoint was written by a run like `id`. */
export function checkResumable(file: string, st: CheckpointState, id: RunIdentity): void {
  for (const key of ['detector', 'config', 'seed', 'batchSize', 'lr', 'lrSchedule'] as const) {
    if (JSON.stringify(st[key]) !== JSON.stringify(id[key])) {
      throw new Error(`${file}: cannot resume: checkpoint has ${key} ${JSON.stringify(st[key])}, this run ${JSON.stringify(id[key])}`);
    }
  }
}

/**
 * Saves run `id` at `step`: `weights`, plus each optimiser's state (getWeights: [iterations, moments...]) under
 * `<key>/<index>`.
 */
export async function saveRunCheckpoint(
  dir: string,
  id: RunIdentity,
  at: { step: number; stepsPerEpoch: number; losses: CheckpointState['losses'] },
  weights: { name: string; tensor: tf.Tensor }[],
  optimizers: Record<string, tf.Optimizer>,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const states = await Promise.all(Object.entries(optimizers).map(async ([key, opt]) => ({ key, ws: await opt.getWeights() })));
  try {
    const tensors = [...weights, ...states.flatMap(({ key, ws }) => ws.map((w, i) => ({ name: `${key}/${i}`, tensor: w.tensor })))];
    await saveCheckpoint(dir, checkpointState(id, at.step, at.stepsPerEpoch, at.losses), tensors, opts);
  } finally {
    // Only the iteration counters are fresh tensors; the moments are the optimisers' own variables.
    for (const { ws } of states) ws[0]?.tensor.dispose();
  }
}

/**
 * Resumes run `id` from the checkpoint in `dir`, or returns null when there is none: refuses another run's
 * checkpoint, hands the tensors to `assign` (with the file, for its errors), restores each optimiser saved under its
 * key, then frees the tensors.
 */
export async function resumeRunCheckpoint(
  dir: string,
  id: RunIdentity,
  assign: (tensors: tf.NamedTensorMap, file: string) => void,
  optimizers: Record<string, tf.Optimizer>,
): Promise<Pick<CheckpointState, 'step' | 'losses'> | null> {
  const ckpt = await loadCheckpoint(dir);
  if (!ckpt) return null;
  const file = `${dir}/${CHECKPOINT_DIR}/${STATE_JSON}`;
  try {
    checkResumable(file, ckpt.state, id);
    assign(ckpt.tensors, file);
    for (const [key, opt] of Object.entries(optimizers)) {
      const index = (k: string) => Number(k.slice(key.length + 1));
      const ws = Object.keys(ckpt.tensors)
        .filter((k) => k.startsWith(`${key}/`))
        .sort((a, b) => index(a) - index(b))
        .map((k) => ({ name: k, tensor: ckpt.tensors[k] }));
      if (ws.length > 0) await opt.setWeights(ws);
    }
  } finally {
    tf.dispose(Object.values(ckpt.tensors));
  }
  return { step: ckpt.state.step, losses: [...ckpt.state.losses] };
}
