// Several ParamStores saved as one weight set: each store's names get a prefix ('gen/', 'critic/', ...), so one
// detector folder or checkpoint holds every network and each is restored into its own store.
import type * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './layers.js';
import { loadSavedWeights } from './persist.js';

export type Stores = Record<string, ParamStore>;

export function namedAll(stores: Stores): { name: string; tensor: tf.Tensor }[] {
  return Object.entries(stores).flatMap(([prefix, ps]) => ps.named().map((p) => ({ name: `${prefix}/${p.name}`, tensor: p.tensor })));
}

/** Assigns each store the tensors under its prefix; `source` names the file in errors. */
export function assignAll(stores: Stores, tensors: tf.NamedTensorMap, source: string): void {
  for (const [prefix, ps] of Object.entries(stores)) {
    const mine: tf.NamedTensorMap = {};
    for (const [name, t] of Object.entries(tensors)) if (name.startsWith(`${prefix}/`)) mine[name.slice(prefix.length + 1)] = t;
    ps.assign(mine, `${source} (${prefix})`);
  }
}

/** Loads the weights a detector folder holds (model.json + weights.bin) into the stores. */
export async function loadStores(dir: string, stores: Stores): Promise<void> {
  await loadSavedWeights(dir, (tensors, source) => assignAll(stores, tensors, source));
}
