// Dataset summaries for `medad/datasetSummary` and hovers, from core's resolveDataset + summariseDataset.
// Hover summaries are cached per path and modification times (the folder and its class folders; for a config
// file, the configs and the folders its images are in), so hovering the same `root:` twice reads the headers
// once, and adding images invalidates the entry.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  formatSummary,
  loadDataset,
  parseYamlDocument,
  experimentConfigSchema,
  resolveDataset,
  summariseDataset,
  type DatasetSummary as CoreSummary,
  type GroupConfig,
  type ResolvedDataset,
} from '@medad/core';
import type { DatasetSummary } from '../protocol.js';
import { folderStamp } from './stamp.js';

const SPLITS = ['train', 'validation', 'test', 'unlabelled'] as const;
/** Above this many images a hover probes a strided sample for sizes (counts stay exact). */
const HOVER_PROBE_LIMIT = 2000;

/** The resolved dataset of a dataset config, or of the dataset an experiment config names (or inlines). */
export async function resolveConfigFile(file: string): Promise<{ resolved: ResolvedDataset; dir: string; configs: string[]; group?: GroupConfig }> {
  const text = await fs.readFile(file, 'utf8');
  if (/^medad:\s*['"]?experiment/m.test(text)) {
    const parsed = parseYamlDocument(text, experimentConfigSchema, file);
    if (!parsed.value) throw new Error(`${file}: invalid experiment config: ${parsed.issues[0]?.message ?? 'unknown problem'}`);
    const ds = parsed.value.dataset;
    if (typeof ds === 'string') {
      const inner = await resolveConfigFile(path.resolve(path.dirname(file), ds));
      return { ...inner, configs: [file, ...inner.configs] };
    }
    return { resolved: await resolveDataset({ ...ds, medad: 'dataset' }, path.dirname(file)), dir: path.dirname(file), configs: [file], ...(ds.group ? { group: ds.group } : {}) };
  }
  const loaded = await loadDataset(file);
  if (!loaded.resolved) throw new Error(`${file}: invalid dataset config: ${loaded.issues[0]?.message ?? 'unknown problem'}`);
  return { resolved: loaded.resolved, dir: path.dirname(file), configs: [file], ...(loaded.config?.group ? { group: loaded.config.group } : {}) };
}

/** core's summary in the protocol's shape. */
export function toProtocolSummary(resolved: ResolvedDataset, s: CoreSummary, baseDir: string): DatasetSummary {
  const bad = new Set(s.unreadable.map((u) => u.path));
  const splits = SPLITS.filter((n) => resolved[n].length > 0).map((name) => ({
    name,
    images: resolved[name].length,
    unreadable: resolved[name].filter((it) => bad.has(it.path)).length,
    classes: Object.fromEntries(s.counts.filter((c) => c.split === name).map((c) => [c.className, c.count])),
  }));
  const sizes = Object.fromEntries(s.sizes.map((z) => [`${z.width}x${z.height}`, z.count]));
  return { splits, sizes, text: formatSummary(s, { baseDir }) };
}

export async function summariseConfigFile(file: string, signal: AbortSignal): Promise<DatasetSummary> {
  const { resolved, dir } = await resolveConfigFile(file);
  return toProtocolSummary(resolved, await summariseDataset(resolved, { signal }), dir);
}

/** Every n-th item of each split, so header probing stays bounded. */
function sample(r: ResolvedDataset, limit: number): ResolvedDataset {
  const total = SPLITS.reduce((n, s) => n + r[s].length, 0);
  if (total <= limit) return r;
  const step = Math.ceil(total / limit);
  const pick = <T>(xs: T[]) => xs.filter((_, i) => i % step === 0);
  return { train: pick(r.train), validation: pick(r.validation), test: pick(r.test), unlabelled: pick(r.unlabelled), problems: [] };
}

/** Markdown for a hover: counts per split and class, image sizes, unreadable files. */
function hoverText(abs: string, resolved: ResolvedDataset, s: CoreSummary, sampled: boolean): string {
  const total = SPLITS.reduce((n, sp) => n + resolved[sp].length, 0);
  const lines = [`**${total} images** in \`${abs}\``];
  for (const sp of SPLITS) {
    if (resolved[sp].length === 0) continue;
    const classes = new Map<string, number>();
    for (const it of resolved[sp]) classes.set(it.className, (classes.get(it.className) ?? 0) + 1);
    lines.push(`- ${sp}: ${resolved[sp].length} (${[...classes].map(([c, n]) => `${c} ${n}`).join(', ')})`);
  }
  const sizes = s.sizes.slice(0, 4).map((z) => `${z.width}x${z.height} (${z.count})`).join(', ');
  if (sizes) lines.push(`- sizes${sampled ? ' (sampled)' : ''}: ${sizes}${s.sizes.length > 4 ? ', ...' : ''}`);
  if (s.dicom) lines.push(`- DICOM${sampled ? ' (sampled)' : ''}: ${s.dicom.patients} patient(s), ${s.dicom.studies} stud(ies), ${s.dicom.series.length} series`);
  if (s.unreadable.length) lines.push(`- unreadable: ${s.unreadable.length}, e.g. \`${path.basename(s.unreadable[0].path)}\`: ${s.unreadable[0].reason}`);
  return lines.join('\n');
}

/** mtimes of a folder and of its sub-folders two levels down (train/, train/normal/, ...). */
async function stamp(abs: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (p: string, depth: number): Promise<void> => {
    const st = await fs.stat(p);
    parts.push(`${p}:${st.mtimeMs}`);
    if (!st.isDirectory() || depth >= 2) return;
    for (const e of await fs.readdir(p, { withFileTypes: true })) if (e.isDirectory()) await walk(path.join(p, e.name), depth + 1);
  };
  await walk(abs, 0);
  return parts.join('|');
}

const EMPTY: ResolvedDataset = { train: [], validation: [], test: [], unlabelled: [], problems: [] };
const hoverCache = new Map<string, { stamp: string; text: string }>();

/**
 * What a hover on `abs` summarises, and a stamp that changes when the summary may: for a folder its sub-folder
 * mtimes; for a config file the mtimes of the configs read (an experiment and the dataset config it names) and
 * of the folders holding the images they resolve to, so adding images under a named folder refreshes the hover.
 */
async function hoverTarget(abs: string): Promise<{ stamp: string; resolve: () => Promise<ResolvedDataset> } | undefined> {
  const st = await fs.stat(abs).catch(() => undefined);
  if (!st) return undefined;
  if (st.isDirectory()) {
    return { stamp: await stamp(abs), resolve: () => resolveDataset({ medad: 'dataset', version: 1, sources: [{ layout: 'folder', root: abs }] }, abs) };
  }
  if (!/\.ya?ml$/i.test(abs)) return undefined;
  const r = await resolveConfigFile(abs).catch(() => undefined);
  const resolved = r?.resolved ?? EMPTY;
  const items = SPLITS.flatMap((s) => resolved[s].map((it) => it.path));
  return { stamp: await folderStamp(items, r?.configs ?? [abs]), resolve: async () => resolved };
}

/**
 * A hover summary of a dataset path: a folder in the folder layout (root with train/ and test/), or a config
 * file. Undefined when the path is neither (the caller falls back to plain file counts).
 */
export async function summarisePath(abs: string, signal: AbortSignal): Promise<string | undefined> {
  const target = await hoverTarget(abs);
  if (!target) return undefined;
  const hit = hoverCache.get(abs);
  if (hit?.stamp === target.stamp) return hit.text;
  const resolved = await target.resolve();
  if (SPLITS.every((s) => resolved[s].length === 0)) return undefined;
  const probed = sample(resolved, HOVER_PROBE_LIMIT);
  const text = hoverText(abs, resolved, await summariseDataset(probed, { signal }), probed !== resolved);
  if (hoverCache.size > 200) hoverCache.delete(hoverCache.keys().next().value as string);
  hoverCache.set(abs, { stamp: target.stamp, text });
  return text;
}
