/**
 * Area under a curve up to `xMax`, as `trapezoid(x, y, x_max)` in the MVTec AD evaluation code:
 * points with x ≤ xMax are integrated, plus the segment up to xMax with y linearly interpolated.
 * `x` must be non-decreasing.
 */
export function trapezoidUpTo(x: ArrayLike<number>, y: ArrayLike<number>, xMax: number): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) {
    if (x[i] <= xMax) {
      area += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
    } else {
      if (x[i - 1] < xMax) {
        const yAt = y[i - 1] + ((y[i] - y[i - 1]) * (xMax - x[i - 1])) / (x[i] - x[i - 1]);
        area += 0.5 * (yAt + y[i - 1]) * (xMax - x[i - 1]);
      }
      break;
    }
  }
  return area;
}

/**
 * AUPRO from cumulative counts per distinct threshold (descending): `fps` false-positive pixels,
 * `proSum` Σ over true-positive region pixels of 1/|region|. PRO(t) = proSum/regions is the mean
 * per-region overlap; the curve (FPR, PRO) gets (0,0) and (1,1) end points and values clipped to 1
 * as the reference, and is integrated up to `maxFpr` then divided by `maxFpr` (so 1 is perfect).
 */
export function auproFromCounts(fps: ArrayLike<number>, proSum: ArrayLike<number>, neg: number, regions: number, maxFpr: number): number {
  const k = fps.length;
  const x = new Float64Array(k + 2);
  const y = new Float64Array(k + 2);
  for (let i = 0; i < k; i++) {
    x[i + 1] = Math.min(1, fps[i] / neg);
    y[i + 1] = Math.min(1, proSum[i] / regions);
  }
  x[k + 1] = 1;
  y[k + 1] = 1;
  return trapezoidUpTo(x, y, maxFpr) / maxFpr;
}
