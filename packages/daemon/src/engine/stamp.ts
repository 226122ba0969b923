// Cheap change detection for caches keyed by what is on disk: the modification times of the folders that hold
// a dataset's files and of their parents. Adding, removing or renaming an image changes its folder's mtime; a
// new class folder changes its parent's. (Rewriting a file in place under the same name does not: the caches
// that use this accept that, as editors and dataset tools write new files.)
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** `dir:mtime` of every folder holding one of `files`, of their parents `levels` up, and of `extra` paths. */
export async function folderStamp(files: Iterable<string>, extra: string[] = [], levels = 2): Promise<string> {
  const dirs = new Set<string>();
  for (const f of files) {
    let d = path.dirname(f);
    for (let i = 0; i <= levels && !dirs.has(d); i++, d = path.dirname(d)) dirs.add(d);
  }
  const all = [...new Set([...extra, ...dirs])].sort();
  const stamps = await Promise.all(all.map(async (p) => `${p}:${(await fs.stat(p).catch(() => undefined))?.mtimeMs ?? 'missing'}`));
  return stamps.join('|');
}
