// Rebuilds a saved detector from its folder: detector.json picks the method and hyperparameters, then the weights.
import type { Detector } from './api.js';
import './builtins.js';
import { readDetectorJson } from './persist.js';
import { createDetector } from './registry.js';

export async function loadDetector(dir: string): Promise<Detector> {
  const json = await readDetectorJson(dir);
  let det: Detector;
  try {
    det = createDetector(json.detector, json.params, json.inputSize);
  } catch (err) {
    throw new Error(`${dir}/detector.json: ${(err as Error).message}`, { cause: err });
  }
  try {
    await det.load(dir);
  } catch (err) {
    det.dispose();
    throw err;
  }
  return det;
}
