// How well one descriptor alone separates normal from anomalous images: AUROC with a bootstrap CI, folded to
// max(AUROC, 1 − AUROC) with the direction for numeric descriptors; for categorical ones the AUROC of each image's
// out-of-fold category anomaly rate (so a category seen in one class only earns nothing it did not predict).
import { auroc, bootstrapCI } from '@medad/metrics';
import { stratifiedFolds } from './logistic.js';

/** A descriptor is flagged when its folded AUROC reaches this... */
export const FLAG_AUROC = 0.75;
/** ...and the lower end of its 95% bootstrap interval (same direction) is above this. */
export const FLAG_LOWER = 0.65;

export interface Separation {
  descriptor: string;
  kind: 'numeric' | 'categorical';
  /** Images with a value. */
  n: number;
  /** Numeric: max(AUROC, 1 − AUROC); categorical: AUROC of the out-of-fold category rate. */
  auroc: number;
  /** 'higher': higher values go with anomalous; 'lower': lower values do; 'category': categorical. */
  direction: 'higher' | 'lower' | 'category';
  /** 95% bootstrap interval of `auroc` (1000 stratified resamples). */
  ci: [number, number];
  flagged: boolean;
  /** Why no AUROC was computed ('constant', 'one class', 'not applicable'); auroc is then 0.5. */
  note?: string;
  /** Numeric: class medians. */
  medians?: { normal: number; anomalous: number };
  /** Categorical: images per category and class, most common first. */
  categories?: { value: string; normal: number; anomalous: number }[];
}

const isFlagged = (a: number, lower: number): boolean => a >= FLAG_AUROC && lower > FLAG_LOWER;

function median(v: number[]): number {
  if (!v.length) return NaN;
  const s = v.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function blank(descriptor: string, kind: Separation['kind'], n: number, note: string): Separation {
  return { descriptor, kind, n, auroc: 0.5, direction: kind === 'numeric' ? 'higher' : 'category', ci: [0.5, 0.5], flagged: false, note };
}

/** Separation of a numeric descriptor; NaN values (not applicable) are left out. */
export function numericSeparation(descriptor: string, values: readonly number[], labels: readonly (0 | 1)[], seed = 0): Separation {
  const x: number[] = [];
  const y: (0 | 1)[] = [];
  values.forEach((v, i) => Number.isFinite(v) && (x.push(v), y.push(labels[i])));
  if (!x.length) return blank(descriptor, 'numeric', 0, 'not applicable');
  if (!y.includes(0) || !y.includes(1)) return blank(descriptor, 'numeric', x.length, 'one class');
  const medians = { normal: median(x.filter((_, i) => y[i] === 0)), anomalous: median(x.filter((_, i) => y[i] === 1)) };
  if (x.every((v) => v === x[0])) return { ...blank(descriptor, 'numeric', x.length, 'constant'), medians };
  const raw = auroc(x, y);
  const direction = raw >= 0.5 ? 'higher' : 'lower';
  const scores = direction === 'higher' ? x : x.map((v) => -v);
  const ci = bootstrapCI(scores, y, 'auroc', { seed });
  const a = Math.max(raw, 1 - raw);
  return { descriptor, kind: 'numeric', n: x.length, auroc: a, direction, ci: [ci.lower, ci.upper], flagged: isFlagged(a, ci.lower), medians };
}

/**
 * Each image's category anomaly rate estimated on the other folds (Laplace-smoothed toward the training rate), so
 * the score is honest: a category's rate never uses the image it scores.
 */
export function outOfFoldRates(values: readonly string[], labels: readonly (0 | 1)[], k: number, seed: number): number[] {
  const folds = stratifiedFolds(labels, k, seed);
  const out = new Array<number>(values.length).fill(0);
  for (let f = 0; f < k; f++) {
    const counts = new Map<string, [number, number]>();
    let pos = 0;
    let n = 0;
    values.forEach((v, i) => {
      if (folds[i] === f) return;
      const c = counts.get(v) ?? [0, 0];
      c[0]++;
      c[1] += labels[i];
      counts.set(v, c);
      pos += labels[i];
      n++;
    });
    const prior = n ? pos / n : 0.5;
    values.forEach((v, i) => {
      if (folds[i] !== f) return;
      const [m, a] = counts.get(v) ?? [0, 0];
      out[i] = (a + prior) / (m + 1);
    });
  }
  return out;
}

/** Separation of a categorical descriptor; a missing value is its own category '(none)'. */
export function categoricalSeparation(
  descriptor: string,
  values: readonly (string | undefined)[],
  labels: readonly (0 | 1)[],
  seed = 0,
): Separation {
  const v = values.map((s) => s ?? '(none)');
  const tally = new Map<string, { value: string; normal: number; anomalous: number }>();
  v.forEach((s, i) => {
    const t = tally.get(s) ?? { value: s, normal: 0, anomalous: 0 };
    if (labels[i]) t.anomalous++;
    else t.normal++;
    tally.set(s, t);
  });
  const categories = [...tally.values()].sort((a, b) => b.normal + b.anomalous - a.normal - a.anomalous);
  const nPos = labels.filter((l) => l === 1).length;
  const k = Math.min(5, nPos, labels.length - nPos);
  if (k < 2) return { ...blank(descriptor, 'categorical', v.length, 'one class'), categories };
  if (categories.length < 2) return { ...blank(descriptor, 'categorical', v.length, 'constant'), categories };
  const rates = outOfFoldRates(v, labels, k, seed);
  const a = auroc(rates, labels);
  const ci = bootstrapCI(rates, labels, 'auroc', { seed });
  return { descriptor, kind: 'categorical', n: v.length, auroc: a, direction: 'category', ci: [ci.lower, ci.upper], flagged: isFlagged(a, ci.lower), categories };
}

/**
 * The best single numeric descriptor with the choice cross-validated: in each fold the descriptor and direction
 * with the highest training-fold AUROC score the held-out fold; returns the mean held-out AUROC. Unlike the table's
 * best row, this pays for picking the best of many descriptors on the same images.
 */
export function crossValidatedBestSingle(columns: readonly number[][], labels: readonly (0 | 1)[], folds: readonly number[]): number {
  const k = Math.max(...folds) + 1;
  const held: number[] = [];
  const aur = (x: number[], y: (0 | 1)[]): number => {
    const ok = x.flatMap((v, i) => (Number.isFinite(v) ? [i] : []));
    const yy = ok.map((i) => y[i]);
    if (!yy.includes(0) || !yy.includes(1)) return 0.5;
    return auroc(
      ok.map((i) => x[i]),
      yy,
    );
  };
  for (let f = 0; f < k; f++) {
    const tr = folds.flatMap((v, i) => (v !== f ? [i] : []));
    const te = folds.flatMap((v, i) => (v === f ? [i] : []));
    let best = { j: -1, sign: 1, a: -1 };
    columns.forEach((col, j) => {
      const a = aur(
        tr.map((i) => col[i]),
        tr.map((i) => labels[i]),
      );
      const folded = Math.max(a, 1 - a);
      if (folded > best.a) best = { j, sign: a >= 0.5 ? 1 : -1, a: folded };
    });
    if (best.j < 0) continue;
    const col = columns[best.j];
    held.push(
      aur(
        te.map((i) => best.sign * col[i]),
        te.map((i) => labels[i]),
      ),
    );
  }
  return held.length ? held.reduce((a, b) => a + b, 0) / held.length : 0.5;
}
