// `medad dataset summary|check <config>`: counts, sizes and unreadable files from headers; `check` adds the
// train/test leakage search (exact and near-duplicate images) and, when the config groups images (e.g. by patient),
// the groups that straddle the splits; it exits 1 when test images leak either way.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { auditDataset, checkLeakage, formatAudit, formatLeakage, formatSummary, groupStraddles, loadDataset, summariseDataset, type DatasetAudit, type ResolvedDataset, type Straddle } from '../../dataset/index.js';
import { ConfigError } from '../../experiment/load.js';
import type { ResizeMethod } from '../../io/types.js';
import { openExperiment } from '../../pipeline/context.js';
import { UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';


export async function resolveFor(file: string): Promise<{ resolved: ResolvedDataset; baseDir: string; size?: [number, number]; resize?: ResizeMethod }> {
  const text = await fs.readFile(file, 'utf8').catch((e: Error) => {
    throw new Error(`${file}: cannot read: ${e.message}`);
  });
  if (/^medad:\s*experiment\s*$/m.test(text)) {
    const ctx = await openExperiment(file);
    const [h, w] = ctx.config.input.size;
    return { resolved: ctx.resolved, baseDir: ctx.datasetDir, size: [w, h], resize: ctx.config.input.resize };
  }
  const loaded = await loadDataset(file);
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  if (!loaded.resolved || errors.length) throw new ConfigError(file, errors.length ? errors : loaded.issues);
  return { resolved: loaded.resolved, baseDir: path.dirname(file) };
}

export async function dataset(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const [sub, config, ...rest] = args.positionals;
  if (sub !== 'summary' && sub !== 'check' && sub !== 'audit')
    throw new UsageError(`dataset needs 'summary', 'check' or 'audit', got ${sub ? `'${sub}'` : 'nothing'}`);
  if (!config || rest.length) throw new UsageError(`dataset ${sub} needs exactly one config file`);
  const file = path.resolve(ctx.cwd, config);
  const { resolved, baseDir, size: inputSize, resize } = await resolveFor(file);
  const size = args.flags.size === undefined ? inputSize : parseSize(args.flags.size);
  const runAudit = async (): Promise<DatasetAudit> => {
    const abar = ctx.progress('shortcut audit');
    const audit = await auditDataset(resolved, { size, resize, signal: ctx.signal, onProgress: (d, t) => abar.update({ fraction: d / t }) });
    abar.done();
    return audit;
  };
  if (sub === 'audit') {
    const audit = await runAudit();
    if (ctx.json) ctx.emit({ ok: true, audit: args.flags['per-image'] ? audit : { ...audit, images: undefined } });
    else ctx.say(formatAudit(audit, { baseDir }));
    return 0;
  }
  const bar = ctx.progress('reading headers');
  const summary = await summariseDataset(resolved, { signal: ctx.signal, onProgress: (d, t) => bar.update({ fraction: d / t }) });
  bar.done();
  const warnings = resolved.problems.map((p) => `${file}: ${p.severity}: ${p.message}`);
  if (sub === 'summary') {
    if (ctx.json) ctx.emit({ ok: true, summary, problems: resolved.problems });
    else ctx.say([formatSummary(summary, { baseDir }), ...warnings].join('\n'));
    return 0;
  }
  const lbar = ctx.progress('leakage check');
  const leakage = await checkLeakage(resolved, { signal: ctx.signal, onProgress: (d, t) => lbar.update({ fraction: d / t }) });
  lbar.done();
  const audit = args.flags['no-audit'] ? undefined : await runAudit();
  const straddles = groupStraddles([...resolved.train, ...resolved.validation, ...resolved.test, ...resolved.unlabelled]);
  const leaked = leakage.pairs.length > 0 || straddles.some((g) => 'test' in g.splits);
  if (ctx.json) ctx.emit({ ok: !leaked, summary, leakage, straddles, audit: audit && { ...audit, images: undefined }, problems: resolved.problems });
  else
    ctx.say(
      [formatSummary(summary, { baseDir }), '', formatLeakage(leakage, { baseDir }), ...formatStraddles(straddles, baseDir), ...(audit ? ['', formatAudit(audit, { baseDir })] : []), ...warnings].join('\n'),
    );
  return leaked ? 1 : 0;
}

function formatStraddles(straddles: Straddle[], baseDir: string, limit = 10): string[] {
  if (straddles.length === 0) return [];
  const out = [`GROUPS STRADDLING THE SPLITS: ${straddles.length} group(s) have images on more than one side`];
  for (const g of straddles.slice(0, limit)) {
    const files = g.files.slice(0, 4).map((f) => path.relative(baseDir, f));
    out.push(`  ${g.group}: ${Object.entries(g.splits).map(([k, n]) => `${k} ${n}`).join(', ')} (${files.join(', ')}${g.files.length > 4 ? ', ...' : ''})`);
  }
  if (straddles.length > limit) out.push(`  ... and ${straddles.length - limit} more`);
  return out;
}

function parseSize(v: string | boolean): [number, number] {
  const m = typeof v === 'string' ? /^(\d+)x(\d+)$/.exec(v) : null;
  const size: [number, number] | undefined = m ? [Number(m[1]), Number(m[2])] : undefined;
  if (!size || size.some((n) => n < 4 || n > 4096)) throw new UsageError(`--size needs WxH with sides 4..4096, e.g. 64x64; got ${String(v)}`);
  return size;
}
