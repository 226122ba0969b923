// DDAD refinement ablation (issue 16, docs/fidelity.md): for each pool experiment, the frozen K=3 ensembles (trained
// once by the detector itself, bench/lib/ddad-ensembles.ts), a cache of their maps over the training normals under
// fixed FPI draws (src/detectors/ddad/map-cache.ts), then R_dual refiners of each cell {arch} x {targets+loss} trained
// from the cache for a fixed number of epochs (last epoch kept: nothing is chosen on test data), reporting test image
// AUROC of R_dual vs A_inter, and pixel AUROC on synthetic FPI anomalies (the training cache, and held-out
// validation normals) of raw A_inter / A_intra and of each R_dual.
//   tsx bench/ddad-ablation.ts --out DIR [--pools E1.yaml,E2.yaml] [--draws 4] [--epochs 1] [--steps-per-epoch 0] [--lr 1e-4] [--width 32]
//       [--cells local+hard-focal+raw,unet+soft-bce+zscore,...] [--member-beta1 0.9] [--stage ensembles|all]
// Writes DIR/<experiment>/model (the ensembles), DIR/ablation.json (all cells so far) and prints a table.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from '../src/compute/index.js';
import { readAll } from '../src/detectors/ddad/data.js';
import { buildMapCache, mapsOf } from '../src/detectors/ddad/map-cache.js';
import { writeJsonAtomic } from '../src/model/atomic.js';
import type { InputSize } from '../src/detectors/api.js';
import type { MapCache } from '../src/detectors/ddad/map-cache.js';
import type { Refiners } from '../src/detectors/ddad/refine.js';
import { cellName, imageAuroc, makeRefiners, meanPerImage, pixelAuroc, refinedDual, trainCell, type Cell, type CellTraining, type HostMaps } from './lib/ddad-cells.js';
import { poolModel, testSet, type PoolModel } from './lib/ddad-ensembles.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const EXP = path.join(REPO, 'tools/bench/experiments');
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const r1 = (x: number) => Math.round(x * 1000) / 10;

function parseCell(s: string): Cell {
  const m = /^(local|unet)\+(hard|soft)-(focal|bce)\+(raw|zscore)$/.exec(s);
  if (!m) throw new Error(`--cells: '${s}' is not <local|unet>+<hard|soft>-<focal|bce>+<raw|zscore>`);
  return { arch: m[1] as Cell['arch'], targets: m[2] as Cell['targets'], loss: m[3] as Cell['loss'], inputs: m[4] as Cell['inputs'] };
}

interface Prepared {
  name: string;
  size: InputSize;
  cache: MapCache;
  val: MapCache;
  test: HostMaps;
  testLabels: Uint8Array;
  zref: Refiners;
  entry: Record<string, unknown>;
}

function img(s: Float32Array, labels: Uint8Array) {
  const r = imageAuroc(s, labels);
  return { auroc: r1(r.auroc), ci: [r1(r.lower), r1(r.upper)] };
}

/** The pool's map caches (training draws, validation draws), test maps, baseline AUROCs and z-score statistics. */
async function prepare(name: string, pm: PoolModel, draws: number, t: CellTraining, report: Record<string, unknown>): Promise<Prepared> {
  const { detector, params } = pm;
  const size = detector.inputSize;
  const { height: h, width: w } = size;
  const { ndm, udm } = detector;
  const entry: Record<string, unknown> = {};
  ((report.pools ??= {}) as Record<string, unknown>)[name] = entry;
  const t0 = Date.now();
  const cache = await buildMapCache(ndm, udm, await readAll(pm.train), h, w, { draws, seed: 0xab1a, corruptFraction: params.corruptFraction, batch: t.batch });
  // Every validation normal gets a patch (two draws): negatives are the pixels outside the patches.
  const val = await buildMapCache(ndm, udm, await readAll(pm.validation), h, w, { draws: 2, seed: 0x7a11d, corruptFraction: 1, batch: t.batch });
  const ts = await testSet(pm.ctx);
  const tm = await mapsOf(ndm, udm, ts.images, ts.n, h, w);
  entry.counts = { train: pm.train.size, validation: pm.validation.size, cacheSamples: cache.n, test: ts.n, testAnomalous: ts.labels.reduce((s, v) => s + v, 0) };
  entry.pixelSynthetic = {
    cache: { inter: r1(pixelAuroc(cache.inter, cache.labels)), intra: r1(pixelAuroc(cache.intra, cache.labels)) },
    validation: { inter: r1(pixelAuroc(val.inter, val.labels)), intra: r1(pixelAuroc(val.intra, val.labels)) },
  };
  entry.test = { rec: img(meanPerImage(tm.rec, ts.n), ts.labels), intra: img(meanPerImage(tm.intra, ts.n), ts.labels), inter: img(meanPerImage(tm.inter, ts.n), ts.labels) };
  // z-score statistics from the clean training normals, exactly as the detector's fitStats.
  const zref = makeRefiners({ arch: 'local', loss: 'focal', targets: 'hard', inputs: 'zscore' }, { ...t, width: 1 }, size);
  await zref.fitStats(ndm, udm, pm.train, false);
  entry.prepareSeconds = (Date.now() - t0) / 1000;
  log(`${name}: cache ${cache.n} samples, ${entry.prepareSeconds} s; ${JSON.stringify(entry.pixelSynthetic)}; test ${JSON.stringify(entry.test)}`);
  detector.dispose();
  return { name, size, cache, val, test: { n: ts.n, inter: tm.inter, intra: tm.intra }, testLabels: ts.labels, zref, entry };
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      out: { type: 'string' },
      pools: { type: 'string', default: 'chest-ddad-ae-pool0.medad.yaml,chest-ddad-ae-pool60.medad.yaml' },
      draws: { type: 'string', default: '4' },
      epochs: { type: 'string', default: '1' },
      lr: { type: 'string', default: '1e-4' },
      'steps-per-epoch': { type: 'string', default: '0' },
      width: { type: 'string', default: '32' },
      cells: { type: 'string', default: 'local+hard-focal+raw,local+soft-bce+raw,unet+hard-focal+zscore,unet+soft-bce+zscore' },
      'member-beta1': { type: 'string', default: '0.9' },
      stage: { type: 'string', default: 'all' },
    },
  });
  if (!a.out) throw new Error('--out DIR is required (outside the repository: models and caches are large)');
  const num = (k: keyof typeof a) => {
    const v = Number(a[k]);
    if (!Number.isFinite(v)) throw new Error(`--${k}: '${a[k]}' is not a number`);
    return v;
  };
  const draws = num('draws');
  const cells = a.cells!.split(',').map(parseCell);
  const t: CellTraining = { epochs: num('epochs'), stepsPerEpoch: num('steps-per-epoch'), batch: 8, lr: num('lr'), beta1: 0.5, weightDecay: 1e-4, seed: 0, width: num('width'), channels: [16, 32, 64], focalGamma: 2 };
  const overrides = { memberBeta1: num('member-beta1') };
  const backend = await initBackend();
  const outFile = path.join(a.out, 'ablation.json');
  const report: Record<string, unknown> = JSON.parse(await fs.readFile(outFile, 'utf8').catch(() => '{}'));
  Object.assign(report, { backend: describeBackend(backend), draws, training: t, overrides, command: process.argv.slice(2).join(' ') });
  const pools = a.pools!.split(',');
  let firstCk: string | undefined;
  const prepared: Prepared[] = [];
  for (const pool of pools) {
    const name = path.basename(pool, '.medad.yaml');
    const dir = path.join(a.out, name);
    const pm = await poolModel(path.resolve(EXP, pool), dir, overrides, log, firstCk);
    firstCk ??= path.join(dir, 'ck');
    if (a.stage === 'ensembles') {
      pm.detector.dispose();
      continue;
    }
    prepared.push(await prepare(name, pm, draws, t, report));
    await writeJsonAtomic(outFile, report);
  }
  // Cells outermost, so an interrupted run has the same cells for every pool.
  for (const cell of cells) {
    for (const p of prepared) {
      const t0 = Date.now();
      const r = makeRefiners(cell, t, p.size, cell.inputs === 'zscore' ? p.zref : undefined);
      const fit = await trainCell(r, cell, t, p.cache, log);
      const testR = await refinedDual(r, p.test, p.size.height, p.size.width);
      const valR = await refinedDual(r, p.val, p.size.height, p.size.width);
      const out = {
        ...cell,
        steps: fit.steps,
        finalLoss: fit.finalLoss,
        seconds: (Date.now() - t0) / 1000,
        testRDual: img(testR.scores, p.testLabels),
        pixelSyntheticValidation: r1(pixelAuroc(valR.maps, p.val.labels)),
      };
      ((p.entry.cells ??= {}) as Record<string, unknown>)[cellName(cell)] = out;
      log(`${p.name} ${cellName(cell)}: ${JSON.stringify(out)}`);
      r.dispose();
      await writeJsonAtomic(outFile, report);
    }
  }
  log(`wrote ${outFile}`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
