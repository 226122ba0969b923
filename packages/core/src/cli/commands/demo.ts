// `medad demo` (behind `npm start`): generate the synthetic phantoms if missing, train the AE, evaluate, and say
// where the report is. Everything lands in .medad/demo (gitignored).
import * as path from 'node:path';
import type { BackendName } from '../../compute/index.js';
import { writeDemoDataset } from '../../demo/dataset.js';
import { evaluate } from '../../pipeline/evaluate.js';
import { readExperiment } from '../../pipeline/context.js';
import { train } from '../../pipeline/train.js';
import { intFlag, UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';
import { formatMetrics, progressRouter } from './train.js';


export async function demo(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length) throw new UsageError('demo takes no positional arguments');
  const started = Date.now();
  const root = path.resolve(ctx.cwd, typeof args.flags.out === 'string' ? args.flags.out : '.medad/demo');
  const epochs = intFlag(args, 'epochs');
  ctx.note('medad demo: the data is SYNTHETIC (generated phantoms, not patient scans).');
  const ds = await writeDemoDataset(root);
  ctx.note(`${ds.generated ? 'Generated' : 'Using'} ${ds.counts.train} training normals, ${ds.counts.testNormal} test normals and ${ds.counts.testLesion} test lesions in ${root}`);
  const parsed = await readExperiment(ds.experimentConfig);
  if (epochs) parsed.config.training.epochs = epochs;
  const backend = args.flags.backend as BackendName | undefined;
  const router = progressRouter(ctx);
  const t = await train(parsed, { backend, signal: ctx.signal, onProgress: router.onProgress }).finally(router.finish);
  const e = await evaluate(t.runDir, { backend, signal: ctx.signal, onProgress: router.onProgress }).finally(router.finish);
  const wallMs = Date.now() - started;
  const auroc = e.metrics.image.auroc?.value;
  if (ctx.json) {
    ctx.emit({ ok: true, synthetic: true, datasetDir: root, runDir: t.runDir, report: e.files.report, backend: t.backend, trainMs: t.fit.durationMs, wallMs, metrics: e.metrics });
    return 0;
  }
  ctx.say([
    'medad demo — SYNTHETIC phantom data (see DATASET.md); the numbers show the pipeline works, nothing clinical.',
    `Backend: ${t.backend}`,
    `Trained ${t.fit.steps} steps in ${(t.fit.durationMs / 1000).toFixed(1)} s; total ${(wallMs / 1000).toFixed(1)} s`,
    formatMetrics(e.metrics.image, e.metrics.pixel),
    `Image AUROC ${auroc?.toFixed(3) ?? 'n/a'} (chance = 0.5)`,
    `Report: ${e.files.report}`,
  ].join('\n'));
  return 0;
}
