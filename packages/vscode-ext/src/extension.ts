// Entry point: starts the daemon client, the status bar, the heatmap editor, the gallery, the runs view and the
// commands that code lenses (served by the daemon) name.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EvaluateRequest, ListRunsRequest, TrainRequest, type RunSummary } from '@medad/daemon/protocol';
import { DaemonClient, dataRoots } from './daemon-client.js';
import { reportError, runJob } from './jobs.js';
import { latestRun, toFsPath } from './paths.js';
import { RunsView } from './runs-view.js';
import { forgetScores } from './scores.js';
import { StatusBar } from './status-bar.js';
import { openGallery } from './webviews/gallery-panel.js';
import { registerRunActions } from './run-actions.js';
import { HEATMAP_VIEW, HeatmapEditorProvider, openHeatmap } from './webviews/heatmap-editor.js';
import { showRun } from './webviews/run-panel.js';

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('medad');
  const daemon = new DaemonClient(ctx, log);
  const status = new StatusBar(daemon);
  const runs = new RunsView(daemon);
  const ext = ctx.extensionUri;
  ctx.subscriptions.push(log, daemon, status, vscode.window.registerTreeDataProvider('medad.runs', runs));
  status.onJob((j) => {
    if (j.state !== 'queued' && j.state !== 'running') {
      runs.refresh();
      if (j.kind === 'train' || j.kind === 'evaluate') forgetScores();
    }
  });

  const experimentOf = (arg: unknown): vscode.Uri | undefined => {
    const p = toFsPath(arg) ?? vscode.window.activeTextEditor?.document.uri.fsPath;
    return p ? vscode.Uri.file(p) : undefined;
  };
  const cmd = (id: string, fn: (...args: unknown[]) => unknown) =>
    ctx.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await fn(...args);
      } catch (e) {
        reportError(daemon, id.replace(/^medad\./, ''), e);
      }
    }));

  cmd('medad.train', async (arg) => {
    const exp = experimentOf(arg);
    if (!exp) return;
    const r = await runJob(daemon, `medad: training ${path.basename(exp.fsPath)}`, TrainRequest, { experiment: exp.toString() });
    if (!r) return;
    forgetScores();
    runs.refresh();
    const pick = await vscode.window.showInformationMessage(`Training finished: ${path.basename(r.runDir)}`, 'Evaluate', 'Show heatmaps');
    if (pick === 'Evaluate') await vscode.commands.executeCommand('medad.evaluate', exp);
    if (pick === 'Show heatmaps') await openGallery(ext, daemon, exp, { overlays: true });
  });
  cmd('medad.evaluate', async (arg, runArg) => {
    const exp = experimentOf(arg);
    if (!exp) return;
    const r = await runJob(daemon, `medad: evaluating ${path.basename(exp.fsPath)}`, EvaluateRequest, { experiment: exp.toString(), runDir: toFsPath(runArg) });
    if (!r) return;
    runs.refresh();
    const head = Object.entries(r.metrics).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
    const pick = await vscode.window.showInformationMessage(`Evaluation finished: ${head}`, 'Show run');
    if (pick) await showRun(ext, daemon, r.runDir);
  });
  // Runs view: continue a cancelled / interrupted / failed run from its checkpoint (same run folder).
  cmd('medad.resumeRun', async (arg) => {
    const run = (arg as { run?: RunSummary } | undefined)?.run;
    if (!run?.experiment) return;
    const exp = vscode.Uri.file(run.experiment.replace(/^file:\/\//, ''));
    const r = await runJob(daemon, `medad: resuming ${path.basename(run.runDir)}`, TrainRequest, { experiment: exp.toString(), resume: run.runDir });
    runs.refresh();
    if (!r) return;
    forgetScores();
    void vscode.window.showInformationMessage(`Training finished: ${path.basename(r.runDir)}`);
  });
  // Runs view: a sweep's summary.html (aggregate tables) in the browser.
  cmd('medad.openSweepSummary', async (arg) => {
    const file = typeof arg === 'string' ? arg : (arg as { sweep?: { summaryHtml?: string } } | undefined)?.sweep?.summaryHtml;
    if (!file) return void vscode.window.showInformationMessage('This sweep has no summary yet (it is written when the sweep finishes).');
    await vscode.env.openExternal(vscode.Uri.file(file));
  });
  cmd('medad.showHeatmaps', (arg) => openGallery(ext, daemon, experimentOf(arg), { overlays: true }));
  cmd('medad.showRun', async (arg) => {
    if (arg) return showRun(ext, daemon, arg);
    const exp = experimentOf(undefined);
    const all = (await daemon.get().sendRequest(ListRunsRequest, {})).runs;
    const run = latestRun(all, exp?.fsPath) ?? latestRun(all);
    if (!run) return void vscode.window.showInformationMessage('No finished runs yet.');
    return showRun(ext, daemon, run.runDir);
  });
  cmd('medad.openHeatmap', (arg) => openHeatmap(arg instanceof vscode.Uri ? arg : undefined));
  cmd('medad.openGallery', (arg) => openGallery(ext, daemon, arg instanceof vscode.Uri ? arg : undefined));
  cmd('medad.showQueue', () => status.showQueue());
  registerRunActions(ctx, ext, daemon, () => runs.refresh());
  cmd('medad.restartDaemon', () => daemon.restart());
  cmd('medad.refreshRuns', () => runs.refresh());
  cmd('medad.showLog', () => log.show());

  ctx.subscriptions.push(
    vscode.window.registerCustomEditorProvider(HEATMAP_VIEW, new HeatmapEditorProvider(ext, daemon), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // data roots change the daemon's sandbox at once (read-only folders outside the workspace)
      if (e.affectsConfiguration('medad.dataRoots') && daemon.client?.isRunning())
        void daemon.client.sendNotification('workspace/didChangeConfiguration', { settings: { medad: { dataRoots: dataRoots(vscode.workspace.getConfiguration('medad'), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath) } } });
      if (e.affectsConfiguration('medad.daemon') || e.affectsConfiguration('medad.backend') || e.affectsConfiguration('medad.runDirectory')) {
        void vscode.window.showInformationMessage('medad daemon settings changed.', 'Restart daemon').then((p) => p && daemon.restart());
      }
    }),
    // trusting the workspace lifts the daemon's untrusted limits (no training, no reading outside): restart it
    vscode.workspace.onDidGrantWorkspaceTrust(() => void daemon.restart()),
  );

  try {
    await daemon.start();
    runs.refresh();
  } catch (e) {
    status.markDown();
    reportError(daemon, 'starting the daemon', e);
  }
}

export function deactivate(): void {
  // subscriptions (the client included) are disposed by VS Code
}
