// A sweep is a grid of settings (dotted config keys, each with a list of values) times a list of seeds; each cell is
// an ordinary run of the experiment with those values written into its config (validated again, so a bad value is
// an error naming the key before anything runs).
import { parse as parseYaml } from 'yaml';
import { experimentConfigSchema, type ExperimentConfig } from '../experiment/schema.js';

export interface SweepSpec {
  seeds: number[];
  /** Dotted key -> values, e.g. { 'training.lr': [0.001, 0.0005] }. */
  set: Record<string, unknown[]>;
}

export interface SweepSetting {
  index: number;
  /** e.g. `training.lr=0.001`. */
  label: string;
  values: Record<string, unknown>;
}

export interface SweepRunPlan {
  index: number;
  setting: number;
  seed: number;
  name: string;
  config: ExperimentConfig;
}

/** `0-4`, `0,2,7` or `1-3,9` -> seeds (each once, in order given). */
export function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(-?\d+)(?:-(-?\d+))?$/.exec(part);
    if (!m) throw new Error(`seeds: '${part}' is not a number or a range like 0-4`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`seeds: range '${part}' goes backwards`);
    if (b - a > 10000) throw new Error(`seeds: range '${part}' is too long`);
    for (let s = a; s <= b; s++) if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw new Error('seeds: none given');
  return out;
}

/** `training.lr=1e-3,5e-4;training.batchSize=8,16` -> { 'training.lr': [0.001, 0.0005], ... } (values read as YAML scalars). */
export function parseSet(text: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`--set: '${part}' is not key=value1,value2`);
    const key = part.slice(0, eq).trim();
    const values = part.slice(eq + 1).split(',').map((v) => v.trim()).filter((v) => v.length > 0).map((v) => parseYaml(v) as unknown);
    if (!/^[A-Za-z][\w]*(\.[\w-]+)+$/.test(key)) throw new Error(`--set: '${key}' is not a dotted config key like training.lr`);
    if (values.length === 0) throw new Error(`--set: ${key} has no values`);
    out[key] = values;
  }
  return out;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === undefined) cur[p] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new Error(`sweep: '${key}': '${p}' is not a section`);
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

const fmt = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Every combination of the set values (first key slowest), each with every seed. */
export function expandSweep(base: ExperimentConfig, baseName: string, spec: SweepSpec): { settings: SweepSetting[]; runs: SweepRunPlan[] } {
  const entries = Object.entries(spec.set);
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of entries) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  const settings = combos.map((values, index) => ({ index, values, label: entries.length ? Object.entries(values).map(([k, v]) => `${k}=${fmt(v)}`).join(' ') : 'base' }));
  const runs: SweepRunPlan[] = [];
  for (const s of settings) {
    for (const seed of spec.seeds) {
      const raw = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
      delete raw.sweep;
      delete raw.queue;
      for (const [k, v] of Object.entries(s.values)) setPath(raw, k, v);
      setPath(raw, 'training.seed', seed);
      const name = `${baseName}-set${s.index + 1}-seed${seed}`;
      raw.name = name;
      const parsed = experimentConfigSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`sweep setting '${s.label}': ${issue.path.join('.')}: ${issue.message}`);
      }
      runs.push({ index: runs.length, setting: s.index, seed, name, config: parsed.data });
    }
  }
  return { settings, runs };
}
