// Context actions of the Runs view: open a run's report, reveal its folder, delete it (after a modal
// confirmation), compare two runs (metrics side by side, ROC/PR curves overlaid). Registered apart from the tree
// itself so the tree's own changes (run states, Resume) stay separate.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ListRunsRequest, RunMetricsRequest } from '@medad/daemon/protocol';
import type { DaemonClient } from './daemon-client.js';
import { toFsPath } from './paths.js';
import { parseScoresCsv } from './run-scores.js';
import { compareHtml, type CompareRun } from './webview-logic/compare.js';
import { escapeHtml } from './webviews/html.js';

/** The run folder of a tree node (`{ kind: 'run', run }`), a path or a URI. */
export function runDirOf(arg: unknown): string | undefined {
  const node = arg as { run?: { runDir?: unknown } } | undefined;
  if (node && typeof node === 'object' && node.run && typeof node.run.runDir === 'string') return node.run.runDir;
  return toFsPath(arg);
}

async function pickRun(daemon: DaemonClient, title: string, exclude?: string): Promise<string | undefined> {
  const { runs } = await daemon.get().sendRequest(ListRunsRequest, {});
  const pick = await vscode.window.showQuickPick(
    runs.filter((r) => r.runDir !== exclude).map((r) => ({ label: path.basename(r.runDir), description: [r.detector, r.state].filter(Boolean).join(' · '), detail: r.runDir, runDir: r.runDir })),
    { title, matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.runDir;
}

async function compareRun(daemon: DaemonClient, runDir: string): Promise<CompareRun> {
  const m = await daemon.get().sendRequest(RunMetricsRequest, { runDir }).catch(() => ({ metrics: {} as Record<string, number> }));
  const rows = await fs.readFile(path.join(runDir, 'scores.csv'), 'utf8').then((t) => parseScoresCsv(t, runDir), () => []);
  const ok = rows.filter((r) => Number.isFinite(r.score));
  return { name: path.basename(runDir), metrics: m.metrics, scores: ok.map((r) => r.score), labels: ok.map((r) => r.label) };
}

export function registerRunActions(ctx: vscode.ExtensionContext, extensionUri: vscode.Uri, daemon: DaemonClient, refresh: () => void): void {
  const reg = (id: string, fn: (arg: unknown) => Promise<unknown>) =>
    ctx.subscriptions.push(vscode.commands.registerCommand(id, async (arg: unknown) => {
      try {
        await fn(arg);
      } catch (e) {
        void vscode.window.showErrorMessage(`medad: ${e instanceof Error ? e.message : String(e)}`);
      }
    }));

  reg('medad.openReport', async (arg) => {
    const runDir = runDirOf(arg) ?? (await pickRun(daemon, 'Open the report of a run'));
    if (!runDir) return;
    const report = path.join(runDir, 'report.html');
    if (!(await fs.stat(report).catch(() => undefined))) return void vscode.window.showInformationMessage(`${path.basename(runDir)} has no report yet: evaluate it first.`);
    await vscode.env.openExternal(vscode.Uri.file(report));
  });

  reg('medad.revealRun', async (arg) => {
    const runDir = runDirOf(arg) ?? (await pickRun(daemon, 'Reveal a run folder'));
    if (runDir) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(runDir));
  });

  reg('medad.deleteRun', async (arg) => {
    const runDir = runDirOf(arg) ?? (await pickRun(daemon, 'Delete a run'));
    if (!runDir) return;
    // only a medad run folder (it has run.json), never an arbitrary path handed to the command
    if (!(await fs.stat(path.join(runDir, 'run.json')).catch(() => undefined))) throw new Error(`${runDir} is not a medad run folder (no run.json)`);
    const ok = await vscode.window.showWarningMessage(`Delete run ${path.basename(runDir)}?`, { modal: true, detail: `${runDir}\nIts model, checkpoints, metrics, maps and report are deleted.` }, 'Delete');
    if (ok !== 'Delete') return;
    await fs.rm(runDir, { recursive: true, force: true });
    refresh();
  });

  reg('medad.compareRuns', async (arg) => {
    const first = runDirOf(arg) ?? (await pickRun(daemon, 'Compare runs: the first run'));
    if (!first) return;
    const second = await pickRun(daemon, `Compare ${path.basename(first)} with…`, first);
    if (!second) return;
    const [a, b] = await Promise.all([compareRun(daemon, first), compareRun(daemon, second)]);
    const panel = vscode.window.createWebviewPanel('medad.compare', `Compare: ${a.name} ↔ ${b.name}`, vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'media')] });
    const css = panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', 'medad.css'));
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${panel.webview.cspSource}; img-src ${panel.webview.cspSource}">
<link rel="stylesheet" href="${css.toString()}"><title>Compare runs</title></head><body><h2>${escapeHtml(a.name)} ↔ ${escapeHtml(b.name)}</h2>${compareHtml(a, b)}</body></html>`;
  });
}
