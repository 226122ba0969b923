// Patient-level grouping (config key `group`): every image gets a group key, from a manifest column, a DICOM header
// attribute or a pattern in its path; the splits medad makes (validation hold-out, unlabelled pool) then move whole
// groups, and `groupStraddles` finds groups that the given splits cut (e.g. one patient in train and test).
import path from 'node:path';
import { dicomIdOf, readDicomIds, type DicomGroupTag } from '../io/index.js';
import { mapLimit } from './concurrency.js';
import type { GroupConfig } from './schema.js';
import type { Candidate } from './sources.js';
import type { DatasetItem, DatasetProblem } from './types.js';
import { shuffled } from './random.js';

/** The group of an item: its key, or the item alone (its path) when it has none. */
export const groupOf = (it: { group?: string; path: string }): string => it.group ?? `\u0000${it.path}`;

/** Sets `group` on every candidate the config's rule gives a key (manifest columns were read by the source). */
export async function assignGroups(
  rule: GroupConfig,
  configDir: string,
  items: Candidate[],
  problems: DatasetProblem[],
): Promise<void> {
  const without: string[] = [];
  if ('pattern' in rule) {
    const re = new RegExp(rule.pattern);
    for (const it of items) {
      const rel = path.relative(configDir, it.path).split(path.sep).join('/');
      const m = re.exec(rel);
      const key = m ? (m[1] ?? m[0]) : undefined;
      if (key) it.group = key;
      else without.push(rel);
    }
  } else if ('dicom' in rule) {
    const tag: DicomGroupTag = rule.dicom;
    const keys = await mapLimit(items, 8, async (it) => {
      try {
        return dicomIdOf(await readDicomIds(it.path), tag);
      } catch {
        return undefined;
      }
    });
    items.forEach((it, i) => (keys[i] ? (it.group = keys[i]) : without.push(path.basename(it.path))));
  } else for (const it of items) if (!it.group) without.push(path.basename(it.path));
  if (without.length) {
    const how =
      'pattern' in rule ? `match no group pattern` : 'dicom' in rule ? `have no readable ${rule.dicom}` : `have an empty '${rule.column}' cell`;
    problems.push({
      severity: 'warning',
      code: 'group-missing',
      path: ['group'],
      message: `${without.length} image(s) ${how} and are each their own group, e.g. ${without.slice(0, 3).join(', ')}`,
    });
  }
}

/** Items by group, groups in sorted key order (so a seeded shuffle of them is reproducible). */
export function byGroup<T extends { group?: string; path: string }>(items: readonly T[]): T[][] {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = groupOf(it);
    const g = m.get(k);
    if (g) g.push(it);
    else m.set(k, [it]);
  }
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

/**
 * Whole groups, in seeded random order, taken while they fit the quota (a total, or [normals, anomalies]); a group
 * that would overshoot is passed over for smaller ones. Returns the items taken.
 */
export function drawGroups<T extends { group?: string; path: string; label: 0 | 1 }>(
  items: readonly T[],
  quota: number | [number, number],
  rand: () => number,
): T[] {
  const [max0, max1, total] = typeof quota === 'number' ? [Infinity, Infinity, quota] : [quota[0], quota[1], quota[0] + quota[1]];
  const taken: T[] = [];
  const have = [0, 0];
  for (const g of shuffled(byGroup(items), rand)) {
    const n0 = g.filter((it) => it.label === 0).length;
    const n1 = g.length - n0;
    if (have[0] + n0 > max0 || have[1] + n1 > max1 || taken.length + g.length > total) continue;
    taken.push(...g);
    have[0] += n0;
    have[1] += n1;
    if (taken.length === total) break;
  }
  return taken;
}

export interface Straddle {
  group: string;
  /** Images per split, e.g. {train: 2, test: 1}. */
  splits: Record<string, number>;
  files: string[];
}

/** Groups (with a key) whose images lie in more than one split; those touching the test set first. */
export function groupStraddles(items: readonly DatasetItem[]): Straddle[] {
  const out: Straddle[] = [];
  for (const g of byGroup(items.filter((it) => it.group !== undefined))) {
    const splits: Record<string, number> = {};
    for (const it of g) splits[it.split] = (splits[it.split] ?? 0) + 1;
    if (Object.keys(splits).length > 1) out.push({ group: g[0].group!, splits, files: g.map((it) => it.path) });
  }
  const rank = (s: Straddle) => ('test' in s.splits ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}
