// A saved detector is one folder, swapped in atomically as a whole: detector.json (which method, its
// hyperparameters, input size, steps trained) beside the tfjs model.json + weights.bin that fileIOHandler reads.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MODEL_JSON, WEIGHTS_BIN, fileIOHandler, resolveDir, writeDirAtomic } from '../model/index.js';
import type { Detector, InputSize } from './api.js';
import type { ParamStore } from './layers.js';

export const DETECTOR_JSON = 'detector.json';
const FORMAT = 'medad-detector/1';

export interface DetectorJson {
  format: string;
  detector: string;
  params: Record<string, unknown>;
  inputSize: InputSize;
  step: number;
}

/** detector.json's fields for `det` as it stands (method, a copy of its hyperparameters, input size, steps). */
export function detectorJsonOf(det: Detector): Omit<DetectorJson, 'format'> {
  return { detector: det.name, params: { ...det.config }, inputSize: { ...det.inputSize }, step: det.trainedSteps };
}

export async function saveDetectorDir(
  dir: string,
  /** detector.json's fields, and any a method adds of its own (notes, ...). */
  meta: Omit<DetectorJson, 'format'> & Record<string, unknown>,
  weights: { name: string; tensor: tf.Tensor }[],
): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(weights);
  const bytes = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
  const modelJson: tf.io.ModelJSON = {
    // Not a Keras topology: the network is rebuilt from detector.json by the registry.
    modelTopology: { medad: FORMAT, detector: meta.detector },
    format: FORMAT,
    generatedBy: '@medad/core',
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }],
  };
  const json: DetectorJson = { format: FORMAT, ...meta };
  await writeDirAtomic(dir, {
    [DETECTOR_JSON]: JSON.stringify(json, null, 2) + '\n',
    [MODEL_JSON]: JSON.stringify(modelJson),
    [WEIGHTS_BIN]: bytes,
  });
}

export async function readDetectorJson(dir: string): Promise<DetectorJson> {
  const file = path.join(await resolveDir(dir), DETECTOR_JSON);
  let json: DetectorJson;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8')) as DetectorJson;
  } catch (err) {
    throw new Error(`${file}: cannot read detector: ${(err as Error).message}`, { cause: err });
  }
  const ok =
    json?.format === FORMAT &&
    typeof json.detector === 'string' &&
    typeof json.params === 'object' &&
    Number.isInteger(json.inputSize?.height) &&
    Number.isInteger(json.inputSize?.width) &&
    Number.isInteger(json.step);
  if (!ok) throw new Error(`${file}: not a ${FORMAT} file (needs detector, params, inputSize {height, width}, step)`);
  return json;
}

/** Decodes the folder's weights.bin (through fileIOHandler), hands the tensors to `assign` with the file name for
 * its errors, then frees them. */
export async function loadSavedWeights(dir: string, assign: (tensors: tf.NamedTensorMap, source: string) => void): Promise<void> {
  const artifacts = await fileIOHandler(dir).load!();
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new Error(`${path.join(dir, MODEL_JSON)}: no weights`);
  const tensors = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    assign(tensors, path.join(dir, WEIGHTS_BIN));
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Loads weights.bin into `params`; every parameter must be there with its shape. */
export async function loadWeightsInto(dir: string, params: ParamStore): Promise<void> {
  await loadSavedWeights(dir, (tensors, source) => params.assign(tensors, source));
}

/** readDetectorJson, refusing a folder that holds another method than `name`. */
export async function readOwnDetectorJson(dir: string, name: string): Promise<DetectorJson> {
  const json = await readDetectorJson(dir);
  if (json.detector !== name) throw new Error(`${dir}: holds a '${json.detector}' detector, not '${name}'`);
  return json;
}
