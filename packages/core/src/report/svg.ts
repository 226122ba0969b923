// Inline SVG charts for the report (no scripts, no external resources): line charts for ROC / PR curves and an
// overlaid histogram of normal vs abnormal scores with the threshold marked.

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  label: string;
}

const W = 360;
const H = 300;
const M = { left: 48, right: 12, top: 14, bottom: 40 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

/** Keeps at most `max` points (evenly by index, always the ends): curves of thousands of points stay small. */
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

function axes(xLabel: string, yLabel: string, xTicks: number[], yTicks: number[], sx: (v: number) => number, sy: (v: number) => number, xFmt = fmt): string {
  const parts: string[] = [`<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="#fff" stroke="#999"/>`];
  for (const t of xTicks) {
    parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${M.top}" y2="${M.top + PH}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(t)}" y="${M.top + PH + 14}" text-anchor="middle">${escapeXml(xFmt(t))}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${M.left + PW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 4}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${M.left + PW / 2}" y="${H - 6}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  parts.push(`<text transform="translate(12 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  return parts.join('');
}

const svgOpen = (title: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>`;

/** A unit-square line chart (both axes 0..1), e.g. ROC or PR; `diagonal` draws the chance line. */
export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[], opts: { diagonal?: boolean; baseline?: number } = {}): string {
  const sx = (v: number) => +(M.left + v * PW).toFixed(1);
  const sy = (v: number) => +(M.top + (1 - v) * PH).toFixed(1);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [svgOpen(title), axes(xLabel, yLabel, ticks, ticks, sx, sy)];
  if (opts.diagonal) parts.push(`<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#aaa" stroke-dasharray="4 3"/>`);
  if (opts.baseline !== undefined) parts.push(`<line x1="${sx(0)}" y1="${sy(opts.baseline)}" x2="${sx(1)}" y2="${sy(opts.baseline)}" stroke="#aaa" stroke-dasharray="4 3"/>`);
  series.forEach((s, k) => {
    const p = thin(s.x, s.y);
    const pts = p.x.map((x, i) => `${sx(x)},${sy(p.y[i])}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`);
    parts.push(`<text x="${M.left + PW - 6}" y="${M.top + PH - 8 - 14 * k}" text-anchor="end" fill="${s.color}">${escapeXml(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface HistogramGroup {
  values: ArrayLike<number>;
  color: string;
  label: string;
}

/** Overlaid histograms over shared bins (as fractions of each group, so unequal group sizes compare). */
export function histogramSvg(title: string, xLabel: string, groups: HistogramGroup[], opts: { bins?: number; threshold?: number } = {}): string {
  const bins = opts.bins ?? 30;
  const all = groups.flatMap((g) => Array.from(g.values)).filter(Number.isFinite);
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (opts.threshold !== undefined && Number.isFinite(opts.threshold)) {
    lo = Math.min(lo, opts.threshold);
    hi = Math.max(hi, opts.threshold);
  }
  if (hi <= lo) hi = lo + 1;
  const width = (hi - lo) / bins;
  const fractions = groups.map((g) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of Array.from(g.values)) if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    return counts.map((c) => c / Math.max(1, g.values.length));
  });
  const top = Math.max(0.01, ...fractions.flat());
  const sx = (v: number) => +(M.left + ((v - lo) / (hi - lo)) * PW).toFixed(1);
  const sy = (v: number) => +(M.top + (1 - v / top) * PH).toFixed(1);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const parts = [svgOpen(title), axes(xLabel, 'fraction of group', xTicks, yTicks, sx, sy, (v) => v.toPrecision(3))];
  groups.forEach((g, k) => {
    fractions[k].forEach((f, b) => {
      if (f === 0) return;
      const x0 = sx(lo + b * width);
      const x1 = sx(lo + (b + 1) * width);
      parts.push(`<rect x="${x0}" y="${sy(f)}" width="${(x1 - x0).toFixed(1)}" height="${(M.top + PH - sy(f)).toFixed(1)}" fill="${g.color}" fill-opacity="0.5"/>`);
    });
    parts.push(`<text x="${M.left + PW - 6}" y="${M.top + 14 + 14 * k}" text-anchor="end" fill="${g.color}">${escapeXml(`${g.label} (n=${g.values.length})`)}</text>`);
  });
  if (opts.threshold !== undefined && Number.isFinite(opts.threshold)) {
    const x = sx(opts.threshold);
    parts.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + PH}" stroke="#000" stroke-dasharray="5 3"/>`);
    parts.push(`<text x="${x + 3}" y="${M.top + PH - 6}">threshold</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
