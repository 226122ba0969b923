// File discovery for dataset sources, and a small CSV reader for manifests.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isDicomMagic, readHead } from '../io/detect.js';
import { subfolderNames, walkFiles } from '../io/walk.js';

export type ImageKind = 'image' | 'dicom' | 'nifti';

const EXTENSIONS: Record<ImageKind, string[]> = {
  image: ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp'],
  dicom: ['.dcm', '.dicom'],
  nifti: ['.nii', '.nii.gz'],
};

export function kindOfFile(file: string): ImageKind | undefined {
  const lower = file.toLowerCase();
  for (const kind of Object.keys(EXTENSIONS) as ImageKind[])
    if (EXTENSIONS[kind].some((e) => lower.endsWith(e))) return kind;
  return undefined;
}

/** File name without directory and image extension (`.nii.gz` counts as one extension). */
export function stemOf(file: string): string {
  const base = path.basename(file);
  const lower = base.toLowerCase();
  for (const exts of Object.values(EXTENSIONS))
    for (const e of exts) if (lower.endsWith(e)) return base.slice(0, -e.length);
  return base.slice(0, base.length - path.extname(base).length);
}

export async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * A DICOM file as PACS exports and DICOMDIR media hold them: no extension, the 'DICM' magic at 128. The DICOMDIR
 * index itself is no image (its entries are found by walking the folders).
 */
async function isExtensionlessDicom(file: string, name: string): Promise<boolean> {
  if (path.extname(name) !== '' || name.toUpperCase() === 'DICOMDIR') return false;
  try {
    return isDicomMagic(await readHead(file, 132));
  } catch {
    return false;
  }
}

/**
 * Sorted absolute paths of image files of the given kinds under `dir` (hidden entries skipped, symlinks followed);
 * with 'dicom', also files without an extension that are DICOM (series folders of IM0001, 1.2.840....).
 */
export async function listImages(dir: string, kinds: ImageKind[], recursive = true): Promise<string[]> {
  return walkFiles(dir, {
    recursive,
    accept: async (name, full) => {
      const kind = kindOfFile(name);
      if (kind) return kinds.includes(kind);
      return kinds.includes('dicom') && (await isExtensionlessDicom(full, name));
    },
  });
}

/** Names of the visible subfolders of `dir` (symlinked folders too), sorted. */
export const subfolders = subfolderNames;

/** RFC-4180-ish CSV: quoted fields with "" escapes; returns rows with their 1-based line numbers. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0].trim() !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n') {
      endRow();
      line++;
      rowLine = line;
    } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
