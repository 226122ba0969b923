// Finds image files in a folder by extension (plus extensionless DICOM by its magic), sorted so datasets
// enumerate the same way on every machine. Symlinked files and folders count. Dot-files (e.g. macOS '._x.png' forks) are skipped.
import { extname } from 'node:path';
import { isDicomMagic, readHead } from './detect.js';
import { walkFiles } from './walk.js';

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

/** Absolute paths of image files under `folder` (symlinks followed, loops skipped), sorted by code unit order. */
export async function listImageFiles(folder: string, opts: { recursive?: boolean } = {}): Promise<string[]> {
  return walkFiles(folder, {
    recursive: opts.recursive === true,
    accept: async (name, full) => known(name) || (extname(name) === '' && (await isExtensionlessDicom(full))),
  });
}
