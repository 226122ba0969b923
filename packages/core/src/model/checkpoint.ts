// Training checkpoints: weights of several named models, optimizer state (Adam moments, iteration count), training
// step and the caller's RNG state, in one folder replaced atomically so an interrupted save keeps the previous one.
// Weights are matched by position, not by variable name: tfjs names variables with a per-process counter, so a
// model rebuilt after a restart has different names but the same weight order.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveDir, writeDirAtomic, type AtomicWriteOptions } from './atomic.js';

export const CHECKPOINT_FORMAT = 'medad-checkpoint/1';
const JSON_FILE = 'checkpoint.json';
const BIN_FILE = 'tensors.bin';

/** Anything whose full state is a list of tensors: tf.LayersModel fits (includes batch-norm moving statistics). */
export interface WeightHolder {
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
}

export interface TrainingCheckpointState<R = unknown> {
  step: number;
  /** The caller's RNG state (any JSON), restored verbatim. */
  rng?: R;
  /** Any other JSON the trainer needs on resume (epoch, best score, ...). */
  extra?: unknown;
}

export interface CheckpointTargets {
  models: Record<string, WeightHolder>;
  optimizers?: Record<string, tf.Optimizer>;
}

interface TensorEntry {
  key: string;
  /** Original variable name, for humans reading checkpoint.json. */
  name: string;
  shape: number[];
}
interface CheckpointJson extends TrainingCheckpointState {
  format: string;
  models: Record<string, TensorEntry[]>;
  optimizers: Record<string, { className: string; weights: TensorEntry[] }>;
  weightSpecs: tf.io.WeightsManifestEntry[];
}

/** Saves models, optimizers and state into folder `dir` (created or replaced atomically). */
export async function saveTrainingCheckpoint<R>(
  dir: string,
  targets: CheckpointTargets,
  state: TrainingCheckpointState<R>,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const named: { name: string; tensor: tf.Tensor }[] = [];
  const json: CheckpointJson = { format: CHECKPOINT_FORMAT, ...state, models: {}, optimizers: {}, weightSpecs: [] };
  for (const [modelName, model] of Object.entries(targets.models)) {
    const weights = model.getWeights();
    json.models[modelName] = weights.map((t, i) => {
      const key = `model/${modelName}/${i}`;
      named.push({ name: key, tensor: t });
      return { key, name: (t as tf.Variable).name ?? key, shape: t.shape };
    });
  }
  const optimizerTensors: tf.Tensor[] = [];
  for (const [optName, opt] of Object.entries(targets.optimizers ?? {})) {
    const weights = await opt.getWeights();
    json.optimizers[optName] = {
      className: opt.getClassName(),
      weights: weights.map((w, i) => {
        const key = `optimizer/${optName}/${i}`;
        named.push({ name: key, tensor: w.tensor });
        return { key, name: w.name, shape: w.tensor.shape };
      }),
    };
    optimizerTensors.push(weights[0].tensor); // the iteration scalar is created fresh by getWeights
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  tf.dispose(optimizerTensors);
  json.weightSpecs = specs;
  await writeDirAtomic(dir, { [JSON_FILE]: JSON.stringify(json, null, 1), [BIN_FILE]: new Uint8Array(data) }, opts);
}

function mismatch(file: string, what: string): Error {
  return new Error(`${file}: checkpoint does not fit: ${what}`);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Loads a checkpoint into already-built models and optimizers (same architecture as when saved) and returns the
 * saved step / rng / extra. Every model and optimizer named in `targets` must be in the checkpoint.
 */
export async function loadTrainingCheckpoint<R = unknown>(dir: string, targets: CheckpointTargets): Promise<TrainingCheckpointState<R>> {
  const src = await resolveDir(dir);
  const jsonPath = path.join(src, JSON_FILE);
  let json: CheckpointJson;
  try {
    json = JSON.parse(await fs.readFile(jsonPath, 'utf8')) as CheckpointJson;
  } catch (err) {
    throw new Error(`${jsonPath}: cannot read checkpoint: ${(err as Error).message}`, { cause: err });
  }
  if (json.format !== CHECKPOINT_FORMAT) throw new Error(`${jsonPath}: unknown format ${String(json.format)} (want ${CHECKPOINT_FORMAT})`);
  const binPath = path.join(src, BIN_FILE);
  const bin = await fs.readFile(binPath);
  const expected = json.weightSpecs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bin.byteLength !== expected) throw mismatch(binPath, `${bin.byteLength} bytes, expected ${expected}`);
  const tensors = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), json.weightSpecs);
  try {
    for (const [name, model] of Object.entries(targets.models)) {
      const entries = json.models[name];
      if (!entries) throw mismatch(jsonPath, `no model named "${name}" (has ${Object.keys(json.models).join(', ') || 'none'})`);
      const current = model.getWeights();
      if (current.length !== entries.length) throw mismatch(jsonPath, `model "${name}" has ${current.length} weights, checkpoint ${entries.length}`);
      entries.forEach((e, i) => {
        if (!sameShape(current[i].shape, e.shape)) {
          throw mismatch(jsonPath, `model "${name}" weight ${i} (${e.name}) is [${e.shape}] in the checkpoint, [${current[i].shape}] in the model`);
        }
      });
      model.setWeights(entries.map((e) => tensors[e.key]));
    }
    for (const [name, opt] of Object.entries(targets.optimizers ?? {})) {
      const saved = json.optimizers[name];
      if (!saved) throw mismatch(jsonPath, `no optimizer named "${name}"`);
      if (saved.className !== opt.getClassName()) throw mismatch(jsonPath, `optimizer "${name}" is ${saved.className}, target is ${opt.getClassName()}`);
      // setWeights replaces the moment variables without freeing the old ones; free them first.
      const old = await opt.getWeights();
      tf.dispose(old.map((w) => w.tensor));
      await opt.setWeights(saved.weights.map((e) => ({ name: e.name, tensor: tensors[e.key] })));
    }
  } finally {
    // Models copy into their variables and optimizers wrap the tensors in new variables (sharing data), so the
    // decoded tensors can go.
    tf.dispose(Object.values(tensors));
  }
  return { step: json.step, ...(json.rng !== undefined && { rng: json.rng as R }), ...(json.extra !== undefined && { extra: json.extra }) };
}
