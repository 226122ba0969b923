// A quick look at a folder for hovers: image files per class subfolder. Bounded (it runs while the user
// waits) and read-only; the full summary with image sizes is `medad/datasetSummary`.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const IMAGE = /\.(png|jpe?g|tiff?|webp|dcm|nii|nii\.gz)$/i;
const MAX_ENTRIES = 20_000;

export interface FolderSummary {
  images: number;
  /** Subfolder (relative path) -> image count, for folders holding images. */
  folders: Record<string, number>;
  truncated: boolean;
}

export async function summariseFolder(root: string, signal?: AbortSignal): Promise<FolderSummary> {
  const out: FolderSummary = { images: 0, folders: {}, truncated: false };
  let seen = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (signal?.aborted || out.truncated) return;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) {
        out.truncated = true;
        return;
      }
      if (e.isDirectory() && depth < 4) await walk(path.join(dir, e.name), depth + 1);
      else if (e.isFile() && IMAGE.test(e.name)) {
        out.images++;
        const rel = path.relative(root, dir) || '.';
        out.folders[rel] = (out.folders[rel] ?? 0) + 1;
      }
    }
  };
  await walk(root, 0);
  return out;
}

export function formatFolderSummary(abs: string, s: FolderSummary): string {
  const lines = [`**${s.images}${s.truncated ? '+' : ''} images** in \`${abs}\``];
  for (const [rel, n] of Object.entries(s.folders).sort()) lines.push(`- \`${rel}\`: ${n}`);
  return lines.join('\n');
}
