// The sweep's self-contained HTML summary: one table per score variant, a row per setting, mean ± SD [CI] per metric.
import type { SweepAggregate } from './aggregate.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const num = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '–');

export function sweepHtml(title: string, agg: SweepAggregate): string {
  const variants = [...new Set(agg.settings.flatMap((s) => Object.keys(s.variants)))];
  const tables = variants.map((v) => {
    const metrics = [...new Set(agg.settings.flatMap((s) => Object.keys(s.variants[v] ?? {})))];
    const head = `<tr><th>setting</th><th>seeds</th>${metrics.map((m) => `<th>${esc(m)}</th>`).join('')}</tr>`;
    const rows = agg.settings.map((s) => {
      const cells = metrics.map((m) => {
        const x = s.variants[v]?.[m];
        if (!x) return '<td>–</td>';
        const ci = x.ci ? ` <span class="ci">[${num(x.ci[0])}, ${num(x.ci[1])}]</span>` : '';
        return `<td title="${esc(x.values.map(num).join(', '))}">${num(x.mean)} ± ${num(x.sd)}${ci}</td>`;
      });
      return `<tr><td>${esc(s.label)}</td><td>${s.seeds.length}</td>${cells.join('')}</tr>`;
    });
    return `<h2>${esc(v)}</h2><table>${head}${rows.join('')}</table>`;
  });
  const notes = agg.settings.flatMap((s) => s.notes.map((n) => `<li>${esc(s.label)}: ${esc(n)}</li>`));
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:first-child,th:first-child{text-align:left}.ci{color:#777;font-size:.85em}
</style></head><body><h1>${esc(title)}</h1>
<p>Mean ± sample SD over seeds, with the ${Math.round(agg.confidence * 100)}% t-interval of the mean in brackets (hover a cell for the per-seed values). Thresholded metrics use each run's validation threshold.</p>
${tables.join('\n')}${notes.length ? `<h2>Notes</h2><ul>${notes.join('')}</ul>` : ''}</body></html>
`;
}
