// Code lenses on experiment configs: Train / Evaluate / Show heatmaps, and the latest finished run's metrics.
// A lens is emitted only for commands the client declared (initializationOptions.supportedCommands or
// capabilities.experimental.medad.supportedCommands): an editor that cannot run it would show a dead button.
import type { CodeLens } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditorEngine, Range } from '../engine/types.js';
import { configKindOf } from '../engine/core-adapter.js';
import { Commands } from '../protocol.js';
import type { RunSummary } from '../protocol.js';
import { filePathOf } from './diagnostics.js';

export function ago(iso: string, now = Date.now()): string {
  const min = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} days ago`;
}

export function metricsTitle(run: RunSummary, now = Date.now()): string {
  const parts = Object.entries(run.metrics ?? {}).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  if (run.finishedAt) parts.push(ago(run.finishedAt, now));
  return parts.join(' · ');
}

export async function codeLenses(
  engine: EditorEngine,
  doc: TextDocument,
  supported: ReadonlySet<string>,
  runRoot: string | undefined,
): Promise<CodeLens[]> {
  const text = doc.getText();
  if (configKindOf(text) !== 'experiment') return [];
  const file = filePathOf(doc.uri);
  const range: Range = engine.rangeOf(text, ['medad'], 'key') ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const lenses: CodeLens[] = [];
  const add = (title: string, command: string, args: unknown[]) => {
    if (supported.has(command)) lenses.push({ range, command: { title, command, arguments: args } });
  };
  // an invalid config gets no working Train button: a disabled lens (no command) that says why
  const errors = engine.analyse(text, file).issues.filter((i) => i.severity === 'error');
  if (errors.length && supported.has(Commands.train)) {
    const first = errors[0];
    lenses.push({ range, command: { title: `⊘ Train: fix ${errors.length} error${errors.length === 1 ? '' : 's'} first (line ${first.start.line + 1}: ${first.message.slice(0, 80)})`, command: '' } });
  } else add('▶ Train', Commands.train, [doc.uri]);
  add('Evaluate', Commands.evaluate, [doc.uri]);
  add('Show heatmaps', Commands.showHeatmaps, [doc.uri]);
  if (supported.has(Commands.showRun) && runRoot) {
    const runs = await engine.listRuns(runRoot).catch(() => [] as RunSummary[]);
    const latest = runs
      .filter((r) => r.state === 'finished' && (!r.experiment || r.experiment === file) && r.finishedAt)
      .sort((a, b) => Date.parse(b.finishedAt ?? '') - Date.parse(a.finishedAt ?? ''))[0];
    if (latest) add(metricsTitle(latest), Commands.showRun, [latest.runDir]);
  }
  return lenses;
}
