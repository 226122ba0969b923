// Read-only custom editor "Anomaly Heatmap" for images: the webview draws the image and overlays the anomaly map
// the daemon computed (requested as a gray PNG, so colour map, opacity and threshold are applied client-side).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HeatmapRequest, ListRunsRequest, RenderImageRequest, type Normalisation, type RenderImageResult, type RunSummary } from '@medad/daemon/protocol';
import type { DaemonClient } from '../daemon-client.js';
import { reportError } from '../jobs.js';
import { ANY_IMAGE, browserCanShow, isUsableRun, latestRun, maskCandidates } from '../paths.js';
import { runDisplayInfo } from '../run-info.js';
import { parseScoresCsv } from '../run-scores.js';
import { standing } from '../webview-logic/histogram.js';
import { pageHtml, webviewOptions } from './html.js';

export const HEATMAP_VIEW = 'medad.heatmap';

/** The run to explain an image with: the latest finished run that scored the image (its scores.csv lists it), else
 * the latest of the runs whose experiment folder is the nearest ancestor of the image, else the latest run. */
export async function runForFile(daemon: DaemonClient, file: string, preferred?: string): Promise<RunSummary | undefined> {
  const { runs } = await daemon.get().sendRequest(ListRunsRequest, {});
  if (preferred) return runs.find((r) => path.resolve(r.runDir) === path.resolve(preferred)) ?? { runDir: preferred, state: 'finished' };
  const usable = runs.filter(isUsableRun).sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''));
  for (const r of usable) if ((await scoredFiles(r.runDir)).has(path.resolve(file))) return r;
  const dirOf = (r: RunSummary) => path.dirname(r.experiment?.replace(/^file:\/\//, '') ?? '');
  const near = usable.filter((r) => r.experiment && file.startsWith(dirOf(r) + path.sep));
  const depth = Math.max(-1, ...near.map((r) => dirOf(r).length));
  return latestRun(near.filter((r) => dirOf(r).length === depth)) ?? latestRun(runs);
}

/** The images a run's scores.csv lists (cached by the file's mtime; empty for a run not evaluated). */
const scoredCache = new Map<string, { mtimeMs: number; files: Set<string> }>();
async function scoredFiles(runDir: string): Promise<Set<string>> {
  const csv = path.join(runDir, 'scores.csv');
  const st = await fs.promises.stat(csv).catch(() => undefined);
  if (!st) return new Set();
  const hit = scoredCache.get(runDir);
  if (hit?.mtimeMs === st.mtimeMs) return hit.files;
  const files = await fs.promises.readFile(csv, 'utf8').then((t) => new Set(parseScoresCsv(t, runDir).map((r) => r.path)), () => new Set<string>());
  scoredCache.set(runDir, { mtimeMs: st.mtimeMs, files });
  return files;
}

/** Every run that can score an image (finished, with a model), newest first: the heatmap's run picker. */
async function usableRuns(daemon: DaemonClient): Promise<{ runDir: string; label: string }[]> {
  const { runs } = await daemon.get().sendRequest(ListRunsRequest, {});
  return runs
    .filter(isUsableRun)
    .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
    .map((r) => ({ runDir: r.runDir, label: `${path.basename(r.runDir)}${r.detector ? ` (${r.detector})` : ''}` }));
}

/** The run's metrics.json and scores.csv as the heatmap needs them; {} / [] for a run not evaluated yet. */
async function runFiles(runDir: string): Promise<{ info: ReturnType<typeof runDisplayInfo>; testScores: number[] }> {
  const info = await fs.promises.readFile(path.join(runDir, 'metrics.json'), 'utf8').then((t) => runDisplayInfo(JSON.parse(t)), () => ({}));
  const testScores = await fs.promises.readFile(path.join(runDir, 'scores.csv'), 'utf8').then((t) => parseScoresCsv(t, runDir).map((r) => r.score).filter(Number.isFinite), () => []);
  return { info, testScores };
}

export class HeatmapEditorProvider implements vscode.CustomReadonlyEditorProvider {
  /** A run chosen by a command (e.g. from the gallery) for the next editor of that file. */
  static readonly pendingRun = new Map<string, string>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly daemon: DaemonClient,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const file = doc.uri.fsPath;
    const wv = panel.webview;
    wv.options = webviewOptions(this.extensionUri, [vscode.Uri.file(path.dirname(file))]);
    const cfg = vscode.workspace.getConfiguration('medad.heatmap');
    const mask = maskCandidates(file).find((m) => fs.existsSync(m));
    const direct = browserCanShow(file, readHead(file));
    wv.html = pageHtml(wv, this.extensionUri, {
      title: `Heatmap: ${path.basename(file)}`,
      script: 'heatmap',
      body: '<div id="app"></div>',
      init: {
        file: vscode.workspace.asRelativePath(file),
        imageSrc: direct ? wv.asWebviewUri(doc.uri).toString() : undefined,
        maskSrc: mask ? wv.asWebviewUri(vscode.Uri.file(mask)).toString() : undefined,
        colormap: cfg.get('colormap', 'jet'),
        opacity: cfg.get('opacity', 0.5),
        // null: the run's pixel threshold (metrics.json display.pixelThreshold), not 0 (which tints every pixel)
        threshold: cfg.get<number | null>('threshold', null),
        normalisation: cfg.get<Normalisation>('normalisation', 'global'),
      },
    });
    const chosen = { runDir: HeatmapEditorProvider.pendingRun.get(file), normalisation: cfg.get<Normalisation>('normalisation', 'global'), slice: 0 };
    HeatmapEditorProvider.pendingRun.delete(file);
    wv.onDidReceiveMessage((m: { type: string; slice?: number; runDir?: string; normalisation?: string }) => {
      if (m.type === 'ready') void this.load(file, wv, chosen.normalisation, direct, 0, chosen.runDir);
      // another slice of a volume (or frame of a multi-frame DICOM): its image and its map; no dataset rank
      if (m.type === 'slice' && typeof m.slice === 'number') {
        chosen.slice = m.slice;
        void this.load(file, wv, chosen.normalisation, direct, m.slice, chosen.runDir);
      }
      // the run picker and the scale (run / image / fixed) re-request the map
      if (m.type === 'options') {
        if (typeof m.runDir === 'string') chosen.runDir = m.runDir;
        if (m.normalisation === 'global' || m.normalisation === 'image' || m.normalisation === 'fixed') chosen.normalisation = m.normalisation;
        void this.load(file, wv, chosen.normalisation, direct, chosen.slice, chosen.runDir);
      }
    });
  }

  private async load(file: string, wv: vscode.Webview, normalisation: Normalisation, direct: boolean, slice: number, preferredRun?: string): Promise<void> {
    const post = (msg: unknown) => void wv.postMessage(msg);
    try {
      // formats the webview cannot show come decoded and windowed from the daemon (before the map: no run needed)
      let source: RenderImageResult | undefined;
      if (!direct) {
        source = await this.daemon.get().sendRequest(RenderImageRequest, { image: file, slice });
        post({ type: 'source', png: source.pngBase64, slice: source.slice, frames: source.frames, format: source.format, bitDepth: source.bitDepth, window: source.window });
      }
      const run = await runForFile(this.daemon, file, preferredRun);
      if (!run) {
        post({ type: 'error', message: 'No finished run yet: train an experiment first (the Train lens on its config).' });
        return;
      }
      post({ type: 'runs', runs: await usableRuns(this.daemon).catch(() => []), current: run.runDir, normalisation });
      post({ type: 'status', message: `Computing the anomaly map with ${path.basename(run.runDir)}…` });
      const { info, testScores } = await runFiles(run.runDir);
      // 'fixed': the medad.heatmap.fixedRange setting, else the run's display range (then it equals 'global')
      const fixed = vscode.workspace.getConfiguration('medad.heatmap').get<[number, number] | null>('fixedRange', null) ?? info.range;
      const r = await this.daemon.get().sendRequest(HeatmapRequest, {
        runDir: run.runDir, image: file, colormap: 'gray', normalisation, output: 'base64', ...(slice ? { slice } : {}), ...(normalisation === 'fixed' && fixed ? { range: fixed } : {}),
      });
      let png = r.pngBase64;
      if (!png && r.mapPath) png = (await fs.promises.readFile(r.mapPath)).toString('base64');
      post({ type: 'heatmap', png, score: r.score, range: r.range, width: r.width, height: r.height, run: path.basename(run.runDir), slice, info });
      if (slice > 0 || (source && source.frames > 1)) return;
      // rank among the run's scored test images (its scores.csv): no re-scoring of the dataset
      if (testScores.length) post({ type: 'standing', ...standing(testScores, r.score) });
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      reportError(this.daemon, 'heatmap', e);
    }
  }
}

/** The first bytes of a file (a PNG's header says its bit depth); empty when it cannot be read. */
function readHead(file: string): Uint8Array {
  const head = Buffer.alloc(32);
  try {
    const fd = fs.openSync(file, 'r');
    try {
      return head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return new Uint8Array();
  }
}

/** Opens the heatmap editor for an image: the given one, the active editor's, or one picked from the workspace. */
export async function openHeatmap(uri: vscode.Uri | undefined, runDir?: string): Promise<unknown> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const active = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  let target = uri ?? (active && ANY_IMAGE.test(active.fsPath) ? active : undefined);
  if (!target) {
    const files = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,tif,tiff,dcm,nii,nii.gz}', '**/{node_modules,masks,runs}/**', 20_000);
    const pick = await vscode.window.showQuickPick(
      files.map((f) => ({ label: path.basename(f.fsPath), description: vscode.workspace.asRelativePath(path.dirname(f.fsPath)), uri: f })).sort((a, b) => a.label.localeCompare(b.label)),
      { title: 'Open Anomaly Heatmap', placeHolder: 'Image to explain', matchOnDescription: true },
    );
    target = pick?.uri;
  }
  if (!target) return;
  if (runDir) HeatmapEditorProvider.pendingRun.set(target.fsPath, runDir);
  return vscode.commands.executeCommand('vscode.openWith', target, HEATMAP_VIEW);
}
