// The experiment config (`*.medad.yaml` with `medad: experiment`): which dataset, which detector with which
// hyperparameters, how images are prepared, how training runs and how results are evaluated. Strict objects make a
// misspelt key an error (a silently ignored `epoch: 50` wastes a day of training); every key carries a description
// that the editor shows on hover through the JSON Schema.
import { z } from 'zod';
import { datasetConfigSchema } from '../dataset/schema.js';

/** Metric names an experiment may ask for; image-level first, then pixel-level (needs masks). */
export const IMAGE_METRICS = ['auroc', 'ap', 'f1', 'precision', 'recall', 'specificity', 'accuracy', 'balancedAccuracy'] as const;
export const PIXEL_METRICS = ['dice', 'pixelAuroc', 'pixelAp', 'aupro'] as const;
export type MetricName = (typeof IMAGE_METRICS)[number] | (typeof PIXEL_METRICS)[number];

const inlineDataset = datasetConfigSchema
  .extend({ medad: z.literal('dataset').optional().describe('Optional here: an inline dataset is known to be one.') })
  .describe('An inline dataset config (same keys as a `medad: dataset` file).');

const thresholdSchema = z
  .discriminatedUnion('policy', [
    z.strictObject({ policy: z.literal('max-f1').describe('The threshold that maximises F1 on the validation split (needs anomalous validation images).') }),
    z.strictObject({ policy: z.literal('youden').describe("The threshold that maximises Youden's J = TPR - FPR on the validation split (needs anomalous validation images).") }),
    z.strictObject({
      policy: z.literal('target-fpr').describe('The lowest threshold whose false-positive rate on validation normals is at most `value`.'),
      value: z.number().gt(0).lt(1).default(0.05).describe('Target false-positive rate (0..1). Default 0.05.'),
    }),
    z.strictObject({
      policy: z.literal('normal-quantile').describe('This quantile of the validation normals\' scores (needs no anomalous images).'),
      value: z.number().gt(0).lt(1).default(0.95).describe('Quantile of validation-normal scores (0..1). Default 0.95.'),
    }),
  ])
  .describe('How the operating threshold is chosen — always on the validation split, never on the test set.');

const inputSchema = z
  .strictObject({
    size: z.tuple([z.number().int().min(8).max(1024), z.number().int().min(8).max(1024)]).default([64, 64])
      .describe('Network input size `[height, width]` in pixels. Default `[64, 64]`.'),
    resize: z.enum(['area', 'bilinear', 'pil-bilinear']).default('area').describe('Resampling used to reach the input size: `area` (averaging, best for downsizing), `bilinear` (2 taps, not antialiased) or `pil-bilinear` (PIL\'s antialiased bilinear, as torchvision/PyTorch reference code resizes). Default `area`.'),
    normalise: z.enum(['minus1to1', 'zscore']).default('minus1to1').describe('Pixel scaling: `minus1to1` maps [0, 1] to [-1, 1]; `zscore` gives each image zero mean and unit variance. Default `minus1to1`.'),
  })
  .describe('How images are prepared before the detector sees them.');

const trainingSchema = z
  .strictObject({
    epochs: z.number().int().min(1).default(20).describe('Passes over the training normals. Default 20.'),
    batchSize: z.number().int().min(2).max(4096).default(16).describe('Images per optimisation step (at least 2: batch norm). Default 16.'),
    optimiser: z.literal('adam').default('adam').describe('Optimiser; only `adam` for now.'),
    lr: z.number().gt(0).max(1).default(1e-3).describe('Learning rate. Default 0.001.'),
    lrSchedule: z.enum(['constant', 'cosine']).optional()
      .describe('Learning-rate schedule: `constant`, or `cosine`: PyTorch\'s CosineAnnealingLR over the epochs, stepped once per epoch from `lr` (epoch 0) towards `lrMin`: lrMin + (lr - lrMin)(1 + cos(pi epoch / epochs)) / 2. Multi-stage detectors anneal each stage over its own epochs (not f-AnoGAN\'s WGAN stage). Default `constant`.'),
    lrMin: z.number().min(0).max(1).optional().describe('The learning rate `cosine` anneals towards (used only with `lrSchedule: cosine`). Default 1e-6.'),
    seed: z.number().int().default(0).describe('Seed for weight initialisation and batch order. Default 0.'),
    stepsPerEpoch: z.number().int().min(1).optional().describe('At most this many steps per epoch: each epoch trains on a fresh seeded subset of stepsPerEpoch x batchSize training images (for quick runs on large sets). Default: every image.'),
    checkpointEvery: z.number().int().min(1).default(200).describe('Save a resumable checkpoint every this many steps (and on cancel). Default 200.'),
  })
  .refine((t) => t.lrMin === undefined || t.lrSchedule === 'cosine', { path: ['lrMin'], message: '`lrMin` applies only with `lrSchedule: cosine`' })
  .describe('Training hyperparameters.');

const evaluationSchema = z
  .strictObject({
    metrics: z.array(z.enum([...IMAGE_METRICS, ...PIXEL_METRICS])).min(1).optional()
      .describe(`Metrics to report. Default: all. Image: ${IMAGE_METRICS.join(', ')}; pixel: ${PIXEL_METRICS.join(', ')}.`),
    threshold: thresholdSchema.prefault({ policy: 'normal-quantile' }),
    pixelMetrics: z.union([z.literal('auto'), z.boolean()]).default('auto')
      .describe('Pixel-level metrics (Dice, pixel AUROC/AP, AUPRO): `auto` = when the test set has masks. Default `auto`.'),
    bootstrap: z
      .strictObject({
        samples: z.number().int().min(0).max(100000).default(1000).describe('Bootstrap resamples for 95% confidence intervals; 0 turns CIs off. Default 1000.'),
        seed: z.number().int().default(0).describe('Seed of the bootstrap resampling. Default 0.'),
      })
      .prefault({})
      .describe('Bootstrap confidence intervals of the image-level metrics.'),
    maps: z.boolean().default(true).describe('Write each test image\'s anomaly map as a 16-bit PNG under `maps/`. Default true.'),
    batchSize: z.number().int().min(1).max(4096).default(32).describe('Images scored per batch. Default 32.'),
  })
  .describe('How the trained detector is evaluated on the test split.');

export const experimentConfigSchema = z
  .strictObject({
    medad: z.literal('experiment').describe('Marks this file as a medad experiment config.'),
    version: z.literal(1).default(1).describe('Config format version; must be 1.'),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, `.`, `_` and `-` only').optional()
      .describe('Experiment name, used in run folder names. Default: the config file name.'),
    dataset: z.union([z.string().min(1).describe('Path to a dataset config (relative to this file).'), inlineDataset])
      .describe('The dataset: a path to a `medad: dataset` config, or an inline dataset config.'),
    detector: z
      .strictObject({
        name: z.string().min(1).describe('A registered detector name, e.g. `ae`. `medad doctor` lists them.'),
        params: z.record(z.string(), z.unknown()).default({}).describe('Detector hyperparameters (checked by the detector).'),
      })
      .describe('The anomaly detector and its hyperparameters.'),
    input: inputSchema.prefault({}),
    training: trainingSchema.prefault({}),
    evaluation: evaluationSchema.prefault({}),
    output: z
      .strictObject({ dir: z.string().min(1).default('runs').describe('Folder (relative to this file) that receives run folders. Default `runs`.') })
      .prefault({})
      .describe('Where results go.'),
    sweep: z
      .strictObject({
        seeds: z.union([z.array(z.number().int()).min(1), z.string().regex(/^\s*-?\d+(\s*-\s*-?\d+)?(\s*,\s*-?\d+(\s*-\s*-?\d+)?)*\s*$/, 'a list like `0-4` or `0,1,5`')]).optional()
          .describe('Seeds every setting is run with (`training.seed`), as a list or a range like `0-4`. Default: the experiment\'s seed.'),
        set: z.record(z.string().regex(/^[A-Za-z]\w*(\.[\w-]+)+$/, 'a dotted config key like `training.lr`'), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1)).default({})
          .describe('Dotted config keys and the values to try, e.g. `training.lr: [0.001, 0.0005]`; every combination is a setting.'),
      })
      .optional()
      .describe('What `medad sweep` runs: every setting (combination of `set` values) with every seed; the sweep folder aggregates the metrics over seeds per setting.'),
    queue: z.string().regex(/^rediss?:\/\//, 'a Redis URL like `redis://host:6379`').optional()
      .describe('Redis URL of a BullMQ job queue (e.g. `redis://lab-server:6379`): train/eval/score/sweep jobs go to `medad worker` processes there. MEDAD_QUEUE or --queue override it; absent = run in this process.'),
  })
  .describe('A medad experiment: dataset, detector, input preparation, training and evaluation.');

export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;
export type ExperimentInput = z.input<typeof experimentConfigSchema>;
export type ThresholdConfig = ExperimentConfig['evaluation']['threshold'];

/** The experiment config as JSON Schema (draft 2020-12), with a description on every key. */
export function experimentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(experimentConfigSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}
