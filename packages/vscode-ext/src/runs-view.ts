// "medad Runs" tree: experiments -> runs (state, headline metric) -> metrics, then sweeps -> settings (aggregate
// over seeds) -> score variants and runs (sweep-tree.ts). Refreshed when a job finishes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ListRunsRequest, ListSweepsRequest, type RunSummary, type SweepSummary } from '@medad/daemon/protocol';
import type { DaemonClient } from './daemon-client.js';
import { runContextValue, runIcon, runStateText } from './run-state.js';
import { sweepChildren, sweepNodeText, type SweepNode } from './sweep-tree.js';

export type Node = { kind: 'experiment'; name: string; runs: RunSummary[] } | { kind: 'metric'; name: string; value: number } | SweepNode;


export class RunsView implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly daemon: DaemonClient) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      let runs: RunSummary[];
      try {
        runs = (await this.daemon.get().sendRequest(ListRunsRequest, {})).runs;
      } catch {
        return [];
      }
      const groups = new Map<string, RunSummary[]>();
      for (const r of runs) {
        // workspace-relative: two studies' experiment.medad.yaml are two groups, not one
        const name = r.experiment ? vscode.workspace.asRelativePath(r.experiment.replace(/^file:\/\//, '')) : '(unknown experiment)';
        groups.set(name, [...(groups.get(name) ?? []), r]);
      }
      const experiments: Node[] = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, rs]) => ({
        kind: 'experiment',
        name,
        runs: rs.sort((a, b) => (b.startedAt ?? b.runDir).localeCompare(a.startedAt ?? a.runDir)),
      }));
      // an older daemon without medad/listSweeps: runs only
      const sweeps: SweepSummary[] = await this.daemon.get().sendRequest(ListSweepsRequest, {}).then((r) => r.sweeps, () => []);
      return [...experiments, ...sweeps.map((sweep): Node => ({ kind: 'sweep', sweep }))];
    }
    if (node.kind === 'experiment') return node.runs.map((run) => ({ kind: 'run', run }));
    if (node.kind === 'run') return Object.entries(node.run.metrics ?? {}).map(([name, value]) => ({ kind: 'metric', name, value }));
    if (node.kind === 'metric') return [];
    return sweepChildren(node);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const t = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      t.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`;
      t.iconPath = new vscode.ThemeIcon('beaker');
      return t;
    }
    if (node.kind === 'run') {
      const r = node.run;
      const m = r.metrics ?? {};
      const head = Object.keys(m).find((k) => /auroc/i.test(k)) ?? Object.keys(m)[0];
      const t = new vscode.TreeItem(path.basename(r.runDir), Object.keys(m).length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      t.description = [r.detector, runStateText(r), head ? `${head} ${m[head].toFixed(3)}` : ''].filter(Boolean).join(' · ');
      t.tooltip = `${r.runDir}\n${r.startedAt ?? ''} → ${r.finishedAt ?? ''}`;
      t.iconPath = new vscode.ThemeIcon(runIcon(r));
      t.contextValue = runContextValue(r);
      t.command = { command: 'medad.showRun', title: 'Show run', arguments: [r.runDir] };
      return t;
    }
    if (node.kind !== 'metric') {
      const text = sweepNodeText(node);
      const t = new vscode.TreeItem(text.label, text.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      t.description = text.description;
      t.tooltip = text.tooltip;
      t.iconPath = new vscode.ThemeIcon(text.icon);
      if (text.contextValue) t.contextValue = text.contextValue;
      return t;
    }
    const t = new vscode.TreeItem(node.name);
    t.description = Number.isInteger(node.value) ? String(node.value) : node.value.toFixed(4);
    return t;
  }
}
