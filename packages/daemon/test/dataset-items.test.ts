// `medad/datasetItems` and `medad/datasetSummary` on a DICOM study folder (issue 20, item 4), through the real daemon:
// every image carries its config group key and its patient / study / series (what the gallery groups by), and the
// summary text lists patients, studies and series. Headers are read only for files that may be DICOM.
import { cpSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayBeDicom } from '../src/engine/dataset-items.js';
import { summarisePath } from '../src/engine/dataset-summary.js';
import { DatasetItemsRequest, DatasetSummaryRequest } from '../src/protocol.js';
import { startDaemon, uriOf, type Daemon } from './helpers.js';

const study = fileURLToPath(new URL('../../core/test/io/fixtures/dicom/study/', import.meta.url));
let d: Daemon;

beforeAll(async () => {
  d = await startDaemon();
  // P1 (two series of one study, one a JPEG-LS file) for training, P2 (a CT) for testing
  cpSync(path.join(study, 'P1'), path.join(d.workspace, 'data/train/normal/P1'), { recursive: true });
  cpSync(path.join(study, 'P2'), path.join(d.workspace, 'data/test/normal/P2'), { recursive: true });
  const config = ['medad: dataset', 'version: 1', 'sources:', '  - layout: dicom', '    root: ./data', 'group:', '  dicom: PatientID', ''].join('\n');
  writeFileSync(path.join(d.workspace, 'dataset.medad.yaml'), config);
});
afterAll(async () => d.close());

describe('dataset items and summary of a DICOM study', () => {
  it('gives every image its group key and its patient, study and series', async () => {
    const r = await d.conn.sendRequest(DatasetItemsRequest, { config: uriOf(path.join(d.workspace, 'dataset.medad.yaml')) });
    expect(r.groupBy).toBe('PatientID');
    const rel = (p: string) => path.relative(path.join(d.workspace, 'data'), p);
    const rows = r.items.map((i) => [rel(i.path), i.split, i.group, i.patientId]);
    expect(rows).toEqual([
      ['train/normal/P1/S1/IM1', 'train', 'P1', 'P1'],
      ['train/normal/P1/S1/IM2', 'train', 'P1', 'P1'],
      ['train/normal/P1/S2/IM1', 'train', 'P1', 'P1'],
      ['test/normal/P2/S1/IM1', 'test', 'P2', 'P2'],
    ]);
    // P1's two series share a study; IM2 is the JPEG-LS copy of IM1, the same series
    const [a, b, c, t] = r.items;
    expect(a.studyInstanceUid).toMatch(/^[\d.]+$/);
    expect(b.studyInstanceUid).toBe(a.studyInstanceUid);
    expect(c.studyInstanceUid).toBe(a.studyInstanceUid);
    expect(b.seriesInstanceUid).toBe(a.seriesInstanceUid);
    expect(c.seriesInstanceUid).not.toBe(a.seriesInstanceUid);
    expect(t.studyInstanceUid).not.toBe(a.studyInstanceUid);
  });

  it('summarises patients, studies and series in the summary text', async () => {
    const s = await d.conn.sendRequest(DatasetSummaryRequest, { config: uriOf(path.join(d.workspace, 'dataset.medad.yaml')) });
    expect(s.text).toMatch(/DICOM: 4 file\(s\), 2 patient\(s\), 2 stud\(ies\), 3 series/);
    expect(s.text).toMatch(/P2 .* CT +1 +test/);
  });

  it('a hover on the config names the patients, studies and series', async () => {
    const text = await summarisePath(path.join(d.workspace, 'dataset.medad.yaml'), new AbortController().signal);
    expect(text).toMatch(/\*\*4 images\*\*/);
    expect(text).toMatch(/^- DICOM: 2 patient\(s\), 2 stud\(ies\), 3 series$/m);
  });

  it('opens only files that may be DICOM', () => {
    expect(['/d/a.dcm', '/d/IM1', '/d/b.DICOM', '/d/c.IMA'].every(mayBeDicom)).toBe(true);
    expect(['/d/a.png', '/d/b.nii.gz', '/d/c.jpg'].some(mayBeDicom)).toBe(false);
  });
});
