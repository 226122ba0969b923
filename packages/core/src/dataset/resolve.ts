// Resolves a dataset config into concrete item lists: training normals, validation normals, test images (with
// masks) and an optional unlabelled pool. Every random choice is seeded, so a config always gives the same sets.
//
// Where the unlabelled pool comes from (`unlabelled.from`):
//  - `train`: training normals left after the validation hold-out, plus the anomalous classes under train/ (or
//    manifest train rows with label 1), which are never trained on. Normals drawn into the pool are REMOVED from
//    the training set, so no image is both trained on and in the pool.
//  - another split name found in a manifest (e.g. `pool`): those rows, with their labels.
//  - otherwise a folder relative to the config: class subfolders give labels (normal class -> 0, others -> 1);
//    images without a class folder have unknown labels (`labelKnown: false`).
// The test split is never a pool source.
import path from 'node:path';
import { classFolderItems } from './sources.js';
import type { Candidate } from './sources.js';
import { collectSource } from './sources.js';
import { isDirectory, listImages } from './files.js';
import { shuffled, streamFor } from './random.js';
import { assignGroups, byGroup, drawGroups, groupOf } from './groups.js';
import type { DatasetConfig, FolderLikeSource } from './schema.js';
import type { DatasetItem, DatasetProblem, ResolvedDataset, Split } from './types.js';

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

function as(split: Split, items: Candidate[]): DatasetItem[] {
  return items.map((it) => ({ ...it, split })).sort(byPath);
}

export async function resolveDataset(config: DatasetConfig, configDir: string): Promise<ResolvedDataset> {
  const problems: DatasetProblem[] = [];
  const all: Candidate[] = [];
  for (let i = 0; i < config.sources.length; i++) {
    const got = await collectSource(config.sources[i], i, configDir, config.group && 'column' in config.group ? config.group.column : undefined);
    all.push(...got.items);
    problems.push(...got.problems);
  }
  warnDuplicatePaths(all, problems);
  const seed = config.seed ?? 0;
  const grouped = !!config.group;
  if (config.group && 'column' in config.group && !config.sources.some((s) => s.layout === 'manifest'))
    problems.push({ severity: 'error', code: 'group', path: ['group', 'column'], message: 'group.column needs a manifest source (a CSV column to read)' });
  if (config.group) await assignGroups(config.group, configDir, all, problems);

  let trainNormals = all.filter((c) => c.split === 'train' && c.label === 0).sort(byPath);
  const trainAnomalies = all.filter((c) => c.split === 'train' && c.label === 1).sort(byPath);
  const test = all.filter((c) => c.split === 'test');
  const validation = all.filter((c) => c.split === 'validation');

  const v = config.validation;
  if (v && 'fraction' in v) {
    const k =
      trainNormals.length < 2
        ? 0
        : Math.min(trainNormals.length - 1, Math.max(1, Math.round(v.fraction * trainNormals.length)));
    const rand = streamFor(seed, 'validation');
    // Grouped: whole groups, never all of them, until about k images are held out.
    const held = new Set(grouped ? holdOutGroups(trainNormals, k, rand) : shuffled(trainNormals, rand).slice(0, k));
    validation.push(...trainNormals.filter((c) => held.has(c)));
    trainNormals = trainNormals.filter((c) => !held.has(c));
  } else if (v && 'folder' in v) {
    const dir = path.resolve(configDir, v.folder);
    if (await isDirectory(dir)) {
      const files = await listImages(dir, ['image', 'dicom', 'nifti']);
      validation.push(
        ...files.map((f): Candidate => ({
          path: f,
          label: 0,
          className: 'normal',
          split: 'validation',
          source: -1,
        })),
      );
      if (files.length === 0)
        problems.push({
          severity: 'warning',
          code: 'empty',
          path: ['validation', 'folder'],
          message: `No images in validation folder ${dir}`,
        });
    } else
      problems.push({
        severity: 'error',
        code: 'path-missing',
        path: ['validation', 'folder'],
        message: `Validation folder not found: ${dir}`,
      });
  }

  let unlabelled: Candidate[] = [];
  if (config.unlabelled) {
    // A group held out for validation keeps its training anomalies out of the pool too.
    const validationGroups = new Set(grouped ? validation.map(groupOf) : []);
    const anomalies = trainAnomalies.filter((c) => !validationGroups.has(groupOf(c)));
    const pool = await poolCandidates(config, configDir, all, trainNormals, anomalies, problems);
    if (pool) {
      unlabelled = drawPool(pool, config.unlabelled, seed, problems, grouped);
      const drawn = new Set(unlabelled);
      const moved = trainNormals.filter((c) => drawn.has(c)).length;
      if (moved > 0) {
        trainNormals = trainNormals.filter((c) => !drawn.has(c));
        problems.push({
          severity: 'info',
          code: 'pool-from-train',
          path: ['unlabelled', 'from'],
          message: `${moved} training normal(s) moved into the unlabelled pool (no longer trained on)`,
        });
      }
    }
  }
  if (trainAnomalies.length > 0 && config.unlabelled?.from !== 'train')
    problems.push({
      severity: 'info',
      code: 'train-anomalies',
      path: ['sources'],
      message: `${trainAnomalies.length} anomalous image(s) in the training split are not used (they can feed 'unlabelled.from: train')`,
    });
  if (trainNormals.length === 0 && !problems.some((p) => p.severity === 'error'))
    problems.push({
      severity: 'error',
      code: 'empty',
      path: ['sources'],
      message: 'No training normals left',
    });

  return {
    train: as('train', trainNormals),
    validation: as('validation', validation),
    test: as('test', test),
    unlabelled: as('unlabelled', unlabelled),
    problems,
  };
}

function warnDuplicatePaths(all: Candidate[], problems: DatasetProblem[]): void {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const c of all) (seen.has(c.path) ? dups : seen).add(c.path);
  if (dups.size)
    problems.push({
      severity: 'warning',
      code: 'duplicate-path',
      path: ['sources'],
      message: `${dups.size} file(s) are listed more than once, e.g. ${[...dups][0]}`,
    });
}

async function poolCandidates(
  config: DatasetConfig,
  configDir: string,
  all: Candidate[],
  trainNormals: Candidate[],
  trainAnomalies: Candidate[],
  problems: DatasetProblem[],
): Promise<Candidate[] | undefined> {
  const from = config.unlabelled!.from;
  const err = (message: string, key = 'from') => (
    problems.push({ severity: 'error', code: 'pool', path: ['unlabelled', key], message }),
    undefined
  );
  if (from === 'test')
    return err(
      'The unlabelled pool must not come from the test split (it would leak test images into training)',
    );
  if (from === 'train') {
    if (config.unlabelled!.size === undefined)
      return err(
        "'size' is required when the pool is drawn from the training split (otherwise no normals would remain for training)",
        'from',
      );
    return [...trainNormals, ...trainAnomalies];
  }
  if (from === 'validation') return err('The unlabelled pool must not come from the validation split');
  const named = all.filter((c) => c.split === from);
  if (named.length > 0) return named;
  const dir = path.resolve(configDir, from);
  if (!(await isDirectory(dir))) {
    const splits = [...new Set(all.map((c) => c.split))].filter((s) => !['test', 'validation'].includes(s));
    return err(
      `'${from}' is neither a split (${splits.join(', ') || 'none'}) nor a folder (${dir} not found)`,
    );
  }
  const folderLike = config.sources.find(
    (s): s is FolderLikeSource => s.layout !== 'manifest' && !!s.normalClass,
  );
  const normalClass = folderLike?.normalClass ?? 'normal';
  const base = { source: -1 };
  const { items } = await classFolderItems(dir, 'pool', normalClass, ['image', 'dicom', 'nifti'], [], base);
  const loose = (await listImages(dir, ['image', 'dicom', 'nifti'], false)).map((f): Candidate => ({
    ...base,
    path: f,
    label: 0,
    className: 'unknown',
    split: 'pool',
    labelKnown: false,
  }));
  return [...items, ...loose];
}

/** Draws the pool; with anomalyRate, normals and anomalies are drawn separately so the rate is exact. */
function drawPool(
  pool: Candidate[],
  cfg: NonNullable<DatasetConfig['unlabelled']>,
  seed: number,
  problems: DatasetProblem[],
  grouped = false,
): Candidate[] {
  const rand = streamFor(cfg.seed ?? seed, 'unlabelled');
  const sorted = pool.slice().sort(byPath);
  const warn = (message: string, key = 'size') =>
    problems.push({ severity: 'warning', code: 'pool', path: ['unlabelled', key], message });
  // Whole groups only: the pool may come out smaller than asked when no remaining group fits exactly.
  const byGroups = (quota: number | [number, number]): Candidate[] => {
    const drawn = shuffled(drawGroups(sorted, quota, rand), rand);
    const want = typeof quota === 'number' ? quota : quota[0] + quota[1];
    if (drawn.length < want && want <= sorted.length)
      warn(`Unlabelled pool has ${drawn.length} image(s), not ${want}: whole groups (config key 'group') did not fit exactly`);
    return drawn;
  };
  if (cfg.anomalyRate === undefined) {
    const size = cfg.size ?? sorted.length;
    if (size > sorted.length)
      warn(`Only ${sorted.length} image(s) available for the unlabelled pool (size ${size} asked)`);
    if (grouped) return byGroups(Math.min(size, sorted.length));
    return shuffled(sorted, rand).slice(0, size);
  }
  if (sorted.some((c) => c.labelKnown === false)) {
    problems.push({
      severity: 'error',
      code: 'pool',
      path: ['unlabelled', 'anomalyRate'],
      message: 'anomalyRate needs labelled pool images, but some have no class folder',
    });
    return [];
  }
  const r = cfg.anomalyRate;
  const normals = sorted.filter((c) => c.label === 0);
  const anomalies = sorted.filter((c) => c.label === 1);
  // Largest pool with this exact rate that the candidates allow.
  const maxSize = Math.floor(
    Math.min(r < 1 ? normals.length / (1 - r) : Infinity, r > 0 ? anomalies.length / r : Infinity) + 1e-9,
  );
  let size = cfg.size ?? maxSize;
  if (size > maxSize) {
    warn(
      `Only ${normals.length} normal(s) and ${anomalies.length} anomal(ies) available: pool reduced from ${size} to ${maxSize} to keep anomalyRate ${r}`,
    );
    size = maxSize;
  }
  const nA = Math.round(size * r);
  if (grouped) return byGroups([size - nA, nA]);
  const drawn = [...shuffled(normals, rand).slice(0, size - nA), ...shuffled(anomalies, rand).slice(0, nA)];
  return shuffled(drawn, rand);
}

/** Whole groups of training normals, in seeded random order, until at least k images; always leaves one group. */
function holdOutGroups(items: Candidate[], k: number, rand: () => number): Candidate[] {
  const groups = shuffled(byGroup(items), rand);
  const held: Candidate[] = [];
  for (const g of groups.slice(0, -1)) {
    if (held.length >= k) break;
    held.push(...g);
  }
  return held;
}
