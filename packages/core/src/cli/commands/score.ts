// `medad score <model-dir> <folder|file...>`: scores and 16-bit maps for arbitrary images.
import * as path from 'node:path';
import type { BackendName } from '../../compute/index.js';
import { scoreFiles } from '../../pipeline/score.js';
import { UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';
import { progressRouter } from './train.js';


export async function score(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const [model, ...inputs] = args.positionals;
  if (!model || inputs.length === 0) throw new UsageError('score needs a model (or run) folder and at least one image or folder');
  const router = progressRouter(ctx);
  const r = await scoreFiles(path.resolve(ctx.cwd, model), inputs.map((i) => path.resolve(ctx.cwd, i)), {
    out: typeof args.flags.out === 'string' ? path.resolve(ctx.cwd, args.flags.out) : undefined,
    maps: args.flags['no-maps'] !== true,
    backend: args.flags.backend as BackendName | undefined,
    signal: ctx.signal,
    onProgress: router.onProgress,
  }).finally(router.finish);
  // One rule for both outputs: exit 1 and `ok: false` when any input failed; the scores of the rest are still given.
  const ok = r.failures.length === 0;
  if (ctx.json) {
    ctx.emit({ ok, ...r });
    return ok ? 0 : 1;
  }
  ctx.say(['score\tpath\tmap', ...r.scores.map((s) => `${s.score.toPrecision(6)}\t${s.id}\t${s.mapFile ?? ''}`)].join('\n'));
  for (const f of r.failures) ctx.note(`${f.path}: ${f.reason}`);
  if (!ok) ctx.note(`${r.failures.length} of ${r.failures.length + new Set(r.scores.map((s) => s.path)).size} input(s) not scored`);
  return ok ? 0 : 1;
}
