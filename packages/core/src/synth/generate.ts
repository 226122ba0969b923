// One entry point over all generators, so callers (the CLI, a training loop) can pick a method by name.
import type { GrayImage } from '../io/types.js';
import { cutPaste, cutPaste3Way, cutPasteScar, type CutPasteOptions } from './cutpaste.js';
import { fpi, type FpiOptions } from './fpi.js';
import { nsa, type NsaOptions } from './nsa.js';
import { pii, type PiiOptions } from './pii.js';
import type { RngLike } from './rng.js';
import type { SynthResult } from './types.js';

export const SYNTH_METHODS = ['fpi', 'pii', 'cutpaste', 'scar', 'cutpaste3way', 'nsa'] as const;
export type SynthMethod = (typeof SYNTH_METHODS)[number];

export interface SynthOptions {
  fpi?: FpiOptions;
  pii?: PiiOptions;
  cutpaste?: CutPasteOptions;
  nsa?: NsaOptions;
}

/** Methods that blend in a second ("foreign") normal image; CutPaste uses the image itself. */
export function needsForeign(method: SynthMethod): boolean {
  return method === 'fpi' || method === 'pii' || method === 'nsa';
}

export function synthesize(method: SynthMethod, image: GrayImage, foreign: GrayImage, rng: RngLike, options: SynthOptions = {}): SynthResult & { cls?: number } {
  switch (method) {
    case 'fpi':
      return fpi(image, foreign, rng, options.fpi);
    case 'pii':
      return pii(image, foreign, rng, options.pii);
    case 'cutpaste':
      return cutPaste(image, rng, options.cutpaste);
    case 'scar':
      return cutPasteScar(image, rng, options.cutpaste);
    case 'cutpaste3way':
      return cutPaste3Way(image, rng, options.cutpaste);
    case 'nsa':
      return nsa(image, foreign, rng, options.nsa);
    default:
      throw new Error(`unknown synthetic anomaly method '${String(method)}'; expected one of ${SYNTH_METHODS.join(', ')}`);
  }
}
