// Prints the markdown tables of docs/results.md from bench-results/accuracy.jsonl (medad runs, from
// run-accuracy.sh) and bench-results/ref/reduced.jsonl (PyTorch at the same step budget, from run-torch-ref.sh).
// Usage: node tools/bench/collect-results.mjs [bench-results]
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const dir = process.argv[2] ?? 'bench-results';
const lines = (f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : []);
const ours = lines(path.join(dir, 'accuracy.jsonl'));
const ref = lines(path.join(dir, 'ref', 'reduced.jsonl'));
const pct = (x) => (x === undefined || x === null ? '–' : (100 * x).toFixed(1));
const DATASETS = { chest: 'chest-xray-pneumonia', busi: 'busi' };

// The latest line per run name wins (a rerun replaces an earlier one).
const latest = new Map(ours.map((r) => [r.name, r]));
for (const [short, long] of Object.entries(DATASETS)) {
  const rows = [...latest.values()].filter((r) => r.name.startsWith(`${short}-`));
  if (rows.length === 0) continue;
  const pixel = short === 'busi';
  console.log(`\n### ${long}\n`);
  console.log(`| method | steps | medad AUROC / AP${pixel ? ' | medad pixel AUROC / best Dice' : ''} | PyTorch same steps, seed 0 [1, 2]${pixel ? ' | PyTorch pixel AUROC / best Dice' : ''} | train s | eval s |`);
  console.log(`|---|---|---|${pixel ? '---|' : ''}---|${pixel ? '---|' : ''}---|---|`);
  for (const r of rows) {
    const method = r.name.slice(short.length + 1);
    const refs = ref.filter((x) => x.dataset === long && x.method === method && x.steps === r.steps);
    const r0 = refs.find((x) => x.seed === 0);
    const others = refs.filter((x) => x.seed !== 0).sort((a, b) => a.seed - b.seed);
    const refCell = r0 ? `${pct(r0.auroc)} / ${pct(r0.ap)}${others.length ? ` [${others.map((x) => `${pct(x.auroc)} / ${pct(x.ap)}`).join('; ')}]` : ''}` : 'not run';
    const cells = [method, r.steps, `${pct(r.image.auroc)} / ${pct(r.image.ap)}`];
    if (pixel) cells.push(`${pct(r.pixel.pixelAuroc)} / ${pct(r.pixel.bestDice ?? r.pixel.dice)}`);
    cells.push(refCell);
    if (pixel) cells.push(r0 ? `${pct(r0.pixel_auroc)} / ${pct(r0.best_dice)}${others.length ? ` [${others.map((x) => `${pct(x.pixel_auroc)} / ${pct(x.best_dice)}`).join('; ')}]` : ''}` : '–');
    cells.push((r.trainMs / 1000).toFixed(0), r.evalWallS);
    console.log(`| ${cells.join(' | ')} |`);
  }
}

// Detectors II and III: every run of a dataset, one row per score variant (metrics.json `variants`: DDAD's five
// maps, f-AnoGAN's residual/feature/critic, the student-teacher's scales), with the 95% CI of the image AUROC.
const ci = (c) => (c ? ` (${pct(c[0])}–${pct(c[1])})` : '');
const epochsOf = (r) => {
  if (r.epochs) return r.epochs;
  try {
    return JSON.parse(readFileSync(path.join(r.runDir, 'experiment.json'), 'utf8')).config.training.epochs;
  } catch {
    return undefined;
  }
};
console.log('\n## Every run, with the score variants of each model\n');
for (const [short, long] of Object.entries(DATASETS)) {
  const rows = [...latest.values()].filter((r) => r.name.startsWith(`${short}-`));
  if (rows.length === 0) continue;
  console.log(`\n### ${long}\n`);
  console.log('| run · score | steps | image AUROC (95% CI) / AP | pixel AUROC / best Dice | train s | train s/epoch | eval s | test normal/abnormal |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ep = epochsOf(r);
    const perEpoch = ep ? (r.trainMs / 1000 / ep).toFixed(1) : '–';
    const counts = r.counts ? `${r.counts.testNormal}/${r.counts.testAbnormal}` : '–';
    const px = (p) => (p && p.pixelAuroc !== undefined ? `${pct(p.pixelAuroc)} / ${pct(p.bestDice)}` : '–');
    const variants = Object.entries(r.variants ?? {});
    const main = [`${r.name.slice(short.length + 1)}`, r.steps, `${pct(r.image.auroc)}${ci(r.ci?.auroc)} / ${pct(r.image.ap)}`, px(r.pixel), (r.trainMs / 1000).toFixed(0), perEpoch, r.evalWallS, counts];
    console.log(`| ${main.join(' | ')} |`);
    for (const [k, v] of variants) console.log(`| ${r.name.slice(short.length + 1)} · \`${k}\` | ″ | ${pct(v.image.auroc)}${ci(v.ci)} / ${pct(v.image.ap)} | ${px(v.pixel)} | ″ | ″ | ″ | ${counts} |`);
  }
}
