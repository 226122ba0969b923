// tf.io.IOHandler that stores a model as `model.json` + `weights.bin` in a folder, replaced atomically on save so an
// interrupted save never leaves a half-written model (tfjs-node's file:// handler is absent without tfjs-node).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveDir, writeDirAtomic, type AtomicWriteOptions } from './atomic.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buf = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return new Uint8Array(buf);
}

/** Save/load handler for `model.save(fileIOHandler(dir))` and `tf.loadLayersModel(fileIOHandler(dir))`. */
export function fileIOHandler(dir: string, opts: AtomicWriteOptions = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(`fileIOHandler(${dir}): binary model topology is not supported`);
      }
      const weights = weightBytes(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeDirAtomic(dir, { [MODEL_JSON]: JSON.stringify(modelJson), [WEIGHTS_BIN]: weights }, opts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(modelJson) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const src = await resolveDir(dir);
      const jsonPath = path.join(src, MODEL_JSON);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await fs.readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new Error(`${jsonPath}: cannot read model: ${(err as Error).message}`, { cause: err });
      }
      if (modelJson.modelTopology === undefined || !Array.isArray(modelJson.weightsManifest)) {
        throw new Error(`${jsonPath}: not a tfjs model.json (missing modelTopology or weightsManifest)`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers: Uint8Array[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const file = path.join(src, p);
            try {
              buffers.push(await fs.readFile(file));
            } catch (err) {
              throw new Error(`${file}: cannot read weights: ${(err as Error).message}`, { cause: err });
            }
          }
        }
        const total = buffers.reduce((n, b) => n + b.byteLength, 0);
        const out = new Uint8Array(total);
        let off = 0;
        for (const b of buffers) {
          out.set(b, off);
          off += b.byteLength;
        }
        return [specs, out.buffer];
      });
    },
  };
}
