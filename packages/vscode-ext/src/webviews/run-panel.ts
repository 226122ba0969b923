// Run panel: metrics table (with confidence intervals when the run records them), the detector's other scores from
// the same model, ROC and PR curves and score histograms from the run's test scores, and the most anomalous images.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ListRunsRequest, RunMetricsRequest } from '@medad/daemon/protocol';
import type { DaemonClient } from '../daemon-client.js';
import { reportError } from '../jobs.js';
import { BROWSER_IMAGE, labelOf, runThreshold, toFsPath } from '../paths.js';
import { runDisplayInfo } from '../run-info.js';
import { parseScoresCsv } from '../run-scores.js';
import { datasetRootOf, datasetScores } from '../scores.js';
import { openHeatmap } from './heatmap-editor.js';
import { pageHtml, webviewOptions } from './html.js';

const panels = new Map<string, vscode.WebviewPanel>();

export async function showRun(extensionUri: vscode.Uri, daemon: DaemonClient, ref: unknown): Promise<void> {
  const runDir = toFsPath(ref);
  if (!runDir) return void vscode.window.showWarningMessage('Pick a run in the medad Runs view.');
  const existing = panels.get(runDir);
  if (existing) return existing.reveal();
  const panel = vscode.window.createWebviewPanel('medad.run', `Run: ${path.basename(runDir)}`, vscode.ViewColumn.Active, {
    ...webviewOptions(extensionUri, [vscode.Uri.file(runDir)]),
    retainContextWhenHidden: true,
  });
  panels.set(runDir, panel);
  panel.onDidDispose(() => panels.delete(runDir));
  const wv = panel.webview;
  wv.html = pageHtml(wv, extensionUri, { title: 'Run', script: 'run', body: '<div id="app"></div>', init: { run: path.basename(runDir) } });
  wv.onDidReceiveMessage(async (m: { type: string; file?: string }) => {
    if (m.type === 'open' && m.file) await openHeatmap(vscode.Uri.file(m.file), runDir);
    if (m.type !== 'ready') return;
    try {
      const metrics = await daemon.get().sendRequest(RunMetricsRequest, { runDir });
      void wv.postMessage({
        type: 'metrics', metrics: metrics.metrics, intervals: metrics.intervals, curves: metrics.curves,
        variants: metrics.variants, variantIntervals: metrics.variantIntervals, shortcuts: metrics.shortcuts,
      });
      const metricsFile = await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined);
      const info = runDisplayInfo(metricsFile);
      if (info.thresholdWarning) void wv.postMessage({ type: 'threshold-warning', message: info.thresholdWarning, ci: info.thresholdCi });
      // the run's decision threshold (chosen on validation data) is not part of medad/runMetrics: metrics.json has it
      const threshold = runThreshold(metricsFile);
      // the run's own test scores (scores.csv); the daemon re-scores only for a run evaluated without one
      let test = await fs.readFile(path.join(runDir, 'scores.csv'), 'utf8').then((t) => parseScoresCsv(t, runDir).map((r) => ({ file: r.path, cls: r.className, score: r.score, label: r.label })), () => undefined);
      if (!test) {
        const { runs } = await daemon.get().sendRequest(ListRunsRequest, {});
        const exp = runs.find((r) => path.resolve(r.runDir) === path.resolve(runDir))?.experiment;
        if (!exp) return void wv.postMessage({ type: 'note', message: 'The run has no scores.csv (evaluate it) and does not name its experiment: no per-image scores.' });
        const scores = await datasetScores(daemon, runDir, datasetRootOf(toFsPath(exp) ?? exp));
        test = (scores ?? []).filter((s) => s.split === 'test').map((s) => ({ file: s.file, cls: s.cls, score: s.score, label: labelOf(s.cls) }));
      }
      void wv.postMessage({
        type: 'scores',
        threshold,
        items: test.map((s) => ({ file: s.file, cls: s.cls, score: s.score, label: s.label, src: BROWSER_IMAGE.test(s.file) ? wv.asWebviewUri(vscode.Uri.file(s.file)).toString() : '' })),
      });
    } catch (e) {
      void wv.postMessage({ type: 'note', message: e instanceof Error ? e.message : String(e) });
      reportError(daemon, 'run panel', e);
    }
  });
}
