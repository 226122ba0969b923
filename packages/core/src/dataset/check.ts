// Semantic checks of a dataset config: what only a look at the files can tell (the schema cannot). Paths that do
// not exist and masks matching no image come from resolution; on top of that: folders whose images cannot be
// read, class imbalance in the test set, an unlabelled pool sharing files with the test set, and train/test
// leakage (exact and near duplicates). Every issue is placed on the config key it is about (rangeOfPath).
import path from 'node:path';
import type { ConfigIssue } from '../config/issues.js';
import { TextLines, rangeOfPath, type KeyPath } from '../config/positions.js';
import { ImageReadError, probeFile } from '../io/index.js';
import { mapLimit } from './concurrency.js';
import { groupStraddles } from './groups.js';
import { checkLeakage, type LeakageGroup, type LeakageReport } from './leakage.js';
import { parseDatasetConfig, problemsToIssues } from './load.js';
import { resolveDataset } from './resolve.js';
import type { DatasetConfig } from './schema.js';
import type { DatasetItem, ResolvedDataset } from './types.js';

export interface DatasetCheckOptions {
  signal?: AbortSignal;
  /** Run the train/test leakage check (decodes every image). Default true. */
  leakage?: boolean;
  /** A test class below this share (or above 1 - share) is reported. Default 0.1. */
  imbalance?: number;
  /** Most leakage groups reported one by one (the rest are summed up). Default 20. */
  maxLeakageIssues?: number;
}

/** Issue at a key path, or at its longest existing prefix. */
function issueAt(text: string, at: KeyPath, severity: ConfigIssue['severity'], code: string, message: string, related?: ConfigIssue['related']): ConfigIssue {
  let range;
  for (let n = at.length; n >= 0 && !range; n--) range = rangeOfPath(text, at.slice(0, n));
  range ??= new TextLines(text).range(0, 0);
  return { message, severity, path: at, ...range, code, ...(related?.length ? { related } : {}) };
}

/** The config key an item came from: its source's folder (or manifest), the validation folder or the pool. */
function keyOf(config: DatasetConfig, item: DatasetItem): KeyPath {
  if (item.source >= 0) return ['sources', item.source, config.sources[item.source]?.layout === 'manifest' ? 'file' : 'root'];
  if (item.split === 'validation') return ['validation', 'folder'];
  return ['unlabelled', 'from'];
}

const allItems = (r: ResolvedDataset) => [...r.train, ...r.validation, ...r.test, ...r.unlabelled];
const few = (xs: string[], n = 3) => xs.slice(0, n).join(', ') + (xs.length > n ? `, ... (${xs.length - n} more)` : '');

/** Per folder: how many of its images cannot even be probed; a folder with none readable is an error. */
async function readability(text: string, config: DatasetConfig, resolved: ResolvedDataset, signal?: AbortSignal): Promise<ConfigIssue[]> {
  const items = [...new Map(allItems(resolved).map((it) => [it.path, it])).values()];
  const reasons = await mapLimit(
    items,
    8,
    async (it) => {
      try {
        await probeFile(it.path);
        return undefined;
      } catch (e) {
        return e instanceof ImageReadError ? e.reason : (e as Error).message;
      }
    },
    { signal },
  );
  const byFolder = new Map<string, { key: KeyPath; total: number; bad: string[]; reason?: string }>();
  items.forEach((it, i) => {
    const dir = path.dirname(it.path);
    const f = byFolder.get(dir) ?? { key: keyOf(config, it), total: 0, bad: [] };
    f.total++;
    if (reasons[i] !== undefined) {
      f.bad.push(path.basename(it.path));
      f.reason ??= reasons[i];
    }
    byFolder.set(dir, f);
  });
  const issues: ConfigIssue[] = [];
  for (const [dir, f] of byFolder) {
    if (f.bad.length === 0) continue;
    const none = f.bad.length === f.total;
    const message = none
      ? `No readable images in ${dir}: ${f.total} file(s), 0 readable (e.g. ${f.bad[0]}: ${f.reason})`
      : `${f.bad.length} of ${f.total} image(s) in ${dir} cannot be read: ${few(f.bad)} (${f.reason})`;
    issues.push(issueAt(text, f.key, none ? 'error' : 'warning', 'unreadable', message));
  }
  return issues;
}

/** Test classes below `share` (or above 1 - share) of the test set, or a test set with one class only. */
function imbalance(text: string, config: DatasetConfig, resolved: ResolvedDataset, share: number): ConfigIssue[] {
  const test = resolved.test;
  if (test.length === 0) return [];
  const counts = new Map<string, number>();
  for (const it of test) counts.set(it.className, (counts.get(it.className) ?? 0) + 1);
  const at = keyOf(config, test[0]);
  const listing = [...counts].map(([c, n]) => `${c} ${n}`).join(', ');
  const labels = new Set(test.map((it) => it.label));
  if (labels.size < 2) {
    const only = labels.has(0) ? 'normal' : 'anomalous';
    return [issueAt(text, at, 'warning', 'imbalance', `The test set has only ${only} images (${listing}): AUROC and AP need both normal and anomalous test images`)];
  }
  const skewed = [...counts].filter(([, n]) => n / test.length < share || n / test.length > 1 - share);
  if (skewed.length === 0) return [];
  const pct = (n: number) => `${((100 * n) / test.length).toFixed(1)}%`;
  const what = skewed.map(([c, n]) => `'${c}' is ${pct(n)}`).join(', ');
  return [issueAt(text, at, 'warning', 'imbalance', `Imbalanced test set (${listing}): ${what} of ${test.length} images; metrics such as AP and F1 depend strongly on class shares`)];
}

/** Files both in the unlabelled pool and in the test set (trained on, then tested on). */
function poolOverlap(text: string, resolved: ResolvedDataset): ConfigIssue[] {
  const test = new Set(resolved.test.map((it) => it.path));
  const shared = resolved.unlabelled.filter((it) => test.has(it.path)).map((it) => it.path);
  if (shared.length === 0) return [];
  return [
    issueAt(text, ['unlabelled', 'from'], 'error', 'pool-test-overlap', `${shared.length} unlabelled pool image(s) are also test images: ${few(shared.map((p) => path.basename(p)))}`,
      shared.slice(0, 20).map((file) => ({ file, message: 'in both the unlabelled pool and the test set' }))),
  ];
}

/** Groups (config key `group`, e.g. patients) with images on both sides of a split: the given splits leak. */
function straddles(text: string, config: DatasetConfig, resolved: ResolvedDataset, max = 20): ConfigIssue[] {
  if (!config.group) return [];
  const found = groupStraddles(allItems(resolved));
  const by = 'column' in config.group ? config.group.column : 'dicom' in config.group ? config.group.dicom : 'pattern';
  const issues = found.slice(0, max).map((g) =>
    issueAt(
      text,
      ['group'],
      'warning',
      'group-straddle',
      `Group '${g.group}' (${by}) straddles the splits: ${Object.entries(g.splits).map(([k, n]) => `${k} ${n}`).join(', ')}; its images should all be on one side (${few(g.files.map((f) => path.basename(f)))})`,
      g.files.slice(0, 20).map((file) => ({ file, message: `an image of group '${g.group}'` })),
    ),
  );
  if (found.length > max) issues.push(issueAt(text, ['group'], 'warning', 'group-straddle', `${found.length - max} more group(s) straddle the splits`));
  return issues;
}

const KIND_TEXT = { file: 'identical file', pixels: 'identical pixels', near: 'near-duplicate' } as const;

function leakageIssue(text: string, config: DatasetConfig, resolved: ResolvedDataset, g: LeakageGroup): ConfigIssue {
  const tests = g.members.filter((m) => m.split === 'test');
  const others = g.members.filter((m) => m.split !== 'test');
  const testItem = resolved.test.find((it) => it.path === tests[0]?.path);
  const at = testItem ? keyOf(config, testItem) : ['sources'];
  const message =
    `Train/test leakage (${KIND_TEXT[g.kind]}): test ${few(tests.map((m) => path.basename(m.path)), 2)} ` +
    `duplicates ${others.map((m) => m.split).filter((s, i, a) => a.indexOf(s) === i).join('/')} ${few(others.map((m) => path.basename(m.path)), 2)}` +
    (g.groups ? (g.groups.length === 1 ? ` (one group: '${g.groups[0]}')` : ` (groups ${few(g.groups.map((k) => `'${k}'`), 3)})`) : '');
  const related = g.pairs.slice(0, 20).flatMap((p) => [
    { file: p.b.path, message: `${p.b.split} image of a ${KIND_TEXT[p.kind]} pair (pHash distance ${p.distance}, detail correlation ${p.correlation.toFixed(2)})` },
    { file: p.a.path, message: `its ${p.a.split} duplicate` },
  ]);
  return issueAt(text, at, 'warning', 'leakage', message, related);
}

/**
 * The leakage warnings of a config from a finished `checkLeakage` report, placed on the keys the test images came
 * from. No I/O: a caller that caches reports (the daemon) re-places them after every edit of the text.
 */
export function leakageIssues(text: string, config: DatasetConfig, resolved: ResolvedDataset, report: LeakageReport, maxIssues = 20): ConfigIssue[] {
  const issues = report.groups.slice(0, maxIssues).map((g) => leakageIssue(text, config, resolved, g));
  if (report.groups.length > maxIssues)
    issues.push(issueAt(text, ['sources'], 'warning', 'leakage', `${report.groups.length - maxIssues} more leakage group(s) (${report.leakedTestImages} test images in all); run \`medad dataset check\` for the full list`));
  return issues;
}

async function leakage(text: string, config: DatasetConfig, resolved: ResolvedDataset, opts: DatasetCheckOptions): Promise<ConfigIssue[]> {
  if (resolved.test.length === 0) return [];
  return leakageIssues(text, config, resolved, await checkLeakage(resolved, { signal: opts.signal }), opts.maxLeakageIssues);
}

/**
 * Checks a dataset config's text against the files it names. Schema problems are not repeated (parse the text
 * for those): an invalid config gives []. Honours `signal` between files; throws the abort reason when aborted.
 */
export async function checkDatasetConfig(text: string, file: string, opts: DatasetCheckOptions = {}): Promise<ConfigIssue[]> {
  const parsed = parseDatasetConfig(text, file);
  if (!parsed.value) return [];
  const config = parsed.value;
  const resolved = await resolveDataset(config, path.dirname(path.resolve(file)));
  opts.signal?.throwIfAborted();
  const issues = problemsToIssues(text, resolved.problems);
  issues.push(...(await readability(text, config, resolved, opts.signal)));
  issues.push(...imbalance(text, config, resolved, opts.imbalance ?? 0.1));
  issues.push(...poolOverlap(text, resolved));
  issues.push(...straddles(text, config, resolved));
  if (opts.leakage !== false) issues.push(...(await leakage(text, config, resolved, opts)));
  opts.signal?.throwIfAborted();
  return issues.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
}
