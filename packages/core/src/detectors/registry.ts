// Detectors by their `detector:` name in experiment configs. Adding a method is a new file plus one
// registerDetector call (see builtins.ts); the registry validates hyperparameters with the method's zod schema.
import { z } from 'zod';
import type { Detector, InputSize } from './api.js';

export interface DetectorMeta<S extends z.ZodType = z.ZodType> {
  description: string;
  /** Hyperparameters; defaults are filled in, and the parsed object becomes the detector's config. */
  paramsSchema: S;
  /** Backend capabilities the method needs (e.g. WGAN-GP's gradient penalty needs second-order gradients). */
  requires?: { secondOrderGradients?: boolean };
  /** Extra data the pipeline must hand to fit(): the unlabelled pool and/or the validation normals. */
  uses?: { unlabelled?: boolean; validation?: boolean };
  /**
   * Maps the params saved in an older detector.json to today's meaning before they are parsed (loadDetector only):
   * a default that changed must not change what a saved model is.
   */
  upgradeSaved?: (params: Record<string, unknown>) => Record<string, unknown>;
  /**
   * When the method trains at a learning rate of its own instead of `training.lr` (parsed params in): that lr and
   * where it comes from, so a config that sets `training.lr` can be told it has no effect.
   */
  ownLr?: (params: Record<string, unknown>) => { lr: number; from: string; hint?: string } | undefined;
}

export type DetectorFactory<S extends z.ZodType> = (params: z.output<S>, inputSize: InputSize) => Detector;

interface Entry {
  factory: DetectorFactory<z.ZodType>;
  meta: DetectorMeta;
}

const entries = new Map<string, Entry>();

export function registerDetector<S extends z.ZodType>(name: string, factory: DetectorFactory<S>, meta: DetectorMeta<S>): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`registerDetector: bad name '${name}' (lower case, digits, '-')`);
  if (entries.has(name)) throw new Error(`registerDetector: '${name}' is already registered`);
  entries.set(name, { factory: factory as DetectorFactory<z.ZodType>, meta });
}

export interface DetectorInfo {
  name: string;
  description: string;
  requires: { secondOrderGradients?: boolean };
  /** JSON Schema of the hyperparameters (for editors and config validation messages). */
  paramsJsonSchema: unknown;
}

export function listDetectors(): DetectorInfo[] {
  return [...entries.entries()].map(([name, { meta }]) => ({
    name,
    description: meta.description,
    requires: meta.requires ?? {},
    paramsJsonSchema: z.toJSONSchema(meta.paramsSchema, { io: 'input', unrepresentable: 'any' }),
  }));
}

export function detectorMeta(name: string): DetectorMeta | undefined {
  return entries.get(name)?.meta;
}

/** Validated hyperparameters for `name`, defaults filled in; throws naming each bad field. */
export function parseDetectorParams(name: string, params: unknown): Record<string, unknown> {
  const entry = entries.get(name);
  if (!entry) {
    throw new Error(`unknown detector '${name}' (known: ${[...entries.keys()].join(', ') || 'none'})`);
  }
  const r = entry.meta.paramsSchema.safeParse(params ?? {});
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
    throw new Error(`detector '${name}': invalid parameters: ${why}`);
  }
  return r.data as Record<string, unknown>;
}

export function createDetector(name: string, params: unknown = {}, inputSize: InputSize | number = 64): Detector {
  const parsed = parseDetectorParams(name, params);
  const size = typeof inputSize === 'number' ? { height: inputSize, width: inputSize } : inputSize;
  if (!(Number.isInteger(size.height) && Number.isInteger(size.width) && size.height > 0 && size.width > 0)) {
    throw new Error(`detector '${name}': bad input size ${JSON.stringify(inputSize)}`);
  }
  return entries.get(name)!.factory(parsed, { height: size.height, width: size.width });
}
