// Dataset gallery, the anomaly view: every image of a dataset with its real split (test shown first), most anomalous
// first from the run's own scores.csv (the daemon scores only images the run did not), heatmap-overlay thumbnails
// from the run's saved maps, a mark above the run's threshold, per-class histograms; a click opens the heatmap.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DatasetAuditRequest, DatasetItemsRequest, LeakageRequest, ListRunsRequest, RenderImageRequest, ScoreImagesRequest, type DatasetAuditResult, type DatasetItemInfo, type LeakageImage, type LeakageResult } from '@medad/daemon/protocol';
import type { DaemonClient } from '../daemon-client.js';
import { reportError, runJob } from '../jobs.js';
import { BROWSER_IMAGE, browserCanShow, classify, latestRun, runThreshold, toFsPath } from '../paths.js';
import { runDisplayInfo } from '../run-info.js';
import { parseScoresCsv, type RunScoreRow } from '../run-scores.js';
import { datasetRootOf, listDatasetImages } from '../scores.js';
import { mergeRunScores, unscoredIn, type DatasetImage } from '../webview-logic/gallery-data.js';
import { SizedLru, ThumbnailQueue } from '../thumbnails.js';
import type { GalleryItem, ItemIds } from '../webview-logic/gallery-model.js';
import { openHeatmap, runForFile } from './heatmap-editor.js';
import { pageHtml, webviewOptions } from './html.js';

/** Daemon renderings (data: URLs) shared by every gallery: at most ~64 MB of base64. */
const rendered = new SizedLru(64 * 1024 * 1024);

/** Whether the webview can show a file as stored: 16-bit PNGs (and the formats browsers lack) go through the daemon.
 * PNG headers are read in parallel batches: a folder of 10,000 images costs well under a second. */
async function showable(files: string[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < files.length; i += 64) {
    out.push(...(await Promise.all(files.slice(i, i + 64).map(async (f) => {
      if (!BROWSER_IMAGE.test(f)) return false;
      if (!/\.png$/i.test(f)) return true;
      const fd = await fs.promises.open(f, 'r').catch(() => undefined);
      if (!fd) return true;
      try {
        const head = Buffer.alloc(32);
        const { bytesRead } = await fd.read(head, 0, 32, 0);
        return browserCanShow(f, head.subarray(0, bytesRead));
      } finally {
        await fd.close();
      }
    }))));
  }
  return out;
}

/** The folder relative to its workspace folder; the workspace folder itself by its name (not an absolute path). */
function folderLabel(folder: string): string {
  const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder));
  return ws && path.resolve(ws.uri.fsPath) === path.resolve(folder) ? ws.name : vscode.workspace.asRelativePath(folder);
}

/** The medad configs directly in a folder, dataset configs first (an experiment names its dataset anyway). */
function configsIn(folder: string): string[] {
  const names = fs.readdirSync(folder).filter((f) => /\.medad\.ya?ml$/.test(f));
  return names.sort((a, b) => Number(!/dataset/.test(a)) - Number(!/dataset/.test(b)) || a.localeCompare(b)).map((f) => path.join(folder, f));
}

/** The leakage report of the first config that the daemon can check (a config with errors is skipped). */
async function leakageOf(daemon: DaemonClient, configs: string[]): Promise<LeakageResult | undefined> {
  for (const config of configs) {
    try {
      return await daemon.get().sendRequest(LeakageRequest, { config: vscode.Uri.file(config).toString() });
    } catch (e) {
      daemon.log.appendLine(`gallery: no duplicate check with ${path.basename(config)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return undefined;
}

export interface GalleryOptions {
  /** Open with heatmap overlays on the thumbnails ("Show heatmaps"). */
  overlays?: boolean;
}

/** The dataset's images with their real splits (validation held out of train, the pool), from the daemon's
 * resolution of a config; the folder layout (`<split>/<class>/file`) when there is no config to resolve. */
async function galleryImages(daemon: DaemonClient, folder: string, configs: string[]): Promise<{ images: DatasetImage[]; groupBy?: string }> {
  for (const config of configs) {
    try {
      const r = await daemon.get().sendRequest(DatasetItemsRequest, { config: vscode.Uri.file(config).toString() });
      if (r.items.length) return { images: r.items.map((i) => ({ path: i.path, split: i.split, className: i.className, ...itemIds(i) })), groupBy: r.groupBy };
    } catch (e) {
      daemon.log.appendLine(`gallery: no dataset items from ${path.basename(config)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return {
    images: (await listDatasetImages(folder)).map((f) => {
      const c = classify(folder, f);
      return { path: f, split: c.split, className: c.cls };
    }),
  };
}

/** The group keys the daemon found for an image (config group, DICOM patient / study / series), if any. */
function itemIds(i: DatasetItemInfo): { ids?: ItemIds } {
  const ids: ItemIds = {
    ...(i.group !== undefined ? { group: i.group } : {}),
    ...(i.patientId ? { patient: i.patientId } : {}),
    ...(i.studyInstanceUid ? { study: i.studyInstanceUid } : {}),
    ...(i.seriesInstanceUid ? { series: i.seriesInstanceUid } : {}),
  };
  return Object.keys(ids).length ? { ids } : {};
}

/** The run's scores.csv rows ([] when the run has not been evaluated). */
async function runRows(runDir: string | undefined): Promise<RunScoreRow[]> {
  if (!runDir) return [];
  return fs.promises.readFile(path.join(runDir, 'scores.csv'), 'utf8').then((t) => parseScoresCsv(t, runDir), () => []);
}

/** The shortcut audit of the first config the daemon can audit (cached in the daemon per dataset state). */
async function auditOf(daemon: DaemonClient, configs: string[]): Promise<DatasetAuditResult | undefined> {
  for (const config of configs) {
    try {
      return await daemon.get().sendRequest(DatasetAuditRequest, { config: vscode.Uri.file(config).toString() });
    } catch (e) {
      daemon.log.appendLine(`gallery: no shortcut audit with ${path.basename(config)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return undefined;
}

export async function openGallery(extensionUri: vscode.Uri, daemon: DaemonClient, target: vscode.Uri | undefined, opts: GalleryOptions = {}): Promise<void> {
  const uri = target ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!uri) return void vscode.window.showWarningMessage('Open a folder or a dataset config to show its gallery.');
  const isDir = fs.statSync(uri.fsPath).isDirectory();
  const folder = isDir ? uri.fsPath : datasetRootOf(uri.fsPath);
  const experiment = !isDir && /\.medad\.ya?ml$/.test(uri.fsPath) ? uri.fsPath : undefined;
  // the run first: its folder (saved maps) must be a resource root of the webview
  const run = experiment ? latestRun((await daemon.get().sendRequest(ListRunsRequest, { experiment: uri.toString() })).runs, experiment) : await runForFile(daemon, folder);
  const runDir = run?.runDir;
  const panel = vscode.window.createWebviewPanel('medad.gallery', `Gallery: ${path.basename(folder)}`, vscode.ViewColumn.Active, {
    ...webviewOptions(extensionUri, [vscode.Uri.file(folder), ...(runDir ? [vscode.Uri.file(runDir)] : [])]),
    retainContextWhenHidden: true,
  });
  const wv = panel.webview;
  wv.html = pageHtml(wv, extensionUri, { title: 'Gallery', script: 'gallery', body: '<div id="app"></div>', init: { folder: folderLabel(folder), overlays: !!opts.overlays } });
  // thumbnails of the visible window that the browser cannot decode, rendered by the daemon as the user scrolls
  const thumbs = new ThumbnailQueue(
    {
      key: (f) => fs.promises.stat(f).then((st) => `${f}\n${st.mtimeMs}\n${st.size}`, () => undefined),
      render: async (f) => (await daemon.get().sendRequest(RenderImageRequest, { image: f })).pngBase64,
    },
    rendered,
    (r) => void wv.postMessage({ type: 'thumb', ...r }),
  );
  let disposed = false;
  panel.onDidDispose(() => {
    disposed = true;
    thumbs.want([]);
  });
  let items: (GalleryItem & { map?: string })[] = [];
  const scoring = new Set<string>();
  wv.onDidReceiveMessage(async (m: { type: string; file?: string; files?: unknown; split?: string }) => {
    if (m.type === 'open' && m.file) await openHeatmap(vscode.Uri.file(m.file), runDir);
    if (m.type === 'thumbs' && Array.isArray(m.files) && !disposed) thumbs.want(m.files.filter((f): f is string => typeof f === 'string'));
    if (m.type === 'score' && runDir) await scoreSplit(m.split);
    if (m.type !== 'ready') return;
    try {
      await loadItems();
      const leak = await leakageOf(daemon, experiment ? [experiment] : configsIn(folder));
      const sides = leak ? [...leak.pairs, ...leak.withinTest].flatMap((p) => [p.a.path, p.b.path]) : [];
      const ok = new Map((await showable(sides)).map((v, k) => [sides[k], v]));
      const side = (i: LeakageImage) => ({ file: i.path, src: ok.get(i.path) ? wv.asWebviewUri(vscode.Uri.file(i.path)).toString() : '', split: i.split, cls: i.className });
      const pair = (p: LeakageResult['pairs'][number]) => ({ a: side(p.a), b: side(p.b), kind: p.kind, distance: p.distance, correlation: p.correlation });
      if (leak) void wv.postMessage({ type: 'duplicates', pairs: leak.pairs.map(pair), withinTest: leak.withinTest.map(pair), checked: leak.checked });
      const audit = await auditOf(daemon, experiment ? [experiment] : configsIn(folder));
      if (audit && audit.images.length && !disposed) {
        const flagged = audit.splits.flatMap((s) => s.descriptors.filter((d) => d.flagged && d.kind === 'numeric').map((d) => ({ descriptor: d.descriptor, auroc: d.auroc })));
        void wv.postMessage({ type: 'audit', descriptors: audit.descriptors, images: audit.images, flagged });
      }
    } catch (e) {
      void wv.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      reportError(daemon, 'gallery', e);
    }
  });

  /** Dataset images with real splits, the run's own scores and maps (scores.csv), its threshold and display range. */
  async function loadItems(): Promise<void> {
    const configs = [...(experiment ? [experiment] : []), ...(run?.experiment ? [toFsPath(run.experiment) ?? run.experiment] : []), ...configsIn(folder)];
    const { images, groupBy } = await galleryImages(daemon, folder, configs);
    items = mergeRunScores(images, await runRows(runDir));
    // src '' = rendered on demand by the daemon (the webview asks for the visible ones)
    const direct = await showable(items.map((i) => i.file));
    const withSrc = items.map((it, k) => ({
      ...it,
      src: direct[k] ? wv.asWebviewUri(vscode.Uri.file(it.file)).toString() : '',
      ...(it.map ? { map: wv.asWebviewUri(vscode.Uri.file(it.map)).toString() } : {}),
    }));
    const info = runDir ? await fs.promises.readFile(path.join(runDir, 'metrics.json'), 'utf8').then((t) => runDisplayInfo(JSON.parse(t)), () => ({})) : {};
    const threshold = runDir ? await fs.promises.readFile(path.join(runDir, 'metrics.json'), 'utf8').then((t) => runThreshold(JSON.parse(t))).catch(() => undefined) : undefined;
    void wv.postMessage({ type: 'items', items: withSrc, run: runDir ? path.basename(runDir) : undefined, threshold, display: info, groupBy });
  }

  /** Scores, through the daemon and once, the images of a split that the run's scores.csv does not cover. */
  async function scoreSplit(split: string | undefined): Promise<void> {
    const files = unscoredIn(items, split).filter((f) => !scoring.has(f));
    if (!runDir || !files.length) return;
    files.forEach((f) => scoring.add(f));
    const r = await runJob(daemon, `medad: scoring ${files.length} ${split ?? ''} images not scored by the run`, ScoreImagesRequest, { runDir, files });
    if (!r) return;
    const got = new Map(r.scores.map((s) => [s.file, s.score]));
    items = items.map((it) => (got.has(it.file) ? { ...it, score: got.get(it.file) as number } : it));
    void wv.postMessage({ type: 'scores', scores: r.scores.map((s) => ({ file: s.file, score: s.score })) });
  }
}
