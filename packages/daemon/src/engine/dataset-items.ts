// `medad/datasetItems`: the resolved images with their splits, their config group key and, for DICOM files, the
// patient / study / series from the header, so the gallery can group thumbnails by any of them.
import * as path from 'node:path';
import { readDicomIds, type DicomIds, type GroupConfig, type ResolvedDataset } from '@medad/core';
import type { DatasetItemInfo, DatasetItemsResult } from '../protocol.js';

const SPLITS = ['train', 'validation', 'test', 'unlabelled'] as const;
/** Headers read at once: enough to hide file latency, few enough not to exhaust descriptors on a large dataset. */
const CONCURRENCY = 8;

/** DICOM as it is named (.dcm/.dicom/.ima) or as a study folder holds it (no extension): only these are opened,
 * so a dataset of 10,000 PNGs costs no extra reads. */
export const mayBeDicom = (file: string): boolean => /\.(dcm|dicom|ima)$/i.test(file) || !path.extname(path.basename(file));

/** The config's group rule in words, e.g. 'PatientID', 'column patient_id', 'pattern (p\\d+)/'. */
export function describeGroup(rule: GroupConfig): string {
  return 'dicom' in rule ? rule.dicom : 'column' in rule ? `column ${rule.column}` : `pattern ${rule.pattern}`;
}

async function mapLimit<T, R>(xs: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(xs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, worker));
  return out;
}

export async function datasetItemsOf(resolved: ResolvedDataset, group?: GroupConfig): Promise<DatasetItemsResult> {
  const all = SPLITS.flatMap((split) => resolved[split].map((it) => ({ it, split })));
  // a multi-frame file or a file listed twice is read once
  const files = [...new Set(all.map((x) => x.it.path).filter(mayBeDicom))];
  const ids = new Map<string, DicomIds>();
  const got = await mapLimit(files, CONCURRENCY, (f) => readDicomIds(f).catch((): undefined => undefined));
  files.forEach((f, i) => got[i] && ids.set(f, got[i]));
  const items = all.map(({ it, split }): DatasetItemInfo => {
    const d = ids.get(it.path);
    return {
      path: it.path,
      split,
      className: it.className,
      label: it.label,
      ...(it.group !== undefined ? { group: it.group } : {}),
      ...(d?.patientId ? { patientId: d.patientId } : {}),
      ...(d?.studyInstanceUid ? { studyInstanceUid: d.studyInstanceUid } : {}),
      ...(d?.seriesInstanceUid ? { seriesInstanceUid: d.seriesInstanceUid } : {}),
    };
  });
  return { items, ...(group ? { groupBy: describeGroup(group) } : {}) };
}
