// Run folders: one timestamped folder per training/scoring run, holding the config snapshot, checkpoints, metrics,
// scores, anomaly maps, an append-only log and a metadata file that says what produced them.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from './atomic.js';

export interface RunDir {
  /** Folder name, `YYYYMMDD-HHMMSS-name[-n]`. */
  id: string;
  path: string;
  configPath: string;
  checkpointsDir: string;
  metricsPath: string;
  scoresPath: string;
  mapsDir: string;
  logPath: string;
  metaPath: string;
}

export interface RunDirMeta {
  detector: string;
  /** sha256 of the canonical config (see configHash). */
  configHash: string;
  inputSize: number[];
  normalisation: string | Record<string, unknown>;
  backend: string;
  metrics?: Record<string, number>;
  step?: number;
  [key: string]: unknown;
}

export interface RunSummary {
  id: string;
  path: string;
  meta?: RunDirMeta;
  metrics?: unknown;
  /** Unreadable meta.json / metrics.json, named by file, so one broken run does not hide the others. */
  problems: string[];
}

const RUN_ID = /^(\d{8}-\d{6})-(.+)$/;
const FILES = { config: 'config.json', metrics: 'metrics.json', scores: 'scores.csv', log: 'run.log', meta: 'meta.json' };

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function slug(name: string): string {
  const s = name.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!s) throw new Error(`run name "${name}" has no usable characters (letters, digits, . _ -)`);
  return s;
}

export function runDirPaths(dir: string): RunDir {
  return {
    id: path.basename(dir),
    path: dir,
    configPath: path.join(dir, FILES.config),
    checkpointsDir: path.join(dir, 'checkpoints'),
    metricsPath: path.join(dir, FILES.metrics),
    scoresPath: path.join(dir, FILES.scores),
    mapsDir: path.join(dir, 'maps'),
    logPath: path.join(dir, FILES.log),
    metaPath: path.join(dir, FILES.meta),
  };
}

/** Creates `root/YYYYMMDD-HHMMSS-name` (local time), adding `-2`, `-3`, ... if it exists; mkdir is the lock. */
export async function createRunDir(root: string, name: string, now: Date = new Date()): Promise<RunDir> {
  const base = `${stamp(now)}-${slug(name)}`;
  await fs.mkdir(root, { recursive: true });
  for (let n = 1; n < 1000; n++) {
    const dir = path.join(root, n === 1 ? base : `${base}-${n}`);
    try {
      await fs.mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new Error(`createRunDir: cannot create ${dir}: ${(err as Error).message}`, { cause: err });
    }
    const run = runDirPaths(dir);
    await fs.mkdir(run.checkpointsDir);
    await fs.mkdir(run.mapsDir);
    return run;
  }
  throw new Error(`createRunDir: too many runs named ${base} in ${root}`);
}

/** JSON with object keys sorted at every level: equal configs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** Writes the config snapshot and returns its hash (for RunDirMeta.configHash). */
export async function writeConfigSnapshot(run: RunDir, config: unknown): Promise<string> {
  await writeJsonAtomic(run.configPath, config);
  return configHash(config);
}

export async function writeMeta(run: RunDir, meta: RunDirMeta): Promise<void> {
  await writeJsonAtomic(run.metaPath, { ...meta, updatedAt: new Date().toISOString() });
}

export async function writeMetrics(run: RunDir, metrics: unknown): Promise<void> {
  await writeJsonAtomic(run.metricsPath, metrics);
}

/** Appends one timestamped line to the run's log (append-only, so not atomic; a torn last line is harmless). */
export async function appendLog(run: RunDir, line: string): Promise<void> {
  await fs.appendFile(run.logPath, `${new Date().toISOString()} ${line.replace(/\n/g, ' ')}\n`);
}

async function readJsonIfPresent(file: string, problems: string[]): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    problems.push(`${file}: invalid JSON (${(err as Error).message})`);
    return undefined;
  }
}

/** Runs under `root`, newest first (by folder timestamp, then by uniqueness suffix), with meta and metrics. */
export async function listRuns(root: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`listRuns: cannot read ${root}: ${(err as Error).message}`, { cause: err });
  }
  const runs: RunSummary[] = [];
  for (const id of names) {
    if (!RUN_ID.test(id)) continue;
    const dir = path.join(root, id);
    if (!(await fs.stat(dir)).isDirectory()) continue;
    const paths = runDirPaths(dir);
    const problems: string[] = [];
    const meta = (await readJsonIfPresent(paths.metaPath, problems)) as RunDirMeta | undefined;
    const metrics = await readJsonIfPresent(paths.metricsPath, problems);
    runs.push({ id, path: dir, ...(meta !== undefined && { meta }), ...(metrics !== undefined && { metrics }), problems });
  }
  const key = (id: string): [string, number] => {
    const m = /^(\d{8}-\d{6})-.*?(?:-(\d+))?$/.exec(id);
    return [m?.[1] ?? '', Number(m?.[2] ?? 1)];
  };
  return runs.sort((a, b) => {
    const [ta, na] = key(a.id);
    const [tb, nb] = key(b.id);
    return ta !== tb ? (ta < tb ? 1 : -1) : nb - na;
  });
}
