// The heatmap's colour bar: round tick values across the display range (1, 2 or 5 × 10^k steps) and where a
// value sits on the bar, so the scale reads in the map's own units.

/** About `count` round ticks within [lo, hi] (both ends included when they are not round). */
export function colorbarTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[0] - lo > step * 0.25) ticks.unshift(lo);
  if (hi - ticks[ticks.length - 1] > step * 0.25) ticks.push(hi);
  return ticks;
}

/** Position 0..1 of `v` along the bar (clamped: values beyond the range saturate, as the colours do). */
export function barPosition(v: number, lo: number, hi: number): number {
  return hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0;
}
