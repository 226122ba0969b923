// The run panel's "Other scores of the same model" table: one row per score variant of the trained detector
// (medad/runMetrics `variants`, e.g. DDAD's rec/intra/inter maps), as an HTML string so it can be unit-tested.
import { escapeXml } from './svg-chart.js';

type Interval = [number, number];

interface Column {
  key: string;
  head: string;
  /** Shown only when some variant has this metric (pixel metrics exist only for datasets with masks). */
  optional: boolean;
}

// keys as the daemon names them (displayMetrics: AUROC/AP upper-case, pixel metrics as core names them)
const COLUMNS: Column[] = [
  { key: 'AUROC', head: 'image AUROC', optional: false },
  { key: 'AP', head: 'image AP', optional: false },
  { key: 'pixelAuroc', head: 'pixel AUROC', optional: true },
  { key: 'bestDice', head: 'best Dice', optional: true },
];

/**
 * The table (with its heading) as HTML; '' when there are no variants. `format` is the panel's number format, so
 * the cells read like the main metrics table; an image-AUROC CI column appears when any variant records one.
 */
export function variantsTableHtml(
  variants: Record<string, Record<string, number>> | undefined,
  format: (v: number) => string,
  intervals: Record<string, Record<string, Interval>> = {},
): string {
  const names = Object.keys(variants ?? {});
  if (!variants || !names.length) return '';
  const has = (key: string) => names.some((n) => typeof variants[n][key] === 'number');
  const cols = COLUMNS.filter((c) => !c.optional || has(c.key));
  const withCi = names.some((n) => intervals[n]?.AUROC);
  const cell = (v: number | undefined) => `<td>${typeof v === 'number' ? escapeXml(format(v)) : '–'}</td>`;
  const head = ['score', ...cols.map((c) => c.head), ...(withCi ? ['AUROC 95% CI'] : [])].map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const rows = names.map((n) => {
    const ci = intervals[n]?.AUROC;
    const ciCell = withCi ? `<td class="ci">${ci ? escapeXml(`${format(ci[0])} – ${format(ci[1])}`) : ''}</td>` : '';
    return `<tr><td>${escapeXml(n)}</td>${cols.map((c) => cell(variants[n][c.key])).join('')}${ciCell}</tr>`;
  });
  return `<h3>Other scores of the same model</h3><table id="variants"><tr>${head}</tr>${rows.join('')}</table>`;
}
