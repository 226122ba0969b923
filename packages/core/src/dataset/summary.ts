// Dataset summary from file headers only: counts, sizes, bit depths, formats, masks and unreadable files.
import { DEFAULT_MAX_PIXELS, ImageReadError, probeFile, readDicomIds, type DicomIds } from '../io/index.js';
import type { ProbeResult } from '../io/index.js';
import { mapLimit } from './concurrency.js';
import type { ProgressOptions } from './concurrency.js';
import type { DatasetItem, ResolvedDataset, Split } from './types.js';

export interface ClassCount {
  split: Split;
  className: string;
  label: 0 | 1;
  count: number;
}

export interface DatasetSummary {
  total: number;
  counts: ClassCount[];
  /** Distinct sizes, most common first. */
  sizes: { width: number; height: number; count: number }[];
  minSize?: { width: number; height: number };
  maxSize?: { width: number; height: number };
  bitDepths: { bitDepth: number; count: number }[];
  formats: { format: string; count: number }[];
  /** Number of files holding more than one image (multi-frame DICOM, NIfTI volumes). */
  multiFrameFiles: number;
  masks: {
    /** Items with a mask. */
    present: number;
    /** Anomalous test items without a mask (only counted when the test set has masks at all). */
    missing: number;
    /** Masks whose size differs from their image. */
    sizeMismatch: { image: string; mask: string; imageSize: string; maskSize: string }[];
  };
  unreadable: { path: string; reason: string }[];
  /** DICOM files by patient, study and series (absent without DICOM files). */
  dicom?: DicomSummary;
}

export interface DicomSeries {
  patientId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality?: string;
  seriesNumber?: number;
  /** Files of the series in this dataset, and the splits they are in. */
  files: number;
  splits: Split[];
}

export interface DicomSummary {
  files: number;
  patients: number;
  studies: number;
  series: DicomSeries[];
  transferSyntaxes: { name: string; count: number }[];
}

const SPLITS: Split[] = ['train', 'validation', 'test', 'unlabelled'];

/** Header facts, or why the file cannot be used (a size above the decoder's pixel limit counts: it is refused). */
async function probe(file: string, maxPixels: number): Promise<ProbeResult | { error: string }> {
  try {
    return await probeFile(file, { maxPixels });
  } catch (e) {
    return { error: e instanceof ImageReadError ? e.reason : (e as Error).message };
  }
}

function tally<K>(keys: K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

export async function summariseDataset(
  resolved: ResolvedDataset,
  opts: ProgressOptions = {},
): Promise<DatasetSummary> {
  const items: DatasetItem[] = SPLITS.flatMap((s) => resolved[s]);
  const counts: ClassCount[] = [];
  for (const split of SPLITS) {
    const byClass = tally(resolved[split].map((it) => `${it.label}\u0000${it.className}`));
    for (const [key, count] of [...byClass].sort()) {
      const [label, className] = key.split('\u0000');
      counts.push({ split, className, label: label === '1' ? 1 : 0, count });
    }
  }
  // Probe images and masks together so the progress total is honest.
  const files = [...items.map((it) => it.path), ...items.flatMap((it) => (it.mask ? [it.mask] : []))];
  const limitOf = new Map(items.map((it) => [it.path, it.decode?.maxPixels ?? DEFAULT_MAX_PIXELS]));
  const probes = await mapLimit(files, 8, (f) => probe(f, limitOf.get(f) ?? DEFAULT_MAX_PIXELS), opts);
  const byFile = new Map(files.map((f, i) => [f, probes[i]]));

  const ok: ProbeResult[] = [];
  const unreadable: DatasetSummary['unreadable'] = [];
  for (const it of items) {
    const p = byFile.get(it.path)!;
    if ('error' in p) unreadable.push({ path: it.path, reason: p.error });
    else ok.push(p);
  }
  const sizes = [...tally(ok.map((p) => `${p.width}x${p.height}`))]
    .map(([k, count]) => {
      const [width, height] = k.split('x').map(Number);
      return { width, height, count };
    })
    .sort((a, b) => b.count - a.count || a.width * a.height - b.width * b.height);
  const area = (s: { width: number; height: number }) => s.width * s.height;
  const minSize = sizes.length ? sizes.reduce((a, b) => (area(b) < area(a) ? b : a)) : undefined;
  const maxSize = sizes.length ? sizes.reduce((a, b) => (area(b) > area(a) ? b : a)) : undefined;

  const sizeMismatch: DatasetSummary['masks']['sizeMismatch'] = [];
  for (const it of items) {
    if (!it.mask) continue;
    const img = byFile.get(it.path)!;
    const mask = byFile.get(it.mask)!;
    if ('error' in mask) unreadable.push({ path: it.mask, reason: mask.error });
    else if (!('error' in img) && (img.width !== mask.width || img.height !== mask.height))
      sizeMismatch.push({
        image: it.path,
        mask: it.mask,
        imageSize: `${img.width}x${img.height}`,
        maskSize: `${mask.width}x${mask.height}`,
      });
  }
  const dicomItems = items.filter((it) => {
    const p = byFile.get(it.path)!;
    return !('error' in p) && p.format === 'dicom';
  });
  const dicom = dicomItems.length ? await summariseDicom(dicomItems, opts) : undefined;
  const testHasMasks = resolved.test.some((it) => it.mask);
  return {
    total: items.length,
    counts,
    sizes,
    minSize: minSize && { width: minSize.width, height: minSize.height },
    maxSize: maxSize && { width: maxSize.width, height: maxSize.height },
    bitDepths: [...tally(ok.map((p) => p.bitDepth))]
      .map(([bitDepth, count]) => ({ bitDepth, count }))
      .sort((a, b) => a.bitDepth - b.bitDepth),
    formats: [...tally(ok.map((p) => p.format as string))]
      .map(([format, count]) => ({ format, count }))
      .sort((a, b) => b.count - a.count),
    multiFrameFiles: ok.filter((p) => p.frames > 1).length,
    masks: {
      present: items.filter((it) => it.mask).length,
      missing: testHasMasks ? resolved.test.filter((it) => it.label === 1 && !it.mask).length : 0,
      sizeMismatch,
    },
    unreadable,
    ...(dicom ? { dicom } : {}),
  };
}

/** Patients, studies and series of the DICOM files, from their headers (a missing UID counts as 'unknown'). */
async function summariseDicom(items: DatasetItem[], opts: ProgressOptions): Promise<DicomSummary> {
  const ids = await mapLimit(items, 8, (it) => readDicomIds(it.path).catch((): DicomIds | undefined => undefined), { signal: opts.signal });
  const series = new Map<string, DicomSeries>();
  const syntaxes: string[] = [];
  items.forEach((it, i) => {
    const d = ids[i];
    if (!d) return;
    syntaxes.push(d.transferSyntax);
    const key = `${d.patientId}\u0000${d.studyInstanceUid}\u0000${d.seriesInstanceUid}`;
    const s = series.get(key) ?? {
      patientId: d.patientId ?? 'unknown',
      studyInstanceUid: d.studyInstanceUid ?? 'unknown',
      seriesInstanceUid: d.seriesInstanceUid ?? 'unknown',
      ...(d.modality ? { modality: d.modality } : {}),
      ...(d.seriesNumber !== undefined ? { seriesNumber: d.seriesNumber } : {}),
      files: 0,
      splits: [],
    };
    s.files++;
    if (!s.splits.includes(it.split)) s.splits.push(it.split);
    series.set(key, s);
  });
  const list = [...series.values()].sort(
    (a, b) => a.patientId.localeCompare(b.patientId) || a.studyInstanceUid.localeCompare(b.studyInstanceUid) || (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0),
  );
  return {
    files: ids.filter(Boolean).length,
    patients: new Set(list.map((s) => s.patientId)).size,
    studies: new Set(list.map((s) => `${s.patientId}\u0000${s.studyInstanceUid}`)).size,
    series: list,
    transferSyntaxes: [...tally(syntaxes)].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
  };
}
