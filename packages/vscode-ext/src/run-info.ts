// What the views need from a run's metrics.json (written by core's evaluate), parsed defensively: the image
// threshold, the display range and pixel threshold the report uses (`display`), the validation normals' scores,
// and the threshold's reliability warning. Pure (no `vscode`), so it is unit-tested.

export interface RunDisplayInfo {
  /** The image-level decision threshold chosen on validation. */
  threshold?: number;
  policy?: string;
  /** [low, high] of the colour scale, in map units (metrics.json `display.range`, else `displayRange`). */
  range?: [number, number];
  /** Range of the saved 16-bit maps under maps/ (value = low + png/65535·(high − low)). */
  mapRange?: [number, number];
  /** The default heatmap threshold in map units (metrics.json `display.pixelThreshold`, else `pixelThreshold.value`). */
  pixelThreshold?: number;
  /** Validation normals' image scores, ascending. */
  validationNormals?: number[];
  /** The small-validation warning (metrics.json `thresholdReliability.warning`). */
  thresholdWarning?: string;
  /** The threshold's 95% interval; null ends are unbounded. */
  thresholdCi?: [number | null, number | null];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const pair = (v: unknown): [number, number] | undefined =>
  Array.isArray(v) && v.length === 2 && num(v[0]) !== undefined && num(v[1]) !== undefined && v[1] > v[0] ? [v[0], v[1]] : undefined;

export function runDisplayInfo(metricsJson: unknown): RunDisplayInfo {
  if (!metricsJson || typeof metricsJson !== 'object') return {};
  const m = metricsJson as Record<string, unknown>;
  const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const thr = obj(m.threshold);
  const display = obj(m.display);
  const rel = obj(m.thresholdReliability);
  const out: RunDisplayInfo = {};
  const t = num(thr.threshold);
  if (t !== undefined) out.threshold = t;
  if (typeof thr.policy === 'string') out.policy = thr.policy;
  const range = pair(display.range) ?? pair(m.displayRange);
  if (range) out.range = range;
  const mapRange = pair(m.mapRange);
  if (mapRange) out.mapRange = mapRange;
  const pt = num(display.pixelThreshold) ?? num(obj(m.pixelThreshold).value);
  if (pt !== undefined) out.pixelThreshold = pt;
  if (Array.isArray(m.validationNormalScores)) {
    const v = m.validationNormalScores.filter((x): x is number => num(x) !== undefined).sort((a, b) => a - b);
    if (v.length) out.validationNormals = v;
  }
  if (typeof rel.warning === 'string') out.thresholdWarning = rel.warning;
  if (Array.isArray(rel.ci) && rel.ci.length === 2) out.thresholdCi = [num(rel.ci[0]) ?? null, num(rel.ci[1]) ?? null];
  return out;
}
