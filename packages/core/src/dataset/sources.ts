// Turns each configured source into labelled candidate items. Splits are still raw names here: `train`, `test`,
// `validation`, or a manifest's own pool names; resolve.ts decides what ends up where.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyPath } from '../config/positions.js';
import { isDirectory, isFile, listImages, parseCsv, stemOf, subfolders } from './files.js';
import type { ImageKind } from './files.js';
import type { FolderLikeSource, SourceConfig } from './schema.js';
import type { DecodeOptions } from '../io/types.js';
import type { DatasetItem, DatasetProblem } from './types.js';

export type Candidate = Omit<DatasetItem, 'split'> & { split: string };

export interface Collected {
  items: Candidate[];
  problems: DatasetProblem[];
}

const SHOWN = 5;
const few = (names: string[]) =>
  names.slice(0, SHOWN).join(', ') + (names.length > SHOWN ? `, ... (${names.length} in all)` : '');

function decodeOptionsOf(src: SourceConfig): DecodeOptions | undefined {
  if (src.layout === 'dicom' || src.layout === 'manifest') return src.window ? { dicom: { window: src.window } } : undefined;
  if (src.layout === 'nifti' && (src.slices || src.clip))
    return { nifti: { ...src.slices, ...(src.clip ? { clipPercentiles: src.clip } : {}) } };
  return undefined;
}

/** Class folders under `dir` -> candidates; the normal class is label 0, every other class label 1. */
export async function classFolderItems(
  dir: string,
  split: string,
  normalClass: string,
  kinds: ImageKind[],
  exclude: string[],
  base: Pick<Candidate, 'source' | 'decode'>,
): Promise<{ items: Candidate[]; classes: string[] }> {
  const classes = (await subfolders(dir)).filter((c) => !exclude.includes(c));
  const items: Candidate[] = [];
  for (const className of classes) {
    for (const file of await listImages(path.join(dir, className), kinds)) {
      items.push({ ...base, path: file, label: className === normalClass ? 0 : 1, className, split });
    }
  }
  return { items, classes };
}

async function collectFolder(src: FolderLikeSource, index: number, configDir: string): Promise<Collected> {
  const at: KeyPath = ['sources', index];
  const problems: DatasetProblem[] = [];
  const root = path.resolve(configDir, src.root);
  if (!(await isDirectory(root))) {
    problems.push({
      severity: 'error',
      code: 'path-missing',
      path: [...at, 'root'],
      message: `Dataset folder not found: ${root}`,
    });
    return { items: [], problems };
  }
  const kinds: ImageKind[] = src.layout === 'folder' ? ['image'] : [src.layout];
  const normalClass = src.normalClass ?? 'normal';
  const decode = decodeOptionsOf(src);
  const base = { source: index, ...(decode ? { decode } : {}) };
  const trainDir = path.join(root, src.train ?? 'train');
  const testDir = path.join(root, src.test ?? 'test');
  const masksName = src.masks ?? 'masks';
  const items: Candidate[] = [];

  if (await isDirectory(trainDir)) {
    const train = await classFolderItems(trainDir, 'train', normalClass, kinds, [], base);
    if (!train.classes.includes(normalClass))
      problems.push({
        severity: 'error',
        code: 'path-missing',
        path: [...at, 'root'],
        message: `No training normals: ${path.join(trainDir, normalClass)} does not exist`,
      });
    items.push(...train.items);
  } else
    problems.push({
      severity: 'error',
      code: 'path-missing',
      path: [...at, 'root'],
      message: `Training folder not found: ${trainDir}`,
    });

  if (await isDirectory(testDir)) {
    const test = await classFolderItems(testDir, 'test', normalClass, kinds, [masksName], base);
    if (test.items.length === 0)
      problems.push({
        severity: 'warning',
        code: 'empty',
        path: [...at, 'root'],
        message: `No test images under ${testDir}`,
      });
    const masksDir = path.join(testDir, masksName);
    if (await isDirectory(masksDir))
      problems.push(
        ...matchMasks(test.items, await listImages(masksDir, ['image', 'nifti']), [...at, 'root'], masksDir),
      );
    items.push(...test.items);
  } else
    problems.push({
      severity: 'warning',
      code: 'path-missing',
      path: [...at, 'root'],
      message: `Test folder not found: ${testDir} (no test set)`,
    });
  return { items, problems };
}

/** Attaches masks to test images by file stem (`x.png` <- `x.png` or `x_mask.png`); reports masks matching nothing. */
function matchMasks(test: Candidate[], masks: string[], at: KeyPath, masksDir: string): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const byStem = new Map<string, Candidate[]>();
  for (const item of test) byStem.set(stemOf(item.path), [...(byStem.get(stemOf(item.path)) ?? []), item]);
  const unmatched: string[] = [];
  const ambiguous: string[] = [];
  for (const mask of masks) {
    const stem = stemOf(mask);
    const owners = byStem.get(stem) ?? byStem.get(stem.replace(/[_-]mask$/i, ''));
    if (!owners) unmatched.push(path.basename(mask));
    else if (owners.length > 1) ambiguous.push(path.basename(mask));
    else owners[0].mask = mask;
  }
  if (unmatched.length)
    problems.push({
      severity: 'warning',
      code: 'mask-unmatched',
      path: at,
      message: `${unmatched.length} mask(s) in ${masksDir} match no test image: ${few(unmatched)}`,
    });
  if (ambiguous.length)
    problems.push({
      severity: 'warning',
      code: 'mask-ambiguous',
      path: at,
      message: `${ambiguous.length} mask(s) in ${masksDir} match several test images with the same stem: ${few(ambiguous)}`,
    });
  return problems;
}

const SPLIT_ALIASES: Record<string, string> = {
  train: 'train',
  test: 'test',
  validation: 'validation',
  val: 'validation',
  valid: 'validation',
};

async function collectManifest(
  src: Extract<SourceConfig, { layout: 'manifest' }>,
  index: number,
  configDir: string,
  groupColumn?: string,
): Promise<Collected> {
  const at: KeyPath = ['sources', index, 'file'];
  const problems: DatasetProblem[] = [];
  const file = path.resolve(configDir, src.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    problems.push({
      severity: 'error',
      code: 'path-missing',
      path: at,
      message: `Cannot read manifest ${file}: ${(e as Error).message}`,
    });
    return { items: [], problems };
  }
  const base = src.root ? path.resolve(configDir, src.root) : path.dirname(file);
  const [header, ...rows] = parseCsv(text);
  const cols = (header?.cells ?? []).map((c) => c.trim().toLowerCase());
  const col = (name: string) => cols.indexOf(name);
  const [iPath, iLabel, iClass, iSplit, iMask] = ['path', 'label', 'class', 'split', 'mask'].map(col);
  if (iPath < 0 || iSplit < 0 || (iLabel < 0 && iClass < 0)) {
    problems.push({
      severity: 'error',
      code: 'manifest',
      path: at,
      file,
      line: 1,
      message: `${file}:1: header must have columns path, split and label or class (found: ${cols.join(', ') || 'nothing'})`,
    });
    return { items: [], problems };
  }
  const iGroup = groupColumn ? col(groupColumn.trim().toLowerCase()) : -1;
  if (groupColumn && iGroup < 0)
    problems.push({
      severity: 'error',
      code: 'group',
      path: ['group', 'column'],
      file,
      line: 1,
      message: `${file}:1: no column '${groupColumn}' to group by (found: ${cols.join(', ')})`,
    });
  const decode = decodeOptionsOf(src);
  const items: Candidate[] = [];
  const missing: string[] = [];
  const rowProblem = (line: number, message: string) =>
    problems.push({
      severity: 'error',
      code: 'manifest',
      path: at,
      file,
      line,
      message: `${file}:${line}: ${message}`,
    });
  for (const { line, cells } of rows) {
    const get = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
    const rel = get(iPath);
    if (!rel) {
      rowProblem(line, 'empty path');
      continue;
    }
    const labelText = get(iLabel);
    const className = get(iClass) || (labelText === '0' ? 'normal' : 'anomaly');
    let label: 0 | 1;
    if (labelText === '0' || labelText === '1') label = labelText === '0' ? 0 : 1;
    else if (labelText === '' && iClass >= 0 && get(iClass)) label = className === 'normal' ? 0 : 1;
    else {
      rowProblem(line, `label must be 0 or 1, got '${labelText}'`);
      continue;
    }
    const rawSplit = get(iSplit).toLowerCase();
    if (!rawSplit) {
      rowProblem(line, 'empty split');
      continue;
    }
    const abs = path.resolve(base, rel);
    const maskRel = get(iMask);
    const group = get(iGroup);
    items.push({
      ...(decode ? { decode } : {}),
      ...(group ? { group } : {}),
      path: abs,
      label,
      className,
      split: SPLIT_ALIASES[rawSplit] ?? rawSplit,
      source: index,
      ...(maskRel ? { mask: path.resolve(base, maskRel) } : {}),
    });
  }
  // Existence checks in parallel batches: manifests can list thousands of files.
  const present: Candidate[] = [];
  for (let i = 0; i < items.length; i += 256) {
    const batch = items.slice(i, i + 256);
    const ok = await Promise.all(batch.map((it) => isFile(it.path)));
    const maskOk = await Promise.all(batch.map((it) => (it.mask ? isFile(it.mask) : Promise.resolve(true))));
    batch.forEach((it, j) => {
      if (!ok[j]) return void missing.push(it.path);
      if (!maskOk[j]) {
        problems.push({
          severity: 'warning',
          code: 'mask-missing',
          path: at,
          file,
          message: `Mask not found for ${it.path}: ${it.mask}`,
        });
        delete it.mask;
      }
      present.push(it);
    });
  }
  if (missing.length)
    problems.push({
      severity: 'error',
      code: 'path-missing',
      path: at,
      file,
      message: `${missing.length} file(s) listed in ${file} do not exist: ${few(missing)}`,
    });
  return { items: present, problems };
}

export async function collectSource(src: SourceConfig, index: number, configDir: string, groupColumn?: string): Promise<Collected> {
  return src.layout === 'manifest'
    ? collectManifest(src, index, configDir, groupColumn)
    : collectFolder(src, index, configDir);
}
