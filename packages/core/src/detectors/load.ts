// Rebuilds a saved detector from its folder: detector.json picks the method and hyperparameters, then the weights.
import type { Detector } from './api.js';
import './builtins.js';
import { readDetectorJson } from './persist.js';
import { createDetector, detectorMeta } from './registry.js';

export async function loadDetector(dir: string): Promise<Detector> {
  const json = await readDetectorJson(dir);
  let det: Detector;
  try {
    const upgrade = detectorMeta(json.detector)?.upgradeSaved;
    const params = upgrade && json.params && typeof json.params === 'object' ? upgrade(json.params as Record<string, unknown>) : json.params;
    det = createDetector(json.detector, params, json.inputSize);
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
