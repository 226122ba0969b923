// Patient-level grouping: splits medad makes keep a group on one side; `dataset check` names groups that the
// given train/test split cuts. The manifest is built so that image-level splitting does cut patients.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDatasetConfig } from '../../src/dataset/check.js';
import { drawGroups, groupStraddles } from '../../src/dataset/groups.js';
import { parseDatasetConfig } from '../../src/dataset/load.js';
import { resolveDataset } from '../../src/dataset/resolve.js';
import type { DatasetItem, ResolvedDataset } from '../../src/dataset/types.js';
import { runCliIn } from '../cli/run-cli.js';
import { tempDir, writeText, writeTree } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const PATIENTS = 12;
const PER = 3;

/** 12 patients x 3 training normals, and test images of which one (P03's) belongs to a training patient. */
async function manifest(): Promise<void> {
  const rows = ['path,label,split,patient_id'];
  const files: string[] = [];
  for (let p = 0; p < PATIENTS; p++)
    for (let k = 0; k < PER; k++) {
      files.push(`img/p${p}_${k}.png`);
      rows.push(`img/p${p}_${k}.png,0,train,P${String(p).padStart(2, '0')}`);
    }
  for (const [f, label, patient] of [['img/t0.png', 0, 'P20'], ['img/t1.png', 1, 'P21'], ['img/t2.png', 1, 'P03']] as const) {
    files.push(f);
    rows.push(`${f},${label},test,${patient}`);
  }
  await writeTree(dir, files);
  await writeText(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n');
}

const configText = (seed: number, group = true) =>
  [
    'medad: dataset',
    'version: 1',
    `seed: ${seed}`,
    'sources:',
    '  - layout: manifest',
    '    file: ./manifest.csv',
    'validation: { fraction: 0.25 }',
    'unlabelled: { from: train, size: 9 }',
    ...(group ? ['group: { column: patient_id }'] : []),
  ].join('\n');

async function resolve(text: string): Promise<ResolvedDataset> {
  const parsed = parseDatasetConfig(text, path.join(dir, 'ds.medad.yaml'));
  expect(parsed.value, JSON.stringify(parsed.issues)).toBeDefined();
  return resolveDataset(parsed.value!, dir);
}

const patientOf = (it: DatasetItem) => /p(\d+)_/.exec(path.basename(it.path))?.[1];
const made = (r: ResolvedDataset) => [...r.train, ...r.validation, ...r.unlabelled];

describe('patient-level grouping', () => {
  it('image-level splitting (no group key) puts some patient on two sides', async () => {
    await manifest();
    const r = await resolve(configText(0, false));
    const sides = new Map<string, Set<string>>();
    for (const it of made(r)) sides.set(patientOf(it)!, (sides.get(patientOf(it)!) ?? new Set()).add(it.split));
    expect([...sides.values()].some((s) => s.size > 1)).toBe(true);
  });

  it('medad\'s validation hold-out and unlabelled pool never cut a patient, for any seed', async () => {
    await manifest();
    for (let seed = 0; seed < 8; seed++) {
      const r = await resolve(configText(seed));
      const items = made(r);
      expect(items.every((it) => it.group === `P${patientOf(it)!.padStart(2, '0')}`)).toBe(true);
      expect(groupStraddles(items)).toEqual([]);
      // whole patients of 3: 9 held out, 9 in the pool, 18 left to train on
      expect([r.validation.length, r.unlabelled.length, r.train.length]).toEqual([9, 9, 18]);
    }
  });

  it('`dataset check` names the patient the given train/test split cuts', async () => {
    await manifest();
    const issues = await checkDatasetConfig(configText(0), path.join(dir, 'ds.medad.yaml'), { leakage: false });
    const straddle = issues.filter((i) => i.code === 'group-straddle');
    expect(straddle).toHaveLength(1);
    expect(straddle[0].message).toMatch(/Group 'P03' \(patient_id\) straddles the splits: .*test 1/);
    expect(straddle[0].related?.map((r) => path.basename(r.file))).toContain('t2.png');
    expect(straddle[0].path).toEqual(['group']);
  });

  it('`medad dataset check` names the straddling patient and exits 1', async () => {
    await manifest();
    await writeText(path.join(dir, 'ds.medad.yaml'), configText(0));
    const { code, stdout } = await runCliIn(dir, ['dataset', 'check', 'ds.medad.yaml']);
    expect(stdout).toMatch(/GROUPS STRADDLING THE SPLITS: 1 group\(s\)/);
    expect(stdout).toMatch(/ {2}P03: (train|validation|unlabelled) 3, test 1 \(.*img\/t2\.png/);
    expect(code).toBe(1);
  });

  it('groups by a pattern in the path, and warns about files it does not match', async () => {
    await writeTree(path.join(dir, 'data'), [
      ...['patient1_a', 'patient1_b', 'patient2_a', 'patient2_b', 'patient3_a', 'patient3_b', 'stray'].map((n) => `train/normal/${n}.png`),
      'test/normal/patient1_c.png',
      'test/lesion/patient9_a.png',
    ]);
    const text = ['medad: dataset', 'version: 1', 'sources:', '  - layout: folder', '    root: ./data', 'validation: { fraction: 0.3 }', "group: { pattern: 'patient(\\d+)' }"].join('\n');
    const r = await resolve(text);
    expect(r.problems.find((p) => p.code === 'group-missing')?.message).toMatch(/1 image\(s\) match no group pattern.*stray/);
    expect(groupStraddles([...r.train, ...r.validation])).toEqual([]);
    const issues = await checkDatasetConfig(text, path.join(dir, 'ds.medad.yaml'), { leakage: false });
    expect(issues.find((i) => i.code === 'group-straddle')?.message).toMatch(/Group '1' \(pattern\)/);
  });

  it('the leakage report names the group (patient) of a duplicate pair', async () => {
    await writeTree(path.join(dir, 'data'), ['train/normal/patient1_a.png', 'train/normal/patient2_a.png', 'test/normal/patient3_a.png']);
    await mkdir(path.join(dir, 'data/test/lesion'), { recursive: true });
    await copyFile(path.join(dir, 'data/train/normal/patient2_a.png'), path.join(dir, 'data/test/lesion/patient2_b.png'));
    const text = ['medad: dataset', 'version: 1', 'sources:', '  - layout: folder', '    root: ./data', "group: { pattern: 'patient(\\d+)' }"].join('\n');
    const issues = await checkDatasetConfig(text, path.join(dir, 'ds.medad.yaml'));
    const leak = issues.filter((i) => i.code === 'leakage');
    expect(leak).toHaveLength(1);
    expect(leak[0].message).toMatch(/identical file.*patient2_b\.png.*patient2_a\.png \(one group: '2'\)/);
    expect(issues.find((i) => i.code === 'group-straddle')?.message).toMatch(/Group '2' \(pattern\) straddles the splits: (test 1, train 1|train 1, test 1)/);
  });

  it('groups DICOM files by PatientID read from their headers', async () => {
    const fixtures = fileURLToPath(new URL('../io/fixtures/dicom/', import.meta.url));
    await mkdir(path.join(dir, 'data/train/normal'), { recursive: true });
    await mkdir(path.join(dir, 'data/test/normal'), { recursive: true });
    // P1: mono16, mono8, jpegls; P2: ct, mono1; P3: rgb, ybr-full; P5: multiframe
    for (const f of ['mono16', 'mono8', 'jpegls', 'ct', 'mono1', 'rgb', 'ybr-full', 'multiframe'])
      await copyFile(fixtures + f + '.dcm', path.join(dir, 'data/train/normal', f + '.dcm'));
    await copyFile(fixtures + 'rle-ct.dcm', path.join(dir, 'data/test/normal/rle-ct.dcm'));
    const text = ['medad: dataset', 'version: 1', 'sources:', '  - layout: dicom', '    root: ./data', 'validation: { fraction: 0.4 }', 'group: { dicom: PatientID }'].join('\n');
    for (let seed = 0; seed < 4; seed++) {
      const r = await resolve(text.replace('version: 1', `version: 1\nseed: ${seed}`));
      expect([...r.train, ...r.validation].every((it) => /^P\d$/.test(it.group ?? ''))).toBe(true);
      expect(groupStraddles([...r.train, ...r.validation])).toEqual([]);
      expect(r.validation.length).toBeGreaterThan(0);
    }
    const issues = await checkDatasetConfig(text, path.join(dir, 'ds.medad.yaml'), { leakage: false });
    expect(issues.find((i) => i.code === 'group-straddle')?.message).toMatch(/Group 'P2' \(PatientID\) straddles the splits: (train|validation) \d, test 1/);
  });

  it('drawGroups takes whole groups within a per-label quota', () => {
    const items = [
      ...['a', 'a', 'b', 'c', 'c', 'c'].map((group, i) => ({ group, path: `n${i}`, label: 0 as const })),
      ...['a', 'd', 'd'].map((group, i) => ({ group, path: `x${i}`, label: 1 as const })),
    ];
    for (let s = 0; s < 20; s++) {
      let k = s;
      const rand = () => ((k = (k * 9301 + 49297) % 233280) / 233280);
      const got = drawGroups(items, [3, 2], rand);
      const groups = new Set(got.map((it) => it.group));
      for (const g of groups) expect(got.filter((it) => it.group === g).length).toBe(items.filter((it) => it.group === g).length);
      expect(got.filter((it) => it.label === 0).length).toBeLessThanOrEqual(3);
      expect(got.filter((it) => it.label === 1).length).toBeLessThanOrEqual(2);
    }
  });
});
