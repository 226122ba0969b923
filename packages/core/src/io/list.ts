// Finds image files in a folder by extension (plus extensionless DICOM by its magic), sorted so datasets
// enumerate the same way on every machine. Dot-files (e.g. macOS '._x.png' forks) are skipped.
import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { isDicomMagic, readHead } from './detect.js';

export const IMAGE_EXTENSIONS = [
  '.png',
  '.jpg',
  '.jpeg',
  '.tif',
  '.tiff',
  '.webp',
  '.bmp',
  '.dcm',
  '.dicom',
  '.nii',
  '.nii.gz',
];

const known = (name: string): boolean => {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
};

async function isExtensionlessDicom(file: string): Promise<boolean> {
  try {
    return isDicomMagic(await readHead(file, 132));
  } catch {
    return false;
  }
}

/** Absolute paths of image files under `folder`, sorted by code unit order. */
export async function listImageFiles(folder: string, opts: { recursive?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (opts.recursive) await walk(full);
      } else if (e.isFile()) {
        if (known(e.name) || (extname(e.name) === '' && (await isExtensionlessDicom(full)))) out.push(full);
      }
    }
  };
  await walk(resolve(folder));
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
