// What medad/runMetrics takes from a run's metrics.json beyond core's readRunMetrics: the bootstrap CIs and the
// detector's other scores from the same weights (`variants`), under the protocol's display names.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RunMetricsResult } from '../protocol.js';
import { displayMetrics } from './metric-names.js';

type Interval = [number, number];
type Groups = { image?: unknown; pixel?: unknown };

function entries(group: unknown): [string, unknown][] {
  return group && typeof group === 'object' ? Object.entries(group) : [];
}

/** Image then pixel `{ value }` entries as one flat name -> number record (as core's readRunMetrics flattens). */
export function flatValues(g: Groups): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of [...entries(g.image), ...entries(g.pixel)]) {
    const n = typeof v === 'number' ? v : (v as { value?: unknown } | null)?.value;
    if (typeof n === 'number') out[k] = n;
  }
  return displayMetrics(out);
}

/** Image then pixel `ci: [lo, hi]` pairs by display name; undefined when none. */
export function flatIntervals(g: Groups): Record<string, Interval> | undefined {
  const out: Record<string, Interval> = {};
  for (const [k, v] of [...entries(g.image), ...entries(g.pixel)]) {
    const ci = (v as { ci?: unknown } | null)?.ci;
    if (Array.isArray(ci) && ci.length === 2 && ci.every((x) => typeof x === 'number')) out[k] = [ci[0], ci[1]];
  }
  const named = Object.entries(out).map(([k, v]): [string, Interval] => [Object.keys(displayMetrics({ [k]: 0 }))[0], v]);
  return named.length ? Object.fromEntries(named) : undefined;
}

/** The protocol's extras from a parsed metrics.json: `intervals`, `variants`, `variantIntervals` (each only when present). */
export function metricsFileExtras(file: unknown): Pick<RunMetricsResult, 'intervals' | 'variants' | 'variantIntervals'> {
  if (!file || typeof file !== 'object') return {};
  const f = file as Groups & { variants?: unknown };
  const intervals = flatIntervals(f);
  const variants: Record<string, Record<string, number>> = {};
  const variantIntervals: Record<string, Record<string, Interval>> = {};
  for (const [name, v] of entries(f.variants)) {
    if (!v || typeof v !== 'object') continue;
    const values = flatValues(v as Groups);
    if (!Object.keys(values).length) continue;
    variants[name] = values;
    const ci = flatIntervals(v as Groups);
    if (ci) variantIntervals[name] = ci;
  }
  return {
    ...(intervals ? { intervals } : {}),
    ...(Object.keys(variants).length ? { variants } : {}),
    ...(Object.keys(variantIntervals).length ? { variantIntervals } : {}),
  };
}

/** metricsFileExtras of `<runDir>/metrics.json`; {} when it is missing or unreadable (readRunMetrics reports that). */
export async function readMetricsFileExtras(runDir: string): Promise<ReturnType<typeof metricsFileExtras>> {
  const file = await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8').then(JSON.parse, () => undefined);
  return metricsFileExtras(file);
}
