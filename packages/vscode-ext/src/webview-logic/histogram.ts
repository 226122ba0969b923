// Score histograms and an image's standing within its dataset.

export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

/** Equal-width bins over [lo, hi] (default: the data's min..max); the top edge is inclusive; NaN and values
 * outside a given range are left out. */
export function histogram(values: ArrayLike<number>, bins: number, range?: [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be a positive integer, got ${bins}`);
  let [lo, hi] = range ?? extent(values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  const counts = new Array<number>(bins).fill(0);
  const width = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    const b = width > 0 ? Math.min(bins - 1, Math.floor(((v - lo) / width) * bins)) : 0;
    counts[b]++;
  }
  return { lo, hi, counts };
}

export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** One histogram per class over a shared range, so bars line up across classes. */
/** `include`: values the common range must cover too (the run's threshold, so the histogram can show it). */
export function histogramsByClass(items: readonly { score: number; cls: string }[], bins: number, include: readonly number[] = []): Map<string, Histogram> {
  const range = extent([...items.map((i) => i.score), ...include.filter(Number.isFinite)]);
  const byClass = new Map<string, number[]>();
  for (const it of items) {
    const list = byClass.get(it.cls) ?? [];
    list.push(it.score);
    byClass.set(it.cls, list);
  }
  const out = new Map<string, Histogram>();
  for (const [cls, scores] of [...byClass].sort(([a], [b]) => a.localeCompare(b))) {
    out.set(cls, histogram(scores, bins, range));
  }
  return out;
}

export interface Standing {
  /** 1 = the most anomalous image of the set (ties share the better rank). */
  rank: number;
  total: number;
  /** Percentage of the set scoring at or below this score. */
  percentile: number;
}

export function standing(scores: ArrayLike<number>, score: number): Standing {
  let above = 0;
  let atOrBelow = 0;
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    total++;
    if (s > score) above++;
    else atOrBelow++;
  }
  return { rank: above + 1, total, percentile: total ? (100 * atOrBelow) / total : 0 };
}
