// Training checkpoints: one folder `<dir>/checkpoint` holding checkpoint.json (positions, seed, tensor specs) and
// weights.bin (network + Adam state), swapped in atomically so a crash mid-write keeps the previous checkpoint.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveDir, writeDirAtomic } from '../model/index.js';

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

export async function saveCheckpoint(dir: string, state: CheckpointState, tensors: { name: string; tensor: tf.Tensor }[]): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const bytes = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
  const file: CheckpointFile = { format: FORMAT, ...state, specs };
  await fs.mkdir(dir, { recursive: true });
  await writeDirAtomic(path.join(dir, CHECKPOINT_DIR), { [STATE_JSON]: JSON.stringify(file, null, 1), [WEIGHTS_BIN]: bytes });
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
