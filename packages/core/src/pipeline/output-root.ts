// An output folder under /proc, /sys or /dev is refused before anything touches it: mkdir there can fail
// strangely or never return (kernel pseudo-filesystems), and nothing a run writes belongs there. The mkdir of
// the output root is also bounded by a timeout, so a hung mount fails the command instead of hanging it.
import { realpathSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const SPECIAL = ['/proc', '/sys', '/dev'];
/** Longest the output root's mkdir may take (ms). */
export const OUTPUT_MKDIR_TIMEOUT_MS = 20_000;

const under = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

/** realpath of the longest existing prefix (a symlink into /proc counts as /proc). */
function realPrefix(p: string): string {
  for (let cur = p; ; cur = path.dirname(cur)) {
    try {
      return path.join(realpathSync(cur), path.relative(cur, p));
    } catch {
      if (path.dirname(cur) === cur) return p;
    }
  }
}

export class OutputRootError extends Error {}

/** Throws OutputRootError for an output folder under /proc, /sys or /dev (also through a symlink). */
export function checkOutputRoot(root: string): void {
  const abs = path.resolve(root);
  if (abs.length > 4096) throw new OutputRootError(`output.dir ${abs.slice(0, 200)}…: path longer than 4096 characters`);
  const hit = SPECIAL.find((s) => under(abs, s) || under(realPrefix(abs), s));
  if (hit) throw new OutputRootError(`output.dir ${abs} is under ${hit} (a kernel pseudo-filesystem); choose a folder on disk`);
}

/** mkdir -p of the output root after checkOutputRoot, bounded by a timeout. */
export async function makeOutputRoot(root: string, ms = OUTPUT_MKDIR_TIMEOUT_MS): Promise<void> {
  checkOutputRoot(root);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutputRootError(`output.dir ${root}: creating it timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    await Promise.race([fs.mkdir(root, { recursive: true }), late]);
  } finally {
    clearTimeout(timer);
  }
}
