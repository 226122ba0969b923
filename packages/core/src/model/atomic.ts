// Atomic file and folder writes: readers see either the old content or the new, never a torn file, even if the
// process dies mid-write. Files: temp file beside + fsync + rename. Folders: temp folder beside + fsync + swap.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Test hook: runs after the new content is durable on disk but before it replaces the old one. */
export interface AtomicWriteOptions {
  beforeCommit?: () => void | Promise<void>;
}

function tempName(target: string, tag: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function fsyncPath(p: string): Promise<void> {
  const fh = await fs.open(p, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some filesystems refuse fsync on a directory handle; the rename is still atomic there.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
  } finally {
    await fh.close();
  }
}

async function writeDurable(file: string, data: string | Uint8Array): Promise<void> {
  const fh = await fs.open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `data` to `target` atomically (temp file in the same folder, fsync, rename). */
export async function writeFileAtomic(target: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const tmp = tempName(target, 'tmp');
  try {
    await writeDurable(tmp, data);
    await opts.beforeCommit?.();
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new Error(`writeFileAtomic: could not write ${target}: ${(err as Error).message}`, { cause: err });
  }
  await fsyncPath(path.dirname(target));
}

/** JSON with two-space indentation and a trailing newline, written atomically. */
export async function writeJsonAtomic(target: string, value: unknown, opts: AtomicWriteOptions = {}): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  if (text === undefined) throw new Error(`writeJsonAtomic: value for ${target} is not JSON-serialisable`);
  await writeFileAtomic(target, text + '\n', opts);
}

/** Sibling that holds the previous folder during the swap in writeDirAtomic; readers fall back to it if present. */
export function previousDirName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.previous`);
}

/**
 * Replaces folder `target` by one holding exactly `files` (name -> content). Linux cannot rename a folder over a
 * non-empty one, so the old folder is first renamed to `previousDirName(target)`, then the new one moved in, then
 * the old one removed. A crash between the two renames leaves the old folder under the `.previous` name, which
 * `resolveDir` returns.
 */
export async function writeDirAtomic(
  target: string,
  files: Record<string, string | Uint8Array>,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  const tmp = tempName(target, 'tmpdir');
  const prev = previousDirName(target);
  try {
    await fs.mkdir(tmp);
    for (const [name, data] of Object.entries(files)) await writeDurable(path.join(tmp, name), data);
    await fsyncPath(tmp);
    await opts.beforeCommit?.();
    // A leftover .previous from an earlier crash is stale only if target exists (target is newer then).
    if (await exists(target)) {
      await fs.rm(prev, { recursive: true, force: true });
      await fs.rename(target, prev);
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new Error(`writeDirAtomic: could not write ${target}: ${(err as Error).message}`, { cause: err });
  }
  await fsyncPath(parent);
  await fs.rm(prev, { recursive: true, force: true });
}

/** The folder to read: `target`, or its `.previous` sibling if a swap was interrupted; throws if neither exists. */
export async function resolveDir(target: string): Promise<string> {
  if (await exists(target)) return target;
  const prev = previousDirName(target);
  if (await exists(prev)) return prev;
  throw new Error(`${target}: no such folder`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
