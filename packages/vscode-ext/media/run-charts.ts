// The run panel's charts: ROC and PR curves (AUROC / AP in the legends, chance lines) and the per-class score
// histogram, all marking one threshold. The threshold starts at the run's own (metrics.json: chosen on validation
// data) and moves with a slider (arrow keys, PageUp/PageDown, Home/End), with the operating point read out.
import { areaUnder, averagePrecision, operatingPoint, prPoints, rocPoints } from '../src/webview-logic/curves.js';
import { extent, histogramsByClass } from '../src/webview-logic/histogram.js';
import { histogramSvg, lineChartSvg } from '../src/webview-logic/svg-chart.js';
import { el, fmt } from './common.js';

export interface Item { file: string; cls: string; score: number; label: 0 | 1; src: string }
export interface RunThreshold { threshold: number; policy?: string; chosenOn?: string }

const pct = (v: number) => (Number.isNaN(v) ? 'n/a' : `${(100 * v).toFixed(1)}%`);

/** Draws the charts into #charts and wires the threshold slider. */
export function showCharts(items: Item[], runThreshold: RunThreshold | undefined): void {
  const host = document.getElementById('charts') as HTMLElement;
  const scores = items.map((i) => i.score);
  const labels = items.map((i) => i.label);
  const roc = rocPoints(scores, labels);
  const pr = prPoints(scores, labels);
  const auroc = areaUnder(roc);
  const ap = averagePrecision(pr);
  const prevalence = labels.filter((l) => l === 1).length / labels.length;
  const hists = histogramsByClass(items, 24);
  const [lo, hi] = extent(scores);
  const initial = runThreshold && Number.isFinite(runThreshold.threshold) ? runThreshold.threshold : undefined;

  // the slider also reaches the run's threshold when no test score is that high (or low)
  const [min, max] = [Math.min(lo, initial ?? lo), Math.max(hi, initial ?? hi)];
  const slider = el('input', { id: 'threshold', type: 'range', min: String(min), max: String(max), step: String((max - min) / 200 || 1), 'aria-describedby': 'operating-point' });
  const reset = el('button', { id: 'threshold-reset', type: 'button' }, "Run's threshold");
  const readout = el('p', { id: 'operating-point', role: 'status', 'aria-live': 'polite' });
  const bar = el('div', { class: 'toolbar' });
  const lab = el('label', { for: 'threshold' }, 'Threshold ');
  bar.append(lab, slider, reset);
  const charts = el('div', { class: 'charts' });
  const rocBox = el('figure', { id: 'roc' });
  const prBox = el('figure', { id: 'pr' });
  const histBox = el('figure', { id: 'score-histogram' });
  charts.append(rocBox, prBox, histBox);
  host.replaceChildren(bar, readout, charts);
  reset.hidden = initial === undefined;
  slider.value = String(initial ?? (lo + hi) / 2);

  const draw = (t: number) => {
    const op = operatingPoint(scores, labels, t);
    const own = initial !== undefined && t === initial;
    const where = `threshold ${fmt(t)}`;
    rocBox.innerHTML = lineChartSvg({
      title: 'ROC curve', xLabel: 'false-positive rate', yLabel: 'true-positive rate', diagonal: true, legend: 'right',
      series: [{ ...roc, label: `AUROC ${auroc.toFixed(3)}`, cls: 'series-0' }], marker: { x: op.fpr, y: op.tpr, label: where },
    });
    prBox.innerHTML = lineChartSvg({
      title: 'Precision-recall curve', xLabel: 'recall', yLabel: 'precision', baseline: prevalence, legend: 'left',
      series: [{ ...pr, label: `AP ${ap.toFixed(3)}`, cls: 'series-0' }], marker: { x: op.tpr, y: op.precision, label: where },
    });
    histBox.innerHTML = histogramSvg({
      title: 'Score histogram', xLabel: 'anomaly score', lo, hi, threshold: t,
      groups: [...hists].map(([cls, h]) => ({ counts: h.counts, label: cls, cls: cls === 'normal' ? 'series-0' : 'series-1' })),
    });
    const why = own && runThreshold?.policy ? ` (the run's: ${runThreshold.policy}${runThreshold.chosenOn ? ` on ${runThreshold.chosenOn}` : ''})` : '';
    readout.textContent = `${where}${why}: ${op.tp} of ${labels.filter((l) => l === 1).length} anomalous and ${op.fp} of ${labels.filter((l) => l === 0).length} normal test images flagged; true-positive rate ${pct(op.tpr)}, false-positive rate ${pct(op.fpr)}, precision ${pct(op.precision)}`;
    slider.setAttribute('aria-valuetext', where);
    readout.dataset.threshold = String(t);
  };
  slider.addEventListener('input', () => draw(Number(slider.value)));
  reset.addEventListener('click', () => {
    if (initial === undefined) return;
    slider.value = String(initial);
    draw(initial);
  });
  // the slider's value is rounded to its step: the run's own threshold is drawn exactly
  draw(initial ?? Number(slider.value));
}
