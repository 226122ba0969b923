import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { listImageFiles } from '../../src/io/index.js';
import { writeDicom } from './fixtures/dicom-writer.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();

describe('listImageFiles', () => {
  it('finds known extensions and extensionless DICOM, sorted, optionally recursive', async () => {
    const root = tmp.path('data');
    await mkdir(`${root}/sub`, { recursive: true });
    for (const n of [
      'b.PNG',
      'a.jpg',
      'vol.nii.gz',
      'notes.txt',
      '.hidden.png',
      '._a.png',
      'sub/c.dcm',
      'sub/d.tiff',
    ])
      await writeFile(`${root}/${n}`, 'x');
    await writeFile(`${root}/IM0001`, writeDicom({ rows: 1, cols: 1, bitsAllocated: 8, pixels: [1] }));
    await writeFile(
      `${root}/README`,
      'plain text without DICOM magic, long enough to have 132 bytes '.repeat(4),
    );
    expect(await listImageFiles(root)).toEqual([
      `${root}/IM0001`,
      `${root}/a.jpg`,
      `${root}/b.PNG`,
      `${root}/vol.nii.gz`,
    ]);
    expect(await listImageFiles(root, { recursive: true })).toEqual([
      `${root}/IM0001`,
      `${root}/a.jpg`,
      `${root}/b.PNG`,
      `${root}/sub/c.dcm`,
      `${root}/sub/d.tiff`,
      `${root}/vol.nii.gz`,
    ]);
  });
});
