// A worker runs jobs from anyone who can reach Redis, so it only touches paths under the folders it was started
// with (`medad worker --root`), checked like the daemon's sandbox: resolved through symlinks (of the longest
// existing prefix), so `..` or a link cannot lead outside.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { QueueJob } from './jobs.js';

async function realish(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(await fs.realpath(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

const inside = (p: string, root: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

export async function checkJobPaths(job: QueueJob, roots: readonly string[]): Promise<void> {
  const realRoots = await Promise.all(roots.map(realish));
  const paths: string[] = [];
  if (job.kind === 'train') {
    // Without an explicit output root the run goes to the experiment's output.dir, which may point anywhere.
    const out = job.outputRoot ?? path.resolve(job.experiment.dir, job.experiment.config.output?.dir ?? 'runs');
    paths.push(job.experiment.dir, out, ...(job.experiment.file ? [job.experiment.file] : []), ...(job.runDir ? [job.runDir] : []));
  }
  else if (job.kind === 'evaluate') paths.push(job.target, ...(job.outputRoot ? [job.outputRoot] : []));
  else paths.push(job.model, job.shardDir, ...job.files);
  for (const p of paths) {
    if (typeof p !== 'string' || !path.isAbsolute(p)) throw new Error(`job path '${String(p)}' is not absolute`);
    const r = await realish(p);
    if (!realRoots.some((root) => inside(r, root))) throw new Error(`${p}: outside this worker's folders (${roots.join(', ')}); start the worker with --root covering it`);
  }
}
