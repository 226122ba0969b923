// What medad/runMetrics takes from a run's metrics.json beyond core's readRunMetrics: the bootstrap CIs and the
// detector's other scores from the same weights (`variants`), under the protocol's display names.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RunMetricsResult, RunShortcuts } from '../protocol.js';
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

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** metrics.json `shortcuts` as the protocol carries it; undefined when absent or malformed. */
export function shortcutsOf(v: unknown): RunShortcuts | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const s = v as { bestSingle?: { descriptor?: unknown; auroc?: unknown; direction?: unknown }; bestSingleCv?: unknown; combinedCv?: unknown; k?: unknown; flagged?: unknown };
  const b = s.bestSingle;
  const auroc = num(b?.auroc);
  if (!b || typeof b.descriptor !== 'string' || auroc === undefined) return undefined;
  const flagged = Array.isArray(s.flagged) ? s.flagged.flatMap((f: unknown) => (f && typeof (f as { descriptor?: unknown }).descriptor === 'string' ? [(f as { descriptor: string }).descriptor] : [])) : [];
  const bestSingleCv = num(s.bestSingleCv);
  const combinedCv = num(s.combinedCv);
  const k = num(s.k);
  return {
    bestSingle: { descriptor: b.descriptor, auroc, direction: typeof b.direction === 'string' ? b.direction : '' },
    ...(bestSingleCv !== undefined ? { bestSingleCv } : {}),
    ...(combinedCv !== undefined ? { combinedCv } : {}),
    ...(k !== undefined ? { k } : {}),
    flagged,
  };
}

/** The protocol's extras from a parsed metrics.json: `intervals`, `variants`, `variantIntervals`, `shortcuts` (each only when present). */
export function metricsFileExtras(file: unknown): Pick<RunMetricsResult, 'intervals' | 'variants' | 'variantIntervals' | 'shortcuts'> {
  if (!file || typeof file !== 'object') return {};
  const f = file as Groups & { variants?: unknown; shortcuts?: unknown };
  const intervals = flatIntervals(f);
  const shortcuts = shortcutsOf(f.shortcuts);
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
    ...(shortcuts ? { shortcuts } : {}),
  };
}

/** metricsFileExtras of `<runDir>/metrics.json`; {} when it is missing or unreadable (readRunMetrics reports that). */
export async function readMetricsFileExtras(runDir: string): Promise<ReturnType<typeof metricsFileExtras>> {
  const file = await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8').then(JSON.parse, () => undefined);
  return metricsFileExtras(file);
}
