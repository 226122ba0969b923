// The self-contained HTML report of an evaluation: one file with inline CSS, inline SVG charts and images as
// data: URIs, so it can be mailed, archived or opened offline and still show everything.
import { escapeXml, histogramSvg, lineChartSvg } from './svg.js';

export interface MetricValue {
  value: number;
  /** 95% bootstrap confidence interval. */
  ci?: [number, number];
}

export interface ReportExample {
  name: string;
  className: string;
  label: 0 | 1;
  score: number;
  /** PNG bytes of the input image and of the heatmap overlay (with the mask outline when there is one). */
  imagePng: Uint8Array;
  overlayPng: Uint8Array;
  hasMask: boolean;
}

export interface ReportData {
  title: string;
  generatedAt: string;
  /** Shows a banner saying the data is synthetic (the demo). */
  synthetic?: boolean;
  run: { dir: string; experiment?: string; detector: string; params: Record<string, unknown> };
  dataset: { name?: string; splits: { name: string; normal: number; abnormal: number }[]; inputSize: [number, number] };
  backend: string;
  timing: { label: string; ms: number }[];
  threshold: { policy: string; value?: number; threshold: number; chosenOn: string };
  /** Threshold reliability (pipeline/threshold-reliability.ts): its interval, and a warning when too few normals chose it. */
  thresholdReliability?: { n: number; ci: [number | null, number | null]; warning?: string };
  imageMetrics: Record<string, MetricValue>;
  pixelMetrics?: Record<string, MetricValue>;
  /** Other scores of the same model (Detector.scoreVariants), by name. */
  variants?: Record<string, { image: Record<string, MetricValue>; pixel?: Record<string, MetricValue> }>;
  roc: { fpr: ArrayLike<number>; tpr: ArrayLike<number> };
  pr: { precision: ArrayLike<number>; recall: ArrayLike<number> };
  scores: { normal: ArrayLike<number>; abnormal: ArrayLike<number> };
  /** The fixed map range the overlays use. */
  mapRange: [number, number];
  colorbarPng?: Uint8Array;
  most: ReportExample[];
  least: ReportExample[];
  notes?: string[];
  /** Training-free shortcut baselines on the same test images (pipeline/shortcut-baselines.ts). */
  shortcuts?: {
    bestSingle: { descriptor: string; auroc: number; direction: string; ci: [number, number] };
    bestSingleCv?: number;
    combinedCv?: number;
    k?: number;
    flagged: { descriptor: string; auroc: number }[];
    note: string;
  };
}

const dataUri = (png: Uint8Array) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
const num = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(3) : v.toFixed(4)) : String(v));
const ms = (v: number) => (v >= 60_000 ? `${(v / 60_000).toFixed(1)} min` : `${(v / 1000).toFixed(1)} s`);

/** The threshold's 95% order-statistic interval, and the small-validation warning as a visible line. */
function thresholdLine(r: ReportData['thresholdReliability']): string {
  if (!r) return '';
  const end = (v: number | null, side: string) => (v === null ? side : num(v));
  const ci = ` 95% interval from ${r.n} validation normals: ${end(r.ci[0], '−∞')} – ${end(r.ci[1], 'above the largest')}.`;
  return ci + (r.warning ? `</p><p class="warning" id="threshold-warning">⚠ ${escapeXml(r.warning)}` : '');
}

function metricsTable(rows: Record<string, MetricValue>): string {
  // No CI column when nothing has one (bootstrap off): a column of dashes under "95% CI" reads as a failure.
  const withCi = Object.values(rows).some((m) => m.ci);
  const ci = (m: MetricValue) => (withCi ? `<td class="n">${m.ci ? `${num(m.ci[0])} – ${num(m.ci[1])}` : '—'}</td>` : '');
  const body = Object.entries(rows)
    .map(([k, m]) => `<tr><td>${escapeXml(k)}</td><td class="n">${num(m.value)}</td>${ci(m)}</tr>`)
    .join('');
  return `<table><thead><tr><th>metric</th><th>value</th>${withCi ? '<th>95% CI</th>' : ''}</tr></thead><tbody>${body}</tbody></table>`;
}

/** One row per variant: image AUROC / AP (with CI) and, where there are masks, pixel AUROC and best Dice. */
function variantsTable(v: NonNullable<ReportData['variants']>): string {
  const cell = (m?: MetricValue) => (m ? `${num(m.value)}${m.ci ? ` <span class="muted">(${num(m.ci[0])} – ${num(m.ci[1])})</span>` : ''}` : '—');
  const withPixel = Object.values(v).some((e) => e.pixel);
  const body = Object.entries(v)
    .map(([k, e]) => `<tr><td><code>${escapeXml(k)}</code></td><td class="n">${cell(e.image.auroc)}</td><td class="n">${cell(e.image.ap)}</td>${withPixel ? `<td class="n">${cell(e.pixel?.pixelAuroc)}</td><td class="n">${cell(e.pixel?.bestDice)}</td>` : ''}</tr>`)
    .join('');
  return `<table><thead><tr><th>score</th><th>image AUROC</th><th>image AP</th>${withPixel ? '<th>pixel AUROC</th><th>best Dice</th>' : ''}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The detector's AUROC beside what cheap descriptors alone reach on the same test images. */
function shortcutsSection(sc: NonNullable<ReportData['shortcuts']>, detectorAuroc?: number): string {
  const b = sc.bestSingle;
  const dir = b.direction === 'category' ? 'category rate' : `${b.direction} = anomalous`;
  const rows = [
    ['this detector', detectorAuroc === undefined ? '—' : num(detectorAuroc)],
    [`best single descriptor: <code>${escapeXml(b.descriptor)}</code> (${escapeXml(dir)}), chosen on the test set`, `${num(b.auroc)} <span class="muted">(${num(b.ci[0])} – ${num(b.ci[1])})</span>`],
    ...(sc.bestSingleCv !== undefined ? [[`best single descriptor chosen inside ${sc.k}-fold CV`, num(sc.bestSingleCv)]] : []),
    ...(sc.combinedCv !== undefined ? [[`all descriptors, L2 logistic regression, ${sc.k}-fold CV`, num(sc.combinedCv)]] : []),
  ];
  const warn = sc.flagged.length
    ? `<p class="banner">${sc.flagged.length} descriptor(s) alone separate normal from abnormal on this test set (${sc.flagged.map((f) => `${escapeXml(f.descriptor)} ${num(f.auroc)}`).join(', ')}): part of any AUROC here may measure these cues. Run <code>medad dataset audit</code> for the full table.</p>`
    : '';
  return `<h3>Shortcut baselines (training-free)</h3>${warn}<table><thead><tr><th>score</th><th>image AUROC</th></tr></thead><tbody>${rows.map(([k, v]) => `<tr><td>${k}</td><td class="n">${v}</td></tr>`).join('')}</tbody></table><p class="muted">${escapeXml(sc.note)}</p>`;
}

function examples(title: string, id: string, list: ReportExample[]): string {
  const cards = list
    .map(
      (e) => `<figure class="ex"><div class="pair"><img src="${dataUri(e.imagePng)}" alt="${escapeXml(e.name)}"><img src="${dataUri(e.overlayPng)}" alt="anomaly map of ${escapeXml(e.name)}"></div>
<figcaption><b>${num(e.score)}</b> · ${escapeXml(e.className)}${e.label === 1 ? ' (abnormal)' : ' (normal)'}${e.hasMask ? ' · mask outlined' : ''}<br><span class="path">${escapeXml(e.name)}</span></figcaption></figure>`,
    )
    .join('\n');
  return `<section id="${id}"><h2>${escapeXml(title)}</h2><div class="grid">${cards || '<p>No test images.</p>'}</div></section>`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1160px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
.warning{background:#fff4d6;border-left:4px solid #c77c00;padding:6px 10px}
.banner{background:#fff4d6;border:1px solid #e0b84c;padding:8px 12px;border-radius:4px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts figure{margin:0}.charts figcaption{font-size:12px;color:#555;text-align:center}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:flex;flex-wrap:wrap;gap:12px}.ex{margin:0;width:270px}.pair{display:flex;gap:4px}.pair img{width:133px;image-rendering:pixelated;border:1px solid #ccc}
figcaption{font-size:12px}.path{color:#777;word-break:break-all}.legend{display:flex;align-items:center;gap:8px;font-size:12px}.legend img{height:12px;width:200px}
.meta td:first-child{color:#555}.muted{color:#666;font-size:13px}`;

export function renderReportHtml(d: ReportData): string {
  const splits = d.dataset.splits.map((s) => `<tr><td>${escapeXml(s.name)}</td><td class="n">${s.normal}</td><td class="n">${s.abnormal}</td></tr>`).join('');
  const roc = lineChartSvg('ROC curve', 'false-positive rate', 'true-positive rate', [
    { x: d.roc.fpr, y: d.roc.tpr, color: '#1f5fbf', label: `AUROC ${num(d.imageMetrics.auroc?.value ?? NaN)}` },
  ], { diagonal: true });
  const prevalence = d.scores.abnormal.length / Math.max(1, d.scores.abnormal.length + d.scores.normal.length);
  const pr = lineChartSvg('Precision-recall curve', 'recall', 'precision', [
    { x: d.pr.recall, y: d.pr.precision, color: '#bf3f1f', label: `AP ${num(d.imageMetrics.ap?.value ?? NaN)}` },
  ], { baseline: prevalence });
  const hist = histogramSvg('Score histogram', 'anomaly score', [
    { values: d.scores.normal, color: '#1f77b4', label: 'normal' },
    { values: d.scores.abnormal, color: '#d62728', label: 'abnormal' },
  ], { threshold: d.threshold.threshold });
  const thr = d.threshold;
  const params = Object.keys(d.run.params).length ? escapeXml(JSON.stringify(d.run.params)) : '(defaults)';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeXml(d.title)}</title><style>${CSS}</style></head><body>
<h1>${escapeXml(d.title)}</h1>
<p class="muted">Generated ${escapeXml(d.generatedAt)} · run <code>${escapeXml(d.run.dir)}</code></p>
${d.synthetic ? '<p class="banner"><b>Synthetic data.</b> These images are generated phantoms, not patient scans; the numbers only show that the pipeline works.</p>' : ''}
<section id="metrics"><h2>Metrics</h2>
<p>Threshold <b>${num(thr.threshold)}</b> chosen by <code>${escapeXml(thr.policy)}</code>${thr.value !== undefined ? ` (${thr.value})` : ''} on the ${escapeXml(thr.chosenOn)} split — never on the test set.${thresholdLine(d.thresholdReliability)}</p>
<h3>Image level</h3>${metricsTable(d.imageMetrics)}
${d.pixelMetrics && Object.keys(d.pixelMetrics).length ? `<h3>Pixel level</h3>${metricsTable(d.pixelMetrics)}` : '<p class="muted">No pixel-level metrics (the test set has no masks, or they were turned off).</p>'}
${d.shortcuts ? shortcutsSection(d.shortcuts, d.imageMetrics.auroc?.value) : ''}
${d.variants && Object.keys(d.variants).length ? `<h3>Other scores of the same model</h3><p class="muted">The method's alternative scores from the same trained weights, each thresholded on the validation split like the main score.</p>${variantsTable(d.variants)}` : ''}
</section>
<section id="curves"><h2>Curves</h2><div class="charts">
<figure>${roc}<figcaption>ROC (dashed: chance)</figcaption></figure>
<figure>${pr}<figcaption>Precision-recall (dashed: prevalence ${num(prevalence)})</figcaption></figure>
<figure>${hist}<figcaption>Test scores, normal vs abnormal</figcaption></figure>
</div></section>
<section id="maps-legend"><h2>Anomaly maps</h2><div class="legend">${d.colorbarPng ? `<span>${num(d.mapRange[0])}</span><img src="${dataUri(d.colorbarPng)}" alt="colour scale"><span>${num(d.mapRange[1])}</span>` : ''}
<span>One fixed range for every map (not per-image min–max), so a normal image stays cool. Left: input; right: map over the input; white outline: ground-truth mask.</span></div></section>
${examples('Most anomalous test images', 'most-anomalous', d.most)}
${examples('Least anomalous test images', 'least-anomalous', d.least)}
<section id="run-info"><h2>Run</h2>
<table class="meta"><tbody>
<tr><td>experiment</td><td>${escapeXml(d.run.experiment ?? '—')}</td></tr>
<tr><td>detector</td><td><code>${escapeXml(d.run.detector)}</code> ${params}</td></tr>
<tr><td>dataset</td><td>${escapeXml(d.dataset.name ?? '—')} · input ${d.dataset.inputSize[0]}×${d.dataset.inputSize[1]}</td></tr>
<tr><td>backend</td><td>${escapeXml(d.backend)}</td></tr>
${d.timing.map((t) => `<tr><td>${escapeXml(t.label)}</td><td>${ms(t.ms)}</td></tr>`).join('')}
</tbody></table>
<table><thead><tr><th>split</th><th>normal</th><th>abnormal</th></tr></thead><tbody>${splits}</tbody></table>
${(d.notes ?? []).map((n) => `<p class="muted">${escapeXml(n)}</p>`).join('')}
</section>
</body></html>
`;
}
