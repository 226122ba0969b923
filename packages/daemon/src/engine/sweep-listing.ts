// medad/listSweeps: every sweep folder (written by core's runSweep: sweep.json, runs/, aggregate.json, summary.html)
// directly under the run directory, with its runs and its aggregate. The runs are the run folders under the sweep's
// own runs/ (never the paths sweep.json names, which could point anywhere); sweep.json only places each in the grid.
// While a sweep runs, the aggregate is computed from the runs evaluated so far, marked partial.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AGGREGATE_JSON, SUMMARY_HTML, SWEEP_JSON, aggregateSweep, listRuns, type RunListing, type RunOutcome, type SweepAggregate, type SweepRecord } from '@medad/core';
import type { SweepRunSummary, SweepSettingSummary, SweepSummary } from '../protocol.js';
import { toRunSummary } from './core-adapter.js';

async function readJson(file: string, problems: string[]): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`${file}: ${err instanceof SyntaxError ? `invalid JSON (${err.message})` : (err as Error).message}`);
    return undefined;
  }
}

const isRecord = (v: unknown): v is SweepRecord =>
  !!v && typeof v === 'object' && (v as SweepRecord).format === 'medad-sweep/1' && Array.isArray((v as SweepRecord).runs) && Array.isArray((v as SweepRecord).settings);

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** aggregate.json -> the protocol's shape (NaN SDs of single-seed settings dropped: JSON has no NaN). */
function settingsOf(a: SweepAggregate): SweepSettingSummary[] {
  return (Array.isArray(a.settings) ? a.settings : []).map((s) => ({
    label: String(s.label),
    seeds: Array.isArray(s.seeds) ? s.seeds : [],
    variants: Object.fromEntries(
      Object.entries(s.variants ?? {}).map(([variant, metrics]) => [
        variant,
        Object.fromEntries(
          Object.entries(metrics ?? {})
            .filter(([, m]) => finite(m?.mean))
            .map(([name, m]) => [name, { n: m.n, mean: m.mean, ...(finite(m.sd) ? { sd: m.sd } : {}), ...(Array.isArray(m.ci) && m.ci.every(finite) ? { ci: [m.ci[0], m.ci[1]] as [number, number] } : {}), values: Array.isArray(m.values) ? m.values : [] }]),
        ),
      ]),
    ),
  }));
}

/** Which grid cell a run folder is: sweep.json's runDir when recorded, else the run's name (`<exp>-setK-seedS`). */
function placeRun(record: SweepRecord, listing: RunListing): SweepRecord['runs'][number] | undefined {
  return record.runs.find((r) => r.runDir !== undefined && path.resolve(r.runDir) === path.resolve(listing.dir)) ?? record.runs.find((r) => listing.meta?.experiment === r.name);
}

/** One sweep folder; undefined when `dir` holds no sweep.json. */
export async function readSweep(dir: string, allowed: (p: string) => boolean = () => true): Promise<SweepSummary | undefined> {
  const file = path.join(dir, SWEEP_JSON);
  if (!(await fs.stat(file).then((s) => s.isFile(), () => false)) || !allowed(file)) return undefined;
  const problems: string[] = [];
  const raw = await readJson(file, problems);
  if (!isRecord(raw)) {
    if (raw !== undefined) problems.push(`${file}: not a medad sweep record (format medad-sweep/1)`);
    return { sweepDir: dir, name: path.basename(dir), total: 0, done: 0, failed: 0, settings: [], runs: [], problems };
  }
  const record = raw;
  const runsRoot = path.join(dir, 'runs');
  const listings = allowed(runsRoot) ? (await listRuns(runsRoot)).filter((l) => allowed(l.dir)) : [];
  const runs: SweepRunSummary[] = [];
  const outcomes: RunOutcome[] = [];
  for (const l of listings) {
    const cell = placeRun(record, l);
    if (!cell) continue; // a folder the sweep did not make
    const summary = toRunSummary(l);
    const evaluated = l.metrics !== undefined && typeof l.metrics === 'object';
    const sweepState = cell.state === 'pending' && evaluated ? 'done' : cell.state;
    runs.push({ ...summary, setting: cell.setting, seed: cell.seed, sweepState });
    if (evaluated) outcomes.push({ setting: cell.setting, seed: cell.seed, runDir: l.dir, metrics: l.metrics as RunOutcome['metrics'] });
  }
  runs.sort((a, b) => a.setting - b.setting || a.seed - b.seed);
  const aggFile = path.join(dir, AGGREGATE_JSON);
  const agg = allowed(aggFile) ? ((await readJson(aggFile, problems)) as SweepAggregate | undefined) : undefined;
  let aggregate: SweepSummary['aggregate'];
  if (agg && agg.format === 'medad-sweep-aggregate/1') aggregate = { confidence: agg.confidence, partial: false, settings: settingsOf(agg) };
  else if (outcomes.length) {
    const partial = aggregateSweep(record.settings, outcomes);
    aggregate = { confidence: partial.confidence, partial: true, settings: settingsOf(partial) };
  }
  const summaryFile = path.join(dir, SUMMARY_HTML);
  const hasSummary = (await fs.stat(summaryFile).then((s) => s.isFile(), () => false)) && allowed(summaryFile);
  return {
    sweepDir: dir,
    name: path.basename(dir),
    ...(record.experimentFile ? { experiment: record.experimentFile } : {}),
    startedAt: record.startedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    total: record.runs.length,
    // counted from the runs' own folders too: a queued sweep's record is written by its submitter, which may be gone
    done: record.runs.filter((r) => r.state === 'done' || runs.some((s) => s.sweepState === 'done' && s.setting === r.setting && s.seed === r.seed)).length,
    failed: record.runs.filter((r) => r.state === 'failed').length,
    settings: record.settings.map((s) => ({ label: s.label })),
    runs,
    ...(aggregate ? { aggregate } : {}),
    ...(hasSummary ? { summaryHtml: summaryFile } : {}),
    ...(problems.length ? { problems } : {}),
  };
}

/** Every sweep folder directly under `root`, newest first. */
export async function listSweeps(root: string, allowed: (p: string) => boolean = () => true): Promise<SweepSummary[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`listSweeps: cannot read ${root}: ${(err as Error).message}`, { cause: err });
  }
  const out: SweepSummary[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    if (!allowed(dir)) continue;
    const s = await readSweep(dir, allowed);
    if (s) out.push(s);
  }
  return out.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || b.name.localeCompare(a.name));
}
