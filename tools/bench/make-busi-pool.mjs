#!/usr/bin/env node
// Writes tools/bench/experiments/busi-pool.manifest.csv: BUSI's shared manifest with a seeded, class-stratified 25% of
// the TEST images moved to a split named `pool`, for DDAD's unlabelled set (BUSI's train split has normals only, so a
// pool with lesions must come from elsewhere). Pool images leave the test set: no image is both trained on (by the
// UDM) and evaluated. Only paths are written; the images stay in ../shared/data/busi.
// Usage: node tools/bench/make-busi-pool.mjs [fraction=0.25] [seed=0]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fraction = Number(process.argv[2] ?? 0.25);
let s = Number(process.argv[3] ?? 0) >>> 0;
// mulberry32, so the draw is the same on every machine
const rand = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const src = join(here, '../../../shared/data/busi/manifest.csv');
const [header, ...rows] = readFileSync(src, 'utf8').trim().split('\n');
const cols = header.split(',');
const split = cols.indexOf('split');
const cls = cols.indexOf('class');
const byClass = new Map();
rows.forEach((r, i) => {
  const c = r.split(',');
  if (c[split] !== 'test') return;
  if (!byClass.has(c[cls])) byClass.set(c[cls], []);
  byClass.get(c[cls]).push(i);
});
const pool = new Set();
for (const [, idx] of [...byClass].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const order = idx.slice().sort((a, b) => (rows[a] < rows[b] ? -1 : 1));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  order.slice(0, Math.round(fraction * order.length)).forEach((i) => pool.add(i));
}
const out = rows.map((r, i) => {
  if (!pool.has(i)) return r;
  const c = r.split(',');
  c[split] = 'pool';
  return c.join(',');
});
const dest = join(here, 'experiments/busi-pool.manifest.csv');
writeFileSync(dest, [header, ...out].join('\n') + '\n');
const count = (f) => out.filter((r) => r.split(',')[split] === f).length;
console.log(`${dest}: pool ${count('pool')} (of which normal ${out.filter((r) => r.split(',')[split] === 'pool' && r.split(',')[cls] === 'normal').length}), test ${count('test')}, train ${count('train')}`);
