// SVG charts for the webviews (ported from core's report/svg.ts, which the extension may not import): ROC / PR line
// charts with axes, ticks, labels, a chance line and the operating point, and overlaid score histograms with the
// threshold marked. Colours are CSS classes, never attribute values: medad.css maps them to VS Code theme variables
// (presentation attributes cannot use var(), and the CSP forbids inline styles), so light, dark and high-contrast
// themes recolour the charts without redrawing.

export interface ChartSize {
  width: number;
  height: number;
}

export interface LineSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label: string;
  /** CSS class of the series (colour), e.g. 'series-0'. */
  cls: string;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** The chance line y = x (ROC). */
  diagonal?: boolean;
  /** A horizontal chance line (PR: the prevalence). */
  baseline?: number;
  /** The operating point of the current threshold. */
  marker?: { x: number; y: number; label: string };
  /** Corner of the legend (away from where the curve runs: bottom right for ROC, bottom left for PR). */
  legend?: 'left' | 'right';
  size?: ChartSize;
}

export interface HistogramGroup {
  counts: readonly number[];
  label: string;
  cls: string;
}

export interface HistogramChart {
  title: string;
  xLabel: string;
  /** Shared bin range of every group. */
  lo: number;
  hi: number;
  groups: HistogramGroup[];
  threshold?: number;
  size?: ChartSize;
}

const M = { left: 46, right: 10, top: 10, bottom: 38 };
const DEFAULT: ChartSize = { width: 300, height: 260 };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Tick label: few digits, exponent for very large or small magnitudes. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(+v.toPrecision(3));
}

/** About `target` "nice" ticks (1, 2, 5 x 10^k steps) inside [lo, hi]; lo and hi themselves when the range is empty. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // the 1/2/5 step nearest the raw step (geometric midpoints, as d3 does)
  const e = raw / mag;
  const step = (e >= Math.sqrt(50) ? 10 : e >= Math.sqrt(10) ? 5 : e >= Math.sqrt(2) ? 2 : 1) * mag;
  const out: number[] = [];
  // integer multiples of the step, so 0.1 + 0.2 rounding does not creep into the labels
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(+(k * step).toPrecision(15));
  // a range narrower than one step between two multiples of it: label its ends
  return out.length ? out : [lo, hi];
}

/** Keeps at most `max` points, evenly by index, always both ends: curves of thousands of points stay small. */
export function thin(x: ArrayLike<number>, y: ArrayLike<number>, max = 400): { x: number[]; y: number[] } {
  const n = x.length;
  if (n <= max) return { x: Array.from(x), y: Array.from(y) };
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    xs.push(x[i]);
    ys.push(y[i]);
  }
  return { x: xs, y: ys };
}

interface Frame {
  size: ChartSize;
  /** y of the plot area's top edge. */
  top: number;
  pw: number;
  ph: number;
  sx: (v: number) => number;
  sy: (v: number) => number;
}

/** x of each legend entry: a 10px swatch, 4px gap, the text at ~6.6px per character (11px UI font), 14px spacing. */
export function legendOffsets(labels: readonly string[], left: number): number[] {
  const out: number[] = [];
  let x = left;
  for (const l of labels) {
    out.push(x);
    x += 14 + Math.ceil(l.length * 6.6) + 14;
  }
  return out;
}

/** Extra top margin of histograms, for their legend row. */
const LEGEND_ROW = 12;

function frame(size: ChartSize, x: [number, number], y: [number, number], extraTop = 0): Frame {
  const pw = size.width - M.left - M.right;
  const ph = size.height - M.top - extraTop - M.bottom;
  const top = M.top + extraTop;
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    size, pw, ph,
    sx: (v) => r(M.left + ((v - x[0]) / (x[1] - x[0] || 1)) * pw),
    sy: (v) => r(top + (1 - (v - y[0]) / (y[1] - y[0] || 1)) * ph),
    top,
  };
}

function open(title: string, s: ChartSize): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${s.width} ${s.height}" width="${s.width}" height="${s.height}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>`;
}

function axes(f: Frame, xLabel: string, yLabel: string, xTicks: number[], yTicks: number[]): string {
  const p: string[] = [];
  const bottom = f.top + f.ph;
  for (const t of xTicks) {
    p.push(`<line class="grid" x1="${f.sx(t)}" x2="${f.sx(t)}" y1="${f.top}" y2="${bottom}"/>`);
    p.push(`<text class="tick" x="${f.sx(t)}" y="${bottom + 13}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`);
  }
  for (const t of yTicks) {
    p.push(`<line class="grid" x1="${M.left}" x2="${M.left + f.pw}" y1="${f.sy(t)}" y2="${f.sy(t)}"/>`);
    p.push(`<text class="tick" x="${M.left - 4}" y="${f.sy(t) + 4}" text-anchor="end">${escapeXml(tickLabel(t))}</text>`);
  }
  p.push(`<rect class="frame" x="${M.left}" y="${f.top}" width="${f.pw}" height="${f.ph}"/>`);
  p.push(`<text class="axis-label" x="${M.left + f.pw / 2}" y="${f.size.height - 6}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  p.push(`<text class="axis-label" transform="translate(11 ${f.top + f.ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  return p.join('');
}

/** A unit-square line chart (both axes 0..1): ROC or precision-recall, legend bottom right. */
export function lineChartSvg(c: LineChart): string {
  const f = frame(c.size ?? DEFAULT, [0, 1], [0, 1]);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const p = [open(c.title, f.size), axes(f, c.xLabel, c.yLabel, ticks, ticks)];
  if (c.diagonal) p.push(`<line class="chance" x1="${f.sx(0)}" y1="${f.sy(0)}" x2="${f.sx(1)}" y2="${f.sy(1)}"/>`);
  if (c.baseline !== undefined && Number.isFinite(c.baseline)) p.push(`<line class="chance" x1="${f.sx(0)}" y1="${f.sy(c.baseline)}" x2="${f.sx(1)}" y2="${f.sy(c.baseline)}"/>`);
  c.series.forEach((s, k) => {
    const t = thin(s.x, s.y);
    p.push(`<polyline class="curve ${escapeXml(s.cls)}" data-points="${s.x.length}" points="${t.x.map((x, i) => `${f.sx(x)},${f.sy(t.y[i])}`).join(' ')}"/>`);
    const y = f.top + f.ph - 8 - 15 * (c.series.length - 1 - k);
    const x0 = c.legend === 'left' ? M.left + 8 : M.left + f.pw - 110;
    p.push(`<line class="curve ${escapeXml(s.cls)}" x1="${x0}" x2="${x0 + 14}" y1="${y - 4}" y2="${y - 4}"/>`);
    p.push(`<text class="legend" x="${x0 + 18}" y="${y}">${escapeXml(s.label)}</text>`);
  });
  if (c.marker && Number.isFinite(c.marker.x) && Number.isFinite(c.marker.y)) {
    const { x, y } = c.marker;
    p.push(`<circle class="marker" cx="${f.sx(x)}" cy="${f.sy(y)}" r="4"><title>${escapeXml(c.marker.label)}</title></circle>`);
  }
  p.push('</svg>');
  return p.join('');
}

/** Overlaid histograms over shared bins, each as a fraction of its group (unequal group sizes still compare), with
 * the threshold as a dashed vertical line. */
export function histogramSvg(c: HistogramChart): string {
  const bins = c.groups[0]?.counts.length ?? 0;
  let [lo, hi] = [c.lo, c.hi];
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const fractions = c.groups.map((g) => {
    const n = g.counts.reduce((a, b) => a + b, 0);
    return g.counts.map((k) => k / Math.max(1, n));
  });
  const top = Math.max(0.01, ...fractions.flat());
  // the y axis ends on the first nice tick at or above the tallest bar
  const yTicks = niceTicks(0, top, 4);
  const last = yTicks[yTicks.length - 1];
  if (yTicks.length > 1 && last < top) yTicks.push(+(last + yTicks[1] - yTicks[0]).toPrecision(12));
  const yMax = Math.max(top, yTicks[yTicks.length - 1]);
  const f = frame(c.size ?? DEFAULT, [lo, hi], [0, yMax], LEGEND_ROW);
  const p = [open(c.title, f.size), axes(f, c.xLabel, 'fraction of class', niceTicks(lo, hi, 4), yTicks)];
  const width = (hi - lo) / Math.max(1, bins);
  const legendX = legendOffsets(c.groups.map((g) => `${g.label} (n=${g.counts.reduce((a, b) => a + b, 0)})`), M.left);
  c.groups.forEach((g, k) => {
    fractions[k].forEach((fr, b) => {
      if (fr === 0) return;
      const x0 = f.sx(lo + b * width);
      const x1 = f.sx(lo + (b + 1) * width);
      p.push(`<rect class="bar ${escapeXml(g.cls)}" x="${x0}" y="${f.sy(fr)}" width="${Math.max(0.5, +(x1 - x0 - 0.5).toFixed(1))}" height="${+(f.top + f.ph - f.sy(fr)).toFixed(1)}"><title>${escapeXml(`${g.label}: ${g.counts[b]} in ${tickLabel(lo + b * width)}…${tickLabel(lo + (b + 1) * width)}`)}</title></rect>`);
    });
    // legend in a row above the plot, clear of bars and the threshold line; each entry as wide as its text
    const x = legendX[k];
    p.push(`<rect class="bar ${escapeXml(g.cls)}" x="${x}" y="1" width="10" height="10"/>`);
    p.push(`<text class="legend" x="${x + 14}" y="10">${escapeXml(`${g.label} (n=${g.counts.reduce((a, b) => a + b, 0)})`)}</text>`);
  });
  if (c.threshold !== undefined && Number.isFinite(c.threshold) && c.threshold >= lo && c.threshold <= hi) {
    const x = f.sx(c.threshold);
    p.push(`<line class="threshold" x1="${x}" x2="${x}" y1="${f.top}" y2="${f.top + f.ph}"/>`);
    p.push(`<text class="legend" x="${x + 3}" y="${f.top + 10}">threshold</text>`);
  }
  p.push('</svg>');
  return p.join('');
}
