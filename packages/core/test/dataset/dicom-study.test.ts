// A DICOM study folder as it comes off a CD or a PACS export (fixtures/dicom/study: nested patient/study/series
// folders, files without an extension, a DICOMDIR): it resolves to its images, and the summary lists patients,
// studies and series.
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/dataset/format.js';
import { decodeFile } from '../../src/io/index.js';
import { parseDatasetConfig } from '../../src/dataset/load.js';
import { resolveDataset } from '../../src/dataset/resolve.js';
import { summariseDataset } from '../../src/dataset/summary.js';
import { tempDir } from './fixtures.js';

const study = fileURLToPath(new URL('../io/fixtures/dicom/study/', import.meta.url));
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('a DICOM study folder', () => {
  it('resolves nested extensionless files (not the DICOMDIR) and summarises patients, studies and series', async () => {
    await cp(study, path.join(dir, 'data/train/normal'), { recursive: true });
    await cp(path.join(study, 'P2'), path.join(dir, 'data/test/normal/P2'), { recursive: true });
    const text = ['medad: dataset', 'version: 1', 'sources:', '  - layout: dicom', '    root: ./data'].join('\n');
    const r = await resolveDataset(parseDatasetConfig(text, path.join(dir, 'ds.medad.yaml')).value!, dir);
    const rel = (p: string) => path.relative(path.join(dir, 'data'), p).split(path.sep).join('/');
    expect(r.train.map((it) => rel(it.path))).toEqual(['train/normal/P1/S1/IM1', 'train/normal/P1/S1/IM2', 'train/normal/P1/S2/IM1', 'train/normal/P2/S1/IM1']);
    expect(r.test.map((it) => rel(it.path))).toEqual(['test/normal/P2/S1/IM1']);

    const s = await summariseDataset(r);
    expect(s.unreadable).toEqual([]);
    expect(s.dicom).toMatchObject({ files: 5, patients: 2, studies: 2 });
    // P1: IM1 (mono16) and IM2 (its JPEG-LS copy) share a series; mono8 is another series of the same study
    expect(s.dicom!.series.map((x) => [x.patientId, x.files, x.splits.join('/')])).toEqual([
      ['P1', 2, 'train'],
      ['P1', 1, 'train'],
      ['P2', 2, 'train/test'],
    ]);
    expect(s.dicom!.series[2].modality).toBe('CT');
    expect(s.dicom!.transferSyntaxes).toEqual([
      { name: 'explicit VR little endian', count: 4 },
      { name: 'JPEG-LS lossless', count: 1 },
    ]);
    const text2 = formatSummary(s);
    expect(text2).toMatch(/DICOM: 5 file\(s\), 2 patient\(s\), 2 stud\(ies\), 3 series/);
    expect(text2).toMatch(/P2 .* CT +2 +train\/test/);
  });

  it('a manifest source carries a DICOM window (a CT brain window) to every image it lists', async () => {
    await cp(study, path.join(dir, 'study'), { recursive: true });
    await writeFile(path.join(dir, 'm.csv'), 'path,label,split\nstudy/P2/S1/IM1,0,train\nstudy/P1/S1/IM1,0,test\n');
    const text = ['medad: dataset', 'version: 1', 'sources:', '  - layout: manifest', '    file: ./m.csv', '    window: { center: 40, width: 80 }'].join('\n');
    const r = await resolveDataset(parseDatasetConfig(text, path.join(dir, 'ds.medad.yaml')).value!, dir);
    expect([...r.train, ...r.test].map((it) => it.decode)).toEqual([0, 1].map(() => ({ dicom: { window: { center: 40, width: 80 } } })));
    const [img] = await decodeFile(r.train[0].path, r.train[0].decode);
    expect(img.valueRange).toEqual({ min: 0, max: 1 });
  });
});
