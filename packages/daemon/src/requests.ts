// Handlers for the medad/* requests: validate params, confine paths to the sandbox, run heavy work as jobs
// and map every failure to a JSON-RPC error (never an uncaught exception).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CancellationToken, Connection } from 'vscode-languageserver/node.js';
import { ResponseError } from 'vscode-languageserver/node.js';
import { RenderParamsError } from './engine/render-image.js';
import type { EditorEngine } from './engine/types.js';
import { heatmapKey, readCached, writeMeta } from './jobs/heatmap-cache.js';
import { startProgress, type JobProgress } from './jobs/progress.js';
import type { JobQueue } from './jobs/queue.js';
import { JobFailure } from './jobs/worker-host.js';
import * as P from './protocol.js';
import { listSweeps } from './engine/sweep-listing.js';
import { registerConfigRoots } from './safety/data-roots.js';
import { checkRunInputs, mustExist, runSubdir, withChecked, writeInRun } from './safety/open-checked.js';
import { checkParams } from './safety/params.js';
import type { Sandbox } from './safety/sandbox.js';

/** A heatmap shorter than this shows no progress at all. */
const PROGRESS_DELAY_MS = 400;

export interface RequestContext {
  connection: Connection;
  engine: EditorEngine;
  queue: JobQueue;
  sandbox: Sandbox;
  serverProgress: () => boolean;
  runRoot: () => string | undefined;
  status: () => P.StatusResult;
}

function toResponseError(err: unknown): ResponseError<void> {
  if (err instanceof ResponseError) return err;
  if (err instanceof JobFailure) return new ResponseError(err.cancelled ? P.MedadErrorCodes.Cancelled : P.MedadErrorCodes.JobFailed, err.message);
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return new ResponseError(P.MedadErrorCodes.NotFound, e.message);
  return new ResponseError(P.MedadErrorCodes.JobFailed, e instanceof Error ? e.message : String(err));
}

/** Resolves many files, yielding to the event loop every few hundred so other requests are answered meanwhile. */
async function resolveAll(sandbox: Sandbox, files: string[], what: string): Promise<string[]> {
  const out: string[] = [];
  const dirs = new Map<string, string>();
  for (let i = 0; i < files.length; i++) {
    out.push(sandbox.resolveOneOfMany(files[i], `${what}[${i}]`, dirs));
    if (i % 256 === 255) await new Promise((r) => setImmediate(r));
  }
  return out;
}

/** Field types are checked by checkParams; this is the one rule across fields. */
function checkHeatmapOptions(p: P.HeatmapParams): void {
  if (p.normalisation === 'fixed' && p.range === undefined) throw new ResponseError(P.MedadErrorCodes.InvalidParams, "medad/heatmap: normalisation 'fixed' needs range [low, high] with low < high");
}

function mustBeTrusted(sandbox: Sandbox, what: string): void {
  if (!sandbox.trusted) throw new ResponseError(P.MedadErrorCodes.WorkspaceUntrusted, `${what}: this workspace is not trusted; trust it (VS Code: Manage Workspace Trust) to train or evaluate`);
}

export function registerRequests(ctx: RequestContext): void {
  const { connection, sandbox, queue, engine } = ctx;
  const handle = <A, R>(type: { method: string }, fn: (p: A, token: CancellationToken) => Promise<R>) =>
    connection.onRequest(type.method, async (raw: unknown, token: CancellationToken) => {
      try {
        return await fn(checkParams<A>(type.method, raw ?? {}), token);
      } catch (err) {
        return toResponseError(err);
      }
    });

  const runRoot = (): string => {
    const r = ctx.runRoot();
    if (!r) throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'no run directory: open a workspace folder or set initializationOptions.runDirectory');
    return r;
  };

  /** Runs a job with progress, wiring every cancel path ($/cancelRequest, progress button, medad/cancel). */
  /** A dataset config named by a request: resolved in the sandbox, an existing file, its data folders readable. */
  async function datasetConfig(config: string): Promise<string> {
    const file = sandbox.resolve(config, 'config');
    await mustExist(sandbox, file, 'config', 'file');
    await registerConfigRoots(sandbox, file);
    return file;
  }

  /** An AbortController that the request's cancellation aborts. */
  function abortOn(token: CancellationToken): AbortController {
    const ctl = new AbortController();
    token.onCancellationRequested(() => ctl.abort());
    return ctl;
  }

  async function job<R>(kind: P.JobKind, title: string, target: string, jobParams: unknown, wd: P.JobParams, token: CancellationToken): Promise<{ id: string; result: R }> {
    let id = '';
    const done = queue.submit(kind, target, jobParams, (jobId) => (id = jobId));
    token.onCancellationRequested(() => queue.cancel(id));
    // Progress starts beside the job, not before it: a server-created token is a round trip to the editor. An
    // interactive heatmap (tens of ms) gets one only when it runs long (the first of a model loads the model), so a
    // heatmap neither waits for the editor nor flashes a progress notification.
    let progress: JobProgress | undefined;
    let finished = false;
    const begin = async () => {
      const p = await startProgress(connection, title, wd.workDoneToken, ctx.serverProgress());
      if (finished) return p.done();
      progress = p;
      p.onCancel(() => queue.cancel(id));
    };
    const delayMs = kind === 'heatmap' && wd.workDoneToken === undefined ? PROGRESS_DELAY_MS : 0;
    const timer = delayMs ? setTimeout(() => void begin().catch(() => undefined), delayMs) : undefined;
    const started = delayMs ? undefined : begin().catch(() => undefined);
    onJobProgress.set(id, (pct, msg) => progress?.report(pct, msg));
    try {
      return { id, result: (await done) as R };
    } finally {
      finished = true;
      clearTimeout(timer);
      await started;
      onJobProgress.delete(id);
      progress?.done();
    }
  }

  handle<P.TrainParams, P.TrainResult>(P.TrainRequest, async (p, token) => {
    mustBeTrusted(sandbox, 'medad/train');
    const experiment = sandbox.resolve(p.experiment, 'experiment');
    await mustExist(sandbox, experiment, 'experiment', 'file');
    await registerConfigRoots(sandbox, experiment);
    const resume = typeof p.resume === 'string' ? sandbox.resolve(p.resume, 'resume') : p.resume;
    const { id, result } = await job<{ runDir: string }>('train', `Training ${path.basename(experiment)}`, experiment, { experiment, runRoot: runRoot(), resume }, p, token);
    return { jobId: id, runDir: result.runDir };
  });

  handle<P.EvaluateParams, P.EvaluateResult>(P.EvaluateRequest, async (p, token) => {
    mustBeTrusted(sandbox, 'medad/evaluate');
    const experiment = sandbox.resolve(p.experiment, 'experiment');
    await mustExist(sandbox, experiment, 'experiment', 'file');
    await registerConfigRoots(sandbox, experiment);
    const runDir = p.runDir ? sandbox.resolve(p.runDir, 'runDir', 'write') : undefined;
    if (runDir) await checkRunInputs(sandbox, runDir, 'runDir');
    const { id, result } = await job<{ runDir: string; metrics: Record<string, number> }>('evaluate', `Evaluating ${path.basename(experiment)}`, experiment, { experiment, runDir, runRoot: runRoot() }, p, token);
    return { jobId: id, ...result };
  });

  handle<P.ScoreImagesParams, P.ScoreImagesResult>(P.ScoreImagesRequest, async (p, token) => {
    const runDir = sandbox.resolve(p.runDir, 'runDir', 'write');
    if (!p.files === !p.folder) throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'medad/scoreImages: give files or folder (one of them)');
    await checkRunInputs(sandbox, runDir, 'runDir');
    const files = p.files ? await resolveAll(sandbox, p.files, 'files') : undefined;
    const folder = p.folder ? sandbox.resolve(p.folder, 'folder') : undefined;
    if (folder) await mustExist(sandbox, folder, 'folder', 'dir');
    // maps go to <run>/cache/maps, built without symlinks and checked to stay inside the run
    const mapDir = p.maps ? await runSubdir(sandbox, runDir, ['cache', 'maps'], 'runDir') : path.join(runDir, 'cache', 'maps');
    const { id, result } = await job<Awaited<ReturnType<import('./engine/types.js').ComputeEngine['score']>>>('score', 'Scoring images', folder ?? runDir, { runDir, files, folder, maps: p.maps, mapDir }, p, token);
    return { jobId: id, failures: result.failures, scores: result.scores.map((s) => ({ file: s.file, score: s.score, ...(s.mapPath ? { mapUri: new URL(`file://${s.mapPath}`).href } : {}) })) };
  });

  /** Heatmap cache writes still under way after their answer, by `<cacheDir>/<key>`. */
  const pendingCacheWrites = new Map<string, Promise<unknown>>();

  handle<P.HeatmapParams, P.HeatmapResult>(P.HeatmapRequest, async (p, token) => {
    const runDir = sandbox.resolve(p.runDir, 'runDir', 'write');
    const image = sandbox.resolve(p.image, 'image');
    checkHeatmapOptions(p);
    await checkRunInputs(sandbox, runDir, 'runDir');
    const cacheDir = await runSubdir(sandbox, runDir, ['cache', 'heatmaps'], 'runDir');
    // the image is opened and checked once; hashing and scoring read that handle (a swapped path changes nothing)
    return withChecked(sandbox, image, 'image', async (f) => {
      const key = await heatmapKey(runDir, f.procPath, p);
      await pendingCacheWrites.get(`${cacheDir}/${key}`);
      let meta = await readCached(cacheDir, key);
      let cached = true;
      let bytes: Uint8Array | undefined;
      if (!meta) {
        cached = false;
        const pngPath = path.join(cacheDir, `${key}.png`);
        // the PNG comes back in the worker's message; the cache's image and metadata are written side by side
        const { result } = await job<{ score: number; width: number; height: number; range: [number, number]; png: Uint8Array }>('heatmap', 'Heatmap', image, { ...p, runDir, image: f.procPath, workDoneToken: undefined }, p, token);
        const { png, ...rest } = result;
        bytes = png;
        meta = { ...rest, mapPath: pngPath };
        const writes = Promise.all([writeInRun(sandbox, pngPath, png), writeMeta(sandbox, cacheDir, key, meta)]);
        // A caller given the path needs the file now. A base64 caller (the editor) has its bytes: the cache is only
        // for next time, so it is written after the answer (3-4 ms off every first view; a failed write is a miss).
        // (A repeat of this request waits for the write instead of missing the cache.)
        if (p.output === 'base64') {
          const id = `${cacheDir}/${key}`;
          const pending = writes
            .catch((e: unknown) => connection.console.warn(`heatmap cache not written (${pngPath}): ${(e as Error).message}`))
            .finally(() => pendingCacheWrites.delete(id));
          pendingCacheWrites.set(id, pending);
        } else await writes;
      }
      const out: P.HeatmapResult = { ...meta, cached };
      if (p.output === 'base64') {
        out.pngBase64 = Buffer.from(bytes ?? (await fs.readFile(meta.mapPath as string))).toString('base64');
        delete out.mapPath;
      }
      return out;
    });
  });

  handle<P.DatasetSummaryParams, P.DatasetSummary>(P.DatasetSummaryRequest, async (p, token) => {
    const file = await datasetConfig(p.config);
    const ctl = abortOn(token);
    return engine.datasetSummary(file, ctl.signal);
  });

  handle<P.DatasetItemsParams, P.DatasetItemsResult>(P.DatasetItemsRequest, async (p) => {
    // the items' folders become readable data roots, as for a summary (the gallery shows them)
    const file = await datasetConfig(p.config);
    if (!engine.datasetItems) throw new ResponseError(P.MedadErrorCodes.Unsupported, 'medad/datasetItems: not available in this engine');
    return engine.datasetItems(file);
  });

  handle<P.RenderImageParams, P.RenderImageResult>(P.RenderImageRequest, async (p) => {
    const image = sandbox.resolve(p.image, 'image');
    // open, then check the handle's real path; decode through the handle (no check-then-use race)
    return withChecked(sandbox, image, 'image', async (f) => {
      try {
        return await engine.renderImage(f.procPath, p.slice, p.window);
      } catch (e) {
        throw e instanceof RenderParamsError ? new ResponseError(P.MedadErrorCodes.InvalidParams, `medad/renderImage: ${e.message}`) : e;
      }
    });
  });

  handle<P.LeakageParams, P.LeakageResult>(P.LeakageRequest, async (p, token) => {
    const file = await datasetConfig(p.config);
    const ctl = abortOn(token);
    return engine.leakage(file, ctl.signal);
  });

  handle<P.DatasetAuditParams, P.DatasetAuditResult>(P.DatasetAuditRequest, async (p, token) => {
    const file = await datasetConfig(p.config);
    const ctl = abortOn(token);
    const progress = await startProgress(connection, `Shortcut audit of ${path.basename(file)}`, p.workDoneToken, ctx.serverProgress());
    progress.onCancel(() => ctl.abort());
    try {
      return await engine.datasetAudit(file, ctl.signal, (pct, msg) => progress.report(pct, msg));
    } catch (e) {
      if (ctl.signal.aborted) throw new ResponseError(P.MedadErrorCodes.Cancelled, `medad/datasetAudit: cancelled (${path.basename(file)})`);
      throw e;
    } finally {
      progress.done();
    }
  });

  handle<P.ListRunsParams, P.ListRunsResult>(P.ListRunsRequest, async (p) => {
    const root = p.root ? sandbox.resolve(p.root, 'root') : runRoot();
    const experiment = p.experiment ? sandbox.resolve(p.experiment, 'experiment') : undefined;
    const runs = await engine.listRuns(root);
    return { runs: experiment ? runs.filter((r) => r.experiment === experiment) : runs };
  });

  // A sweep's runs live in its own runs/ folder, read only where the sandbox allows (each folder and file checked).
  handle<P.ListSweepsParams, P.ListSweepsResult>(P.ListSweepsRequest, async (p) => {
    const root = p.root ? sandbox.resolve(p.root, 'root') : runRoot();
    return { sweeps: await listSweeps(root, (f) => sandbox.contains(f, 'read')) };
  });

  handle<P.RunMetricsParams, P.RunMetricsResult>(P.RunMetricsRequest, async (p) => engine.runMetrics(sandbox.resolve(p.runDir, 'runDir')));

  handle<P.CancelParams, P.CancelResult>(P.CancelRequest, async (p) => {
    return { cancelled: queue.cancel(p.jobId) };
  });

  connection.onRequest(P.StatusRequest, () => ctx.status());
}

/** Job id -> progress sink of the request that started it (filled by `job`, fed from the queue's hooks). */
export const onJobProgress = new Map<string, (pct: number | undefined, msg: string) => void>();
