// Handlers for the medad/* requests: validate params, confine paths to the sandbox, run heavy work as jobs
// and map every failure to a JSON-RPC error (never an uncaught exception).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CancellationToken, Connection } from 'vscode-languageserver/node.js';
import { ResponseError } from 'vscode-languageserver/node.js';
import { RenderParamsError } from './engine/render-image.js';
import type { EditorEngine } from './engine/types.js';
import { cachePaths, heatmapKey, readCached, writeMeta } from './jobs/heatmap-cache.js';
import { startProgress } from './jobs/progress.js';
import type { JobQueue } from './jobs/queue.js';
import { JobFailure } from './jobs/worker-host.js';
import * as P from './protocol.js';
import type { Sandbox } from './safety/sandbox.js';

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

function params<T>(p: unknown, method: string): T {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new ResponseError(P.MedadErrorCodes.InvalidParams, `${method}: params must be an object`);
  return p as T;
}

async function mustExist(abs: string, what: string): Promise<void> {
  await fs.access(abs).catch(() => {
    throw new ResponseError(P.MedadErrorCodes.NotFound, `${what}: ${abs} does not exist or cannot be read`);
  });
}

const COLORMAPS: readonly P.Colormap[] = ['gray', 'jet', 'viridis', 'inferno'];
const NORMALISATIONS: readonly P.Normalisation[] = ['global', 'image', 'fixed'];

function checkHeatmapOptions(p: P.HeatmapParams): void {
  const bad = (msg: string) => new ResponseError(P.MedadErrorCodes.InvalidParams, `medad/heatmap: ${msg}`);
  if (p.colormap !== undefined && !COLORMAPS.includes(p.colormap)) throw bad(`colormap must be one of ${COLORMAPS.join(', ')}`);
  if (p.normalisation !== undefined && !NORMALISATIONS.includes(p.normalisation)) throw bad(`normalisation must be one of ${NORMALISATIONS.join(', ')}`);
  const r = p.range;
  if (p.slice !== undefined && !(Number.isInteger(p.slice) && p.slice >= 0)) throw bad('slice must be an integer >= 0');
  if (p.normalisation === 'fixed' && !(Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[1] > r[0])) throw bad("normalisation 'fixed' needs range [low, high] with low < high");
}

export function registerRequests(ctx: RequestContext): void {
  const { connection, sandbox, queue, engine } = ctx;
  const handle = <A, R>(type: { method: string }, fn: (p: A, token: CancellationToken) => Promise<R>) =>
    connection.onRequest(type.method, async (raw: unknown, token: CancellationToken) => {
      try {
        return await fn(params<A>(raw ?? {}, type.method), token);
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
  async function job<R>(kind: P.JobKind, title: string, target: string, jobParams: unknown, wd: P.JobParams, token: CancellationToken): Promise<{ id: string; result: R }> {
    const progress = await startProgress(connection, title, wd.workDoneToken, ctx.serverProgress());
    let id = '';
    const done = queue.submit(kind, target, jobParams, (jobId) => (id = jobId));
    token.onCancellationRequested(() => queue.cancel(id));
    progress.onCancel(() => queue.cancel(id));
    onJobProgress.set(id, (pct, msg) => progress.report(pct, msg));
    try {
      return { id, result: (await done) as R };
    } finally {
      onJobProgress.delete(id);
      progress.done();
    }
  }

  handle<P.TrainParams, P.TrainResult>(P.TrainRequest, async (p, token) => {
    const experiment = sandbox.resolve(p.experiment, 'experiment');
    await mustExist(experiment, 'experiment');
    const { id, result } = await job<{ runDir: string }>('train', `Training ${path.basename(experiment)}`, experiment, { experiment, runRoot: runRoot() }, p, token);
    return { jobId: id, runDir: result.runDir };
  });

  handle<P.EvaluateParams, P.EvaluateResult>(P.EvaluateRequest, async (p, token) => {
    const experiment = sandbox.resolve(p.experiment, 'experiment');
    await mustExist(experiment, 'experiment');
    const runDir = p.runDir ? sandbox.resolve(p.runDir, 'runDir') : undefined;
    const { id, result } = await job<{ runDir: string; metrics: Record<string, number> }>('evaluate', `Evaluating ${path.basename(experiment)}`, experiment, { experiment, runDir, runRoot: runRoot() }, p, token);
    return { jobId: id, ...result };
  });

  handle<P.ScoreImagesParams, P.ScoreImagesResult>(P.ScoreImagesRequest, async (p, token) => {
    const runDir = sandbox.resolve(p.runDir, 'runDir');
    if (!p.files && !p.folder) throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'medad/scoreImages: give files or folder');
    if (p.files && !Array.isArray(p.files)) throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'medad/scoreImages: files must be an array');
    const files = p.files?.map((f, i) => sandbox.resolve(f, `files[${i}]`));
    const folder = p.folder ? sandbox.resolve(p.folder, 'folder') : undefined;
    const mapDir = path.join(runDir, 'cache', 'maps');
    const { id, result } = await job<Awaited<ReturnType<import('./engine/types.js').ComputeEngine['score']>>>('score', 'Scoring images', folder ?? runDir, { runDir, files, folder, maps: p.maps, mapDir }, p, token);
    return { jobId: id, failures: result.failures, scores: result.scores.map((s) => ({ file: s.file, score: s.score, ...(s.mapPath ? { mapUri: new URL(`file://${s.mapPath}`).href } : {}) })) };
  });

  handle<P.HeatmapParams, P.HeatmapResult>(P.HeatmapRequest, async (p, token) => {
    const runDir = sandbox.resolve(p.runDir, 'runDir');
    const image = sandbox.resolve(p.image, 'image');
    checkHeatmapOptions(p);
    await mustExist(image, 'image');
    const key = await heatmapKey(runDir, image, p);
    let meta = await readCached(runDir, key);
    let cached = true;
    if (!meta) {
      cached = false;
      const { png } = cachePaths(runDir, key);
      await fs.mkdir(path.dirname(png), { recursive: true });
      const tmp = `${png}.${process.pid}.tmp.png`;
      const { result } = await job<{ score: number; width: number; height: number; range: [number, number] }>('heatmap', 'Heatmap', image, { ...p, runDir, image, outFile: tmp, workDoneToken: undefined }, p, token);
      await fs.rename(tmp, png);
      meta = { ...result, mapPath: png };
      await writeMeta(runDir, key, meta);
    }
    const out: P.HeatmapResult = { ...meta, cached };
    if (p.output === 'base64') {
      out.pngBase64 = (await fs.readFile(meta.mapPath as string)).toString('base64');
      delete out.mapPath;
    }
    return out;
  });

  handle<P.DatasetSummaryParams, P.DatasetSummary>(P.DatasetSummaryRequest, async (p, token) => {
    const file = sandbox.resolve(p.config, 'config');
    await mustExist(file, 'config');
    const ctl = new AbortController();
    token.onCancellationRequested(() => ctl.abort());
    return engine.datasetSummary(file, ctl.signal);
  });

  handle<P.DatasetItemsParams, P.DatasetItemsResult>(P.DatasetItemsRequest, async (p) => {
    const file = sandbox.resolve(p.config, 'config');
    await mustExist(file, 'config');
    if (!engine.datasetItems) throw new ResponseError(P.MedadErrorCodes.Unsupported, 'medad/datasetItems: not available in this engine');
    return engine.datasetItems(file);
  });

  handle<P.RenderImageParams, P.RenderImageResult>(P.RenderImageRequest, async (p) => {
    const image = sandbox.resolve(p.image, 'image');
    await mustExist(image, 'image');
    if (p.slice !== undefined && typeof p.slice !== 'number') throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'medad/renderImage: slice must be a number');
    try {
      return await engine.renderImage(image, p.slice, p.window);
    } catch (e) {
      throw e instanceof RenderParamsError ? new ResponseError(P.MedadErrorCodes.InvalidParams, `medad/renderImage: ${e.message}`) : e;
    }
  });

  handle<P.LeakageParams, P.LeakageResult>(P.LeakageRequest, async (p, token) => {
    const file = sandbox.resolve(p.config, 'config');
    await mustExist(file, 'config');
    const ctl = new AbortController();
    token.onCancellationRequested(() => ctl.abort());
    return engine.leakage(file, ctl.signal);
  });

  handle<P.ListRunsParams, P.ListRunsResult>(P.ListRunsRequest, async (p) => {
    const root = p.root ? sandbox.resolve(p.root, 'root') : runRoot();
    const experiment = p.experiment ? sandbox.resolve(p.experiment, 'experiment') : undefined;
    const runs = await engine.listRuns(root);
    return { runs: experiment ? runs.filter((r) => r.experiment === experiment) : runs };
  });

  handle<P.RunMetricsParams, P.RunMetricsResult>(P.RunMetricsRequest, async (p) => engine.runMetrics(sandbox.resolve(p.runDir, 'runDir')));

  handle<P.CancelParams, P.CancelResult>(P.CancelRequest, async (p) => {
    if (typeof p.jobId !== 'string') throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'medad/cancel: jobId must be a string');
    return { cancelled: queue.cancel(p.jobId) };
  });

  connection.onRequest(P.StatusRequest, () => ctx.status());
}

/** Job id -> progress sink of the request that started it (filled by `job`, fed from the queue's hooks). */
export const onJobProgress = new Map<string, (pct: number | undefined, msg: string) => void>();
