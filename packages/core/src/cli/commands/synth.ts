// `medad synth <config>`: synthetic anomalies of the training normals with their label masks, so a researcher can
// see what a self-supervised detector is trained on before spending hours training it.
import * as path from 'node:path';
import { loadImage } from '../../io/index.js';
import { SYNTH_METHODS, writeSynthExamples, type SynthMethod } from '../../synth/index.js';
import { intFlag, UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';
import { resolveFor } from './dataset.js';

export async function synth(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const [config, ...rest] = args.positionals;
  if (!config || rest.length) throw new UsageError('synth needs exactly one dataset or experiment config');
  const method = (typeof args.flags.method === 'string' ? args.flags.method : 'fpi') as SynthMethod;
  if (!SYNTH_METHODS.includes(method)) throw new UsageError(`--method must be one of ${SYNTH_METHODS.join(', ')}, got '${method}'`);
  const count = intFlag(args, 'count') ?? 16;
  const size = intFlag(args, 'size') ?? 128;
  const seed = intFlag(args, 'seed') ?? 0;
  const file = path.resolve(ctx.cwd, config);
  const { resolved } = await resolveFor(file);
  // Enough distinct normals to draw foreign patches from, without decoding a whole training set.
  const sources = resolved.train.slice(0, Math.max(2, Math.min(count * 2, 64)));
  if (!sources.length) throw new Error(`${file}: the dataset has no training normals to synthesise from`);
  const images: { id: string; image: Awaited<ReturnType<typeof loadImage>>[number] }[] = [];
  for (const item of sources) {
    try {
      for (const img of await loadImage(item.path, { size: [size, size], resize: 'area', normalise: 'minus1to1', decode: item.decode }))
        images.push({ id: img.id, image: img });
    } catch (e) {
      ctx.note(`skipped ${(e as Error).message}`);
    }
  }
  const out = path.resolve(ctx.cwd, typeof args.flags.out === 'string' ? args.flags.out : path.join('.medad', 'synth', method));
  const rows = await writeSynthExamples(images, out, { method, count, seed });
  if (ctx.json) ctx.emit({ ok: true, method, out, examples: rows });
  else ctx.say(`Wrote ${rows.length} ${method} examples (image + label mask) and index.csv to ${out}`);
  return 0;
}
