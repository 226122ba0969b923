// Folder walking that follows symlinks (datasets are often folders of links into a shared store) without looping:
// a link is stat'ed to learn what it points at, a dangling or self-referencing link is skipped, and a folder already
// entered (same device and inode, however it was reached) is not entered again, so `a/b -> ..` ends.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Dirent } from 'node:fs';

export interface WalkOptions {
  /** Enter subfolders (default true). */
  recursive?: boolean;
  /** Keep this regular file? Dot-entries are never offered. */
  accept(name: string, full: string): boolean | Promise<boolean>;
}

/** What an entry is once symlinks are followed; undefined for dangling links, loops and anything not a file/folder. */
async function kindOf(e: Dirent, full: string): Promise<'file' | 'dir' | undefined> {
  if (e.isDirectory()) return 'dir';
  if (e.isFile()) return 'file';
  if (!e.isSymbolicLink()) return undefined; // FIFOs, sockets, devices: never images
  const st = await stat(full).catch(() => undefined); // ENOENT (dangling) or ELOOP (a -> a)
  return st?.isDirectory() ? 'dir' : st?.isFile() ? 'file' : undefined;
}

/** Accepted regular files under `root` (symlinks followed), sorted by code unit order. */
export async function walkFiles(root: string, opts: WalkOptions): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const st = await stat(dir);
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return; // a cycle, or the same folder linked twice
    seen.add(key);
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      const kind = await kindOf(e, full);
      if (kind === 'dir') {
        if (opts.recursive !== false) await walk(full);
      } else if (kind === 'file' && (await opts.accept(e.name, full))) out.push(full);
    }
  };
  await walk(resolve(root));
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Names of the visible subfolders of `dir` (symlinked folders included), sorted. */
export async function subfolderNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }))
    if (!e.name.startsWith('.') && (await kindOf(e, join(dir, e.name))) === 'dir') names.push(e.name);
  return names.sort();
}
