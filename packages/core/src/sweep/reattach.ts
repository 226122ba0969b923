// `medad sweep --reattach <sweepDir>`: follow a queued sweep whose submitting command is gone (a closed laptop, a
// killed terminal) or finished. The runs still pending are waited for through their queue jobs (sweep.json keeps
// the job ids); a job no longer on the queue counts as done when its run folder under runs/ was evaluated. Then the
// aggregate and summary are written as `medad sweep` would have.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listRuns, METRICS_JSON } from '../pipeline/run-dir.js';
import type { QueueHandle } from '../queue/connection.js';
import type { JobProgress, TrainJobResult } from '../queue/jobs.js';
import { waitForJob } from '../queue/submit.js';
import { writeJsonAtomic } from '../model/atomic.js';
import { SWEEP_JSON, finishSweep, type SweepRecord, type SweepResult } from './run-sweep.js';

export interface ReattachOptions {
  /** Needed while runs are pending; a settled sweep only gets its aggregate written again. */
  queue?: QueueHandle;
  signal?: AbortSignal;
  onProgress?: (run: number, p: JobProgress) => void;
  onRunDone?: (run: number, r: Pick<TrainJobResult, 'runDir' | 'resumedFromStep'>) => void;
}

/** sweep.json of `sweepDir`, checked: an error names the file and what is wrong with it. */
export async function readSweepRecord(sweepDir: string): Promise<SweepRecord> {
  const file = path.join(sweepDir, SWEEP_JSON);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(e.code === 'ENOENT' ? `${file} does not exist: ${sweepDir} is not a sweep folder` : `${file}: ${e instanceof SyntaxError ? 'invalid JSON' : 'unreadable'} (${e.message})`, { cause: err });
  }
  const r = raw as SweepRecord;
  if (!r || r.format !== 'medad-sweep/1' || !Array.isArray(r.runs) || !Array.isArray(r.settings)) throw new Error(`${file}: not a medad sweep record (format medad-sweep/1)`);
  return r;
}

/** The evaluated run folder of a sweep run, found by its name under the sweep's runs/ (the job is gone). */
async function evaluatedRun(sweepDir: string, name: string): Promise<string | undefined> {
  for (const l of await listRuns(path.join(sweepDir, 'runs'))) {
    if (l.meta?.experiment !== name) continue;
    if (await fs.access(path.join(l.dir, METRICS_JSON)).then(() => true, () => false)) return l.dir;
  }
  return undefined;
}

export async function reattachSweep(sweepDir: string, opts: ReattachOptions): Promise<SweepResult> {
  const dir = path.resolve(sweepDir);
  const record = await readSweepRecord(dir);
  const pending = record.runs.filter((r) => r.state === 'pending');
  const local = pending.filter((r) => !r.jobId);
  if (local.length) throw new Error(`${path.join(dir, SWEEP_JSON)}: ${local.length} pending run(s) have no queue job (${local.map((r) => r.name).join(', ')}): this sweep ran here, not on a queue; run it again`);
  const queue = opts.queue;
  if (pending.length && !queue) throw new Error(`${path.join(dir, SWEEP_JSON)}: ${pending.length} run(s) are pending on a queue; connect to it to re-attach`);
  const save = () => writeJsonAtomic(path.join(dir, SWEEP_JSON), record);
  const settled = await Promise.allSettled(
    pending.map(async (r) => {
      try {
        let done: Pick<TrainJobResult, 'runDir' | 'resumedFromStep'>;
        try {
          done = (await waitForJob(queue as QueueHandle, r.jobId as string, { signal: opts.signal, onProgress: (p) => opts.onProgress?.(r.index, p) })) as TrainJobResult;
        } catch (err) {
          const gone = /no longer exists/.test((err as Error).message);
          const found = gone ? await evaluatedRun(dir, r.name) : undefined;
          if (!found) throw err;
          done = { runDir: found, resumedFromStep: 0 };
        }
        Object.assign(r, { state: 'done', runDir: done.runDir, ...(done.resumedFromStep ? { resumedFromStep: done.resumedFromStep } : {}) });
        opts.onRunDone?.(r.index, done);
      } catch (err) {
        if ((err as Error).name !== 'AbortError') Object.assign(r, { state: 'failed', error: (err as Error).message });
        throw err;
      } finally {
        await save();
      }
    }),
  );
  const cancelled = settled.find((s) => s.status === 'rejected' && (s.reason as Error).name === 'AbortError');
  if (cancelled) throw (cancelled as PromiseRejectedResult).reason;
  const name = path.basename(dir).replace(/-sweep-.*$/, '');
  return finishSweep(dir, record, `${name}: sweep of ${record.runs.length} runs`);
}
