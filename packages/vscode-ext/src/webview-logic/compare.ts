// Two runs side by side: one row per metric either run has (with the difference), and both runs' ROC and PR
// curves from their scores.csv overlaid on one chart each. Pure: the panel only wraps the HTML.
import { escapeXml, lineChartSvg } from './svg-chart.js';
import { prPoints, rocPoints } from './curves.js';

export interface CompareRun {
  name: string;
  metrics: Record<string, number>;
  /** Test scores and labels (the run's scores.csv); empty when the run was not evaluated. */
  scores: number[];
  labels: (0 | 1)[];
}

export interface CompareRow {
  metric: string;
  a?: number;
  b?: number;
  /** b − a when both have the metric. */
  delta?: number;
}

export function compareRows(a: Record<string, number>, b: Record<string, number>): CompareRow[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return names.map((metric) => {
    const va = a[metric];
    const vb = b[metric];
    return { metric, ...(va !== undefined ? { a: va } : {}), ...(vb !== undefined ? { b: vb } : {}), ...(va !== undefined && vb !== undefined ? { delta: vb - va } : {}) };
  });
}

const f = (v?: number) => (v === undefined ? '—' : Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : v.toFixed(4));

export function compareHtml(a: CompareRun, b: CompareRun): string {
  const rows = compareRows(a.metrics, b.metrics)
    .map((r) => `<tr><td>${escapeXml(r.metric)}</td><td>${f(r.a)}</td><td>${f(r.b)}</td><td>${r.delta === undefined ? '—' : `${r.delta > 0 ? '+' : ''}${f(r.delta)}`}</td></tr>`)
    .join('');
  const table = `<table id="compare-metrics"><thead><tr><th>metric</th><th>${escapeXml(a.name)}</th><th>${escapeXml(b.name)}</th><th>difference</th></tr></thead><tbody>${rows}</tbody></table>`;
  const both = [a, b].filter((r) => r.scores.length && r.labels.includes(0) && r.labels.includes(1));
  if (both.length === 0) return `${table}<p class="muted">No curves: neither run has test scores with both classes (evaluate them).</p>`;
  const roc = lineChartSvg({
    title: 'ROC (test split)', xLabel: 'false-positive rate', yLabel: 'true-positive rate', diagonal: true,
    series: both.map((r, k) => ({ ...pick(rocPoints(r.scores, r.labels)), label: r.name.slice(0, 16), cls: `series-${k}` })),
  });
  const pr = lineChartSvg({
    title: 'Precision–recall (test split)', xLabel: 'recall', yLabel: 'precision', legend: 'left',
    series: both.map((r, k) => ({ ...pick(prPoints(r.scores, r.labels)), label: r.name.slice(0, 16), cls: `series-${k}` })),
  });
  return `${table}<div class="charts" id="compare-curves">${roc}${pr}</div>`;
}

function pick(p: { x: number[]; y: number[] }): { x: number[]; y: number[] } {
  return { x: p.x, y: p.y };
}
