// The `sweep` step (issue 18): a sweep in the Runs view. A small local sweep of the workspace's phantom experiment
// (2 learning rates x 2 seeds, 1 epoch each) is run with the CLI, as a researcher would in a terminal; the Runs view
// must then show it as one node with its settings, each with mean ± SD over its seeds and a t-interval, and its runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './ui.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const oneLine = (s, n = 240) => s.replace(/\s+/g, ' ').trim().slice(0, n);

/** Drags the side bar's right edge (its sash) from `from` px right of where `bar` ended by `by` px. */
async function dragSideBarEdge(page, bar, from, by) {
  const [x, y] = [bar.x + bar.width - 1 + from, bar.y + bar.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + by, y, { steps: 10 });
  await page.mouse.up();
}

export async function sweepStep({ page, ws, shot, lap, fail }) {
  const t0 = Date.now();
  const cli = ['--import', 'tsx', '--conditions=@medad/source', path.join(repo, 'packages/core/src/cli/main.ts')];
  const args = ['sweep', path.join(ws, 'experiment.medad.yaml'), '--seeds', '0-1', '--set', 'training.lr=1e-3,5e-3;training.epochs=1', '--local', '--json'];
  const r = spawnSync(process.execPath, [...cli, ...args], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) fail(`medad sweep failed (${r.status}): ${oneLine(r.stderr, 400)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  const sweepDir = out.sweepDir ?? out.dir;
  lap(`medad sweep: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${sweepDir}`);
  if (!sweepDir || !fs.existsSync(path.join(sweepDir, 'aggregate.json'))) fail(`no aggregate.json from the sweep: ${oneLine(r.stdout, 400)}`);

  await runCommand(page, 'medad: Focus on Runs View');
  await runCommand(page, 'medad: Refresh Runs');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Runs/ }) }).first();
  const sweepRow = pane.locator('.monaco-list-row', { hasText: path.basename(sweepDir) }).first();
  await sweepRow.waitFor({ timeout: 20_000 });
  const sweepText = oneLine(await sweepRow.innerText());
  if (!/4\/4 runs done/.test(sweepText)) fail(`the sweep row does not say 4/4 runs done: "${sweepText}"`);
  if ((await sweepRow.getAttribute('aria-expanded')) !== 'true') await sweepRow.click();
  // its two settings, each with mean ± SD [t-interval] n=2 and 2/2 seeds
  const settings = pane.locator('.monaco-list-row', { hasText: /training\.lr=/ });
  await settings.nth(1).waitFor({ timeout: 10_000 });
  const rows = (await settings.allInnerTexts()).map((t) => oneLine(t));
  lap(`runs view sweep: "${sweepText}"; settings ${JSON.stringify(rows)}`);
  if (rows.length !== 2 || !rows.every((t) => /± [\d.]+ \[[\d.-]+, [\d.-]+\] n=2/.test(t) && /2\/2 seeds/.test(t))) fail(`settings do not show mean ± SD [CI] n=2 over 2/2 seeds: ${JSON.stringify(rows)}`);
  // the first setting opened: its score variant and its two runs; the side bar widened so the aggregate reads whole
  await settings.first().click();
  const bar = await page.locator('.part.sidebar').boundingBox().catch(() => null);
  if (bar) await dragSideBarEdge(page, bar, 0, 420);
  await page.waitForTimeout(500);
  await shot('12-sweep-runs-view.png');
  // back to the width the later steps' screenshots were made with
  if (bar) await dragSideBarEdge(page, bar, 420, -420);
  const under = (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => oneLine(t, 120));
  lap(`runs view rows: ${JSON.stringify(under.slice(0, 12))}`);
  if (under.filter((t) => /demo-ae-/.test(t)).length < 2) fail(`the opened setting does not list its runs: ${JSON.stringify(under)}`);
}
