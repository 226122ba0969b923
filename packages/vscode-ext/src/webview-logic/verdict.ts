// The heatmap's verdict line: the image score against the run's image threshold, and where it falls among the
// validation normals (the population the threshold was chosen on), in words a reader can act on.

export interface Verdict {
  above: boolean;
  /** Share of validation normals scoring strictly below this image, 0..100; undefined without them. */
  percentile?: number;
  text: string;
}

const f = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(3));

/** Percentage of `sortedNormals` strictly below `score` (ties count half, so a median normal sits at ~50). */
export function percentileAmong(sortedNormals: readonly number[], score: number): number {
  let below = 0;
  let equal = 0;
  for (const v of sortedNormals) {
    if (v < score) below++;
    else if (v === score) equal++;
  }
  return (100 * (below + equal / 2)) / sortedNormals.length;
}

export function verdict(score: number, threshold: number, validationNormals?: readonly number[]): Verdict {
  const above = score >= threshold;
  const percentile = validationNormals?.length ? percentileAmong(validationNormals, score) : undefined;
  const among = percentile === undefined ? '' : `; higher than ${percentile.toFixed(1)}% of ${validationNormals?.length} validation normals`;
  const text = `${above ? 'ABOVE' : 'below'} the run's threshold: image score ${f(score)} ${above ? '≥' : '<'} ${f(threshold)}${among}`;
  return { above, ...(percentile !== undefined ? { percentile } : {}), text };
}
