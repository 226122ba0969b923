// Train/test leakage: finds test images that duplicate an image the model may see (train, validation or the
// unlabelled pool), exactly (same bytes, or same decoded pixels) or nearly (pHash within maxHamming bits).
// Pairs are grouped with union-find so a cluster of copies is reported once. Duplicates within the test
// set are reported separately, as information (they inflate metrics but are not leakage).
import { ImageReadError } from '../io/index.js';
import { mapLimit } from './concurrency.js';
import type { ProgressOptions } from './concurrency.js';
import { correlation, detailVector, fingerprintFile } from './fingerprint.js';
import type { Fingerprint } from './fingerprint.js';
import { NearIndex } from './near-index.js';
import type { DatasetItem, ResolvedDataset, Split } from './types.js';

/**
 * Near-duplicate = pHash within DEFAULT_MAX_HAMMING bits AND fine-detail correlation >= DEFAULT_MIN_CORRELATION.
 * pHash alone is not enough for medical images: scans of one modality share their low frequencies (chest
 * X-rays of different children sit 4-8 bits apart, and their 32x32 thumbnails correlate at 0.95). The detail
 * check (see detailVector) separates most of them. Measured on the shared chest X-ray, BUSI and head CT sets:
 * different patients mostly 0.1-0.3 (worst seen 0.43); re-encoded, noisy or resized copies > 0.99; near-identical
 * frames of one ultrasound sweep or a re-exported CT slice 0.47-0.95. Neighbouring CT slices (0.3-0.55) are
 * reported only when very similar. The margin at 0.45 is thin: treat near pairs as leads to inspect.
 */
export const DEFAULT_MAX_HAMMING = 8;
export const DEFAULT_MIN_CORRELATION = 0.45;

export type DuplicateKind = 'file' | 'pixels' | 'near';

export interface ItemRef {
  path: string;
  split: Split;
  className: string;
  /** The item's group (config key `group`, e.g. the patient), when the config groups images. */
  group?: string;
}

export interface LeakagePair {
  a: ItemRef;
  b: ItemRef;
  kind: DuplicateKind;
  /** pHash hamming distance (0 for byte/pixel duplicates). */
  distance: number;
  /** Fine-detail correlation (see detailVector; 1 for byte/pixel duplicates). */
  correlation: number;
}

export interface LeakageGroup {
  members: ItemRef[];
  pairs: LeakagePair[];
  /** The strongest kind among its pairs (file > pixels > near). */
  kind: DuplicateKind;
  /** Distinct groups (patients) of its members, when the config groups images: one means one patient's images. */
  groups?: string[];
}

export interface LeakageReport {
  settings: { hashSize: number; bits: number; maxHamming: number; minCorrelation: number };
  checked: { reference: number; test: number };
  /** Test images duplicating a train/validation/unlabelled image. */
  pairs: LeakagePair[];
  groups: LeakageGroup[];
  counts: Record<DuplicateKind, number>;
  /** Number of distinct test images involved in some leakage pair. */
  leakedTestImages: number;
  withinTest: { pairs: LeakagePair[]; groups: LeakageGroup[] };
  unreadable: { path: string; reason: string }[];
}

export interface LeakageOptions extends ProgressOptions {
  /** pHash side: hashSize^2 bits. Default 8. */
  hashSize?: number;
  /** Largest pHash hamming distance counted as a near-duplicate. Default DEFAULT_MAX_HAMMING. */
  maxHamming?: number;
  /** Smallest fine-detail correlation for a near-duplicate (-1 disables the check). Default DEFAULT_MIN_CORRELATION. */
  minCorrelation?: number;
  /** Files fingerprinted at once. Default 4. */
  concurrency?: number;
}

const RANK: Record<DuplicateKind, number> = { file: 0, pixels: 1, near: 2 };
const ref = (it: DatasetItem): ItemRef => ({ path: it.path, split: it.split, className: it.className, ...(it.group !== undefined ? { group: it.group } : {}) });

interface Printed {
  item: DatasetItem;
  fp: Fingerprint;
}

function classify(a: Fingerprint, b: Fingerprint): DuplicateKind {
  return a.fileHash === b.fileHash ? 'file' : a.pixelHash === b.pixelHash ? 'pixels' : 'near';
}

/** Pairs (query i, indexed j) found by exact hash buckets and the near index together. */
interface Candidate {
  a: Printed;
  b: Printed;
  kind: DuplicateKind;
  distance: number;
}

/** Candidate pairs (indexed a, query b) from exact hash buckets and the near index; unordered once if sameSet. */
function candidatePairs(
  queries: Printed[],
  indexed: Printed[],
  bits: number,
  maxHamming: number,
  sameSet: boolean,
): Candidate[] {
  const byFile = new Map<string, number[]>();
  const byPixels = new Map<string, number[]>();
  indexed.forEach((p, j) => {
    byFile.set(p.fp.fileHash, [...(byFile.get(p.fp.fileHash) ?? []), j]);
    byPixels.set(p.fp.pixelHash, [...(byPixels.get(p.fp.pixelHash) ?? []), j]);
  });
  const index = new NearIndex(
    indexed.map((p) => p.fp.phash),
    bits,
    maxHamming,
  );
  const out: Candidate[] = [];
  queries.forEach((q, i) => {
    const found = new Map<number, number>();
    for (const j of [...(byFile.get(q.fp.fileHash) ?? []), ...(byPixels.get(q.fp.pixelHash) ?? [])])
      found.set(j, 0);
    for (const { index: j, distance } of index.query(q.fp.phash)) found.set(j, distance);
    for (const [j, distance] of [...found].sort((x, y) => x[0] - y[0])) {
      if (sameSet && j <= i) continue; // each unordered pair once, never an image with itself
      const kind = classify(q.fp, indexed[j].fp);
      out.push({ a: indexed[j], b: q, kind, distance: kind === 'near' ? distance : 0 });
    }
  });
  return out;
}

/** Confirms near candidates by fine-detail correlation, decoding each involved image once. */
async function confirm(
  cands: Candidate[],
  minCorrelation: number,
  opts: LeakageOptions,
): Promise<LeakagePair[]> {
  const near = cands.filter((c) => c.kind === 'near');
  const items = [...new Map(near.flatMap((c) => [c.a.item, c.b.item]).map((it) => [it.path, it])).values()];
  const details = new Map<string, Float32Array | undefined>();
  if (minCorrelation > -1)
    await mapLimit(
      items,
      opts.concurrency ?? 4,
      async (it) => void details.set(it.path, await detailVector(it.path, it.decode).catch(() => undefined)),
      { signal: opts.signal },
    );
  const pairs: LeakagePair[] = [];
  for (const c of cands) {
    let corr = 1;
    if (c.kind === 'near' && minCorrelation > -1) {
      const da = details.get(c.a.item.path);
      const db = details.get(c.b.item.path);
      corr = da && db ? correlation(da, db) : -1;
      if (corr < minCorrelation) continue;
    }
    pairs.push({ a: ref(c.a.item), b: ref(c.b.item), kind: c.kind, distance: c.distance, correlation: corr });
  }
  return pairs;
}

/** Union-find over pair endpoints (by path); groups sorted largest first. */
export function groupPairs(pairs: LeakagePair[]): LeakageGroup[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let y = x; y !== r;) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  const refs = new Map<string, ItemRef>();
  for (const p of pairs)
    for (const e of [p.a, p.b]) {
      const key = `${e.split}\u0000${e.path}`;
      if (!parent.has(key)) parent.set(key, key);
      refs.set(key, e);
    }
  const key = (e: ItemRef) => `${e.split}\u0000${e.path}`;
  for (const p of pairs) parent.set(find(key(p.a)), find(key(p.b)));
  const groups = new Map<string, LeakageGroup>();
  for (const p of pairs) {
    const root = find(key(p.a));
    const g = groups.get(root) ?? { members: [], pairs: [], kind: p.kind };
    g.pairs.push(p);
    if (RANK[p.kind] < RANK[g.kind]) g.kind = p.kind;
    groups.set(root, g);
  }
  for (const [k, e] of refs) groups.get(find(k))!.members.push(e);
  const out = [...groups.values()];
  for (const g of out)
    g.members.sort((x, y) => x.split.localeCompare(y.split) || x.path.localeCompare(y.path));
  for (const g of out) {
    const keys = [...new Set(g.members.flatMap((m) => (m.group !== undefined ? [m.group] : [])))].sort();
    if (keys.length) g.groups = keys;
  }
  return out.sort((x, y) => y.members.length - x.members.length || RANK[x.kind] - RANK[y.kind]);
}

export async function checkLeakage(
  resolved: ResolvedDataset,
  opts: LeakageOptions = {},
): Promise<LeakageReport> {
  const hashSize = opts.hashSize ?? 8;
  const maxHamming = opts.maxHamming ?? DEFAULT_MAX_HAMMING;
  const minCorrelation = opts.minCorrelation ?? DEFAULT_MIN_CORRELATION;
  const bits = hashSize * hashSize;
  if (!Number.isInteger(hashSize) || hashSize < 2 || hashSize > 32)
    throw new Error(`checkLeakage: hashSize must be an integer 2..32, got ${hashSize}`);
  if (!Number.isInteger(maxHamming) || maxHamming < 0 || maxHamming >= bits)
    throw new Error(`checkLeakage: maxHamming must be an integer 0..${bits - 1}, got ${maxHamming}`);

  const reference = [...resolved.train, ...resolved.validation, ...resolved.unlabelled];
  const all = [...reference, ...resolved.test];
  const unreadable: LeakageReport['unreadable'] = [];
  const prints = await mapLimit(
    all,
    opts.concurrency ?? 4,
    async (item) => {
      try {
        return await fingerprintFile(item.path, hashSize, item.decode);
      } catch (e) {
        unreadable.push({
          path: item.path,
          reason: e instanceof ImageReadError ? e.reason : (e as Error).message,
        });
        return undefined;
      }
    },
    opts,
  );
  const ok = (from: number, to: number): Printed[] =>
    all.slice(from, to).flatMap((item, i) => (prints[from + i] ? [{ item, fp: prints[from + i]! }] : []));
  const refs = ok(0, reference.length);
  const tests = ok(reference.length, all.length);

  const pairs = await confirm(candidatePairs(tests, refs, bits, maxHamming, false), minCorrelation, opts);
  const within = await confirm(candidatePairs(tests, tests, bits, maxHamming, true), minCorrelation, opts);
  const counts: Record<DuplicateKind, number> = { file: 0, pixels: 0, near: 0 };
  for (const p of pairs) counts[p.kind]++;
  return {
    settings: { hashSize, bits, maxHamming, minCorrelation },
    checked: { reference: refs.length, test: tests.length },
    pairs,
    groups: groupPairs(pairs),
    counts,
    leakedTestImages: new Set(pairs.map((p) => p.b.path)).size,
    withinTest: { pairs: within, groups: groupPairs(within) },
    unreadable: unreadable.sort((x, y) => x.path.localeCompare(y.path)),
  };
}
