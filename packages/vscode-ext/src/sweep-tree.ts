// The Runs view's sweeps (no `vscode` import, so it is unit-tested): a sweep is one node (name, runs done/total, the
// headline of its aggregate); under it one node per setting with that setting's mean ± SD over seeds and its
// t-interval; under a setting its score variants (each metric summarised) and its runs.
import type { RunSummary, SweepMetricSummary, SweepSummary } from '@medad/daemon/protocol';

export type SweepNode =
  | { kind: 'sweep'; sweep: SweepSummary }
  | { kind: 'setting'; sweep: SweepSummary; setting: number }
  | { kind: 'variant'; sweep: SweepSummary; setting: number; variant: string }
  | { kind: 'aggMetric'; name: string; summary: SweepMetricSummary; confidence: number }
  | { kind: 'run'; run: RunSummary };

/** What a tree item shows; the view turns it into a vscode.TreeItem. */
export interface NodeText {
  label: string;
  description: string;
  tooltip: string;
  icon: string;
  expandable: boolean;
  contextValue?: string;
}

/** The context value of a sweep with a summary.html (its "Open summary" action shows only then). */
export const SWEEP_WITH_SUMMARY = 'medad.sweep.summary';

const num = (x: number) => (Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.001) ? x.toPrecision(3) : x.toFixed(3));

/** `0.812 ± 0.031 [0.741, 0.883] n=3`; one seed: `0.812 n=1` (no spread to show). */
export function formatSummary(m: SweepMetricSummary): string {
  if (m.sd === undefined || m.n < 2) return `${num(m.mean)} n=${m.n}`;
  return `${num(m.mean)} ± ${num(m.sd)}${m.ci ? ` [${num(m.ci[0])}, ${num(m.ci[1])}]` : ''} n=${m.n}`;
}

/** The metric a one-line description shows: AUROC when there is one, else the first. */
export function headline(metrics: Record<string, SweepMetricSummary> | undefined): [string, SweepMetricSummary] | undefined {
  const names = Object.keys(metrics ?? {});
  const name = names.find((k) => /^auroc$/i.test(k)) ?? names.find((k) => /auroc/i.test(k)) ?? names[0];
  return name && metrics ? [name, metrics[name]] : undefined;
}

const settingOf = (s: SweepSummary, i: number) => s.aggregate?.settings.find((a) => a.label === s.settings[i]?.label);

function progress(s: SweepSummary): string {
  const parts = [`${s.done}/${s.total} runs done`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (!s.finishedAt && s.done + s.failed < s.total) parts.push('running');
  return parts.join(', ');
}

function settingLine(s: SweepSummary, i: number): string {
  const h = headline(settingOf(s, i)?.variants.main);
  return h ? `${h[0]} ${formatSummary(h[1])}` : 'no evaluated run yet';
}

export function sweepChildren(node: SweepNode): SweepNode[] {
  if (node.kind === 'sweep') return node.sweep.settings.map((_, setting) => ({ kind: 'setting', sweep: node.sweep, setting }));
  if (node.kind === 'setting') {
    const agg = settingOf(node.sweep, node.setting);
    const variants: SweepNode[] = Object.keys(agg?.variants ?? {}).map((variant) => ({ kind: 'variant', sweep: node.sweep, setting: node.setting, variant }));
    const runs: SweepNode[] = node.sweep.runs.filter((r) => r.setting === node.setting).map((run) => ({ kind: 'run', run }));
    return [...variants, ...runs];
  }
  if (node.kind === 'variant') {
    const metrics = settingOf(node.sweep, node.setting)?.variants[node.variant] ?? {};
    const confidence = node.sweep.aggregate?.confidence ?? 0.95;
    return Object.entries(metrics).map(([name, summary]) => ({ kind: 'aggMetric', name, summary, confidence }));
  }
  return [];
}

/** Text of every sweep node but 'run' (the view draws runs as elsewhere). */
export function sweepNodeText(node: Exclude<SweepNode, { kind: 'run' }>): NodeText {
  if (node.kind === 'sweep') {
    const s = node.sweep;
    const pct = Math.round(100 * (s.aggregate?.confidence ?? 0.95));
    const lines = [s.sweepDir, progress(s), `mean ± SD over seeds [${pct}% t-interval of the mean]${s.aggregate?.partial ? ' (partial: runs still going)' : ''}`];
    s.settings.forEach((set, i) => lines.push(`${set.label}: ${settingLine(s, i)}`));
    for (const p of s.problems ?? []) lines.push(`problem: ${p}`);
    const best = s.settings.length === 1 ? ` · ${settingLine(s, 0)}` : ` · ${s.settings.length} settings`;
    return {
      label: s.name,
      description: `${progress(s)}${best}`,
      tooltip: lines.join('\n'),
      icon: s.failed ? 'warning' : s.finishedAt || s.done === s.total ? 'layers' : 'sync~spin',
      expandable: s.settings.length > 0,
      contextValue: s.summaryHtml ? SWEEP_WITH_SUMMARY : 'medad.sweep',
    };
  }
  if (node.kind === 'setting') {
    const s = node.sweep;
    const runs = s.runs.filter((r) => r.setting === node.setting);
    const total = Math.max(runs.length, s.total / Math.max(1, s.settings.length));
    const agg = settingOf(s, node.setting);
    const done = runs.filter((r) => r.sweepState === 'done').length;
    const lines = Object.entries(agg?.variants ?? {}).flatMap(([v, ms]) => Object.entries(ms).map(([m, x]) => `${v} ${m}: ${formatSummary(x)}`));
    return {
      label: s.settings[node.setting]?.label ?? `setting ${node.setting + 1}`,
      description: `${settingLine(s, node.setting)} · ${done}/${total} seeds`,
      tooltip: [`seeds ${agg?.seeds.join(', ') || '-'}`, ...lines].join('\n'),
      icon: 'symbol-variable',
      expandable: true,
    };
  }
  if (node.kind === 'variant') {
    const metrics = settingOf(node.sweep, node.setting)?.variants[node.variant] ?? {};
    const h = headline(metrics);
    return { label: node.variant, description: h ? `${h[0]} ${formatSummary(h[1])}` : '', tooltip: `score variant '${node.variant}' over seeds`, icon: 'graph', expandable: Object.keys(metrics).length > 0 };
  }
  const m = node.summary;
  return {
    label: node.name,
    description: formatSummary(m),
    tooltip: `mean ${m.mean}${m.sd !== undefined ? `, SD ${m.sd}` : ''}${m.ci ? `, ${Math.round(100 * node.confidence)}% t-interval of the mean [${m.ci[0]}, ${m.ci[1]}]` : ''}\nper seed: ${m.values.join(', ')}`,
    icon: 'symbol-number',
    expandable: false,
  };
}
