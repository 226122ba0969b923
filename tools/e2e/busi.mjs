// The researcher's journey on real data (issue 15): BUSI reached through a SYMLINK in the workspace
// (`busi` -> ../shared/data/busi, see make-workspace.ts). Train a small AE from the lens (progress with loss and
// ETA), evaluate, open a malignant image's heatmap (colour bar, verdict, lesion hotter than background), open the
// gallery from "Show heatmaps" (test split only, overlay thumbnails, threshold marks and line), train a second run
// and compare the two. Reading through the symlink uses the daemon's data roots (a workspace symlink's target is
// readable, read-only).
// Last, a long training is cancelled from its notification and resumed from the Runs view (cancel-resume.mjs).
/* global document */
import fs from 'node:fs';
import path from 'node:path';
import { cancelAndResume } from './cancel-resume.mjs';
import { activeWebview, pickInQuickInput, QI, recorded, retry, runCommand, until } from './ui.mjs';

const oneLine = (s, n = 240) => s.replace(/\s+/g, ' ').trim().slice(0, n);
const TIMEOUT = Number(process.env.E2E_BUSI_TIMEOUT_MS ?? 300_000);

/** Opens busi-study/<file> (the phantom workspace has an experiment.medad.yaml of its own at the root): clicks the
 * Quick Open row naming both, since Enter takes the first row, which may be experiment-b or the root's config. */
async function openStudyFile(page, file) {
  const row = new RegExp(`^(?=[\\s\\S]*${file.replace(/\./g, '\\.')})(?=[\\s\\S]*busi-study)`);
  await retry(`open busi-study/${file}`, 3, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await page.locator(QI).waitFor({ state: 'visible', timeout: 4000 });
    await page.locator(QI).fill(`busi-study/${file}`);
    const hit = page.locator('.quick-input-list .monaco-list-row', { hasText: row }).filter({ hasNotText: file === 'experiment.medad.yaml' ? 'experiment-b' : '\u0000' }).first();
    await hit.waitFor({ timeout: 8000 });
    await hit.click();
    await page.locator('.tab.active', { hasText: file }).waitFor({ timeout: 10_000 });
  });
}

async function lens(page, file, title) {
  await openStudyFile(page, file);
  const l = page.locator('.monaco-editor .codelens-decoration a', { hasText: title }).first();
  await l.waitFor({ timeout: 30_000 });
  await retry(`click ${title}`, 2, () => l.click());
}

async function toast(page, re) {
  const t = page.locator('.notifications-toasts .notification-toast', { hasText: re }).first();
  await t.waitFor({ timeout: TIMEOUT });
  return oneLine(await t.innerText());
}

export async function busiJourney({ page, ws, shot, lap, fail, closeToasts }) {
  if (!fs.existsSync(path.join(ws, 'busi', 'manifest.csv'))) fail('no busi symlink in the workspace (../shared/data/busi beside the clone, or E2E_BUSI)');
  if (!fs.lstatSync(path.join(ws, 'busi')).isSymbolicLink()) fail('busi is not a symlink');

  // train from the lens: the notification shows loss and ETA while it runs
  await lens(page, 'experiment.medad.yaml', 'Train');
  const trained = await toast(page, /Training finished|medad: train failed/);
  lap(`busi train: "${trained}"`);
  await shot('20-busi-trained.png');
  if (!/Training finished/.test(trained)) fail(`busi training failed: ${trained}`);
  const toasts = (await recorded(page)).toasts.filter((t) => /training/.test(t));
  lap(`busi progress, e.g. "${oneLine(toasts[Math.floor(toasts.length / 2)] ?? '', 160)}"`);
  if (!toasts.some((t) => /loss \d/.test(t) && /ETA/.test(t))) fail(`the training notification never showed loss and ETA: ${JSON.stringify(toasts.slice(-3))}`);
  await closeToasts();

  await lens(page, 'experiment.medad.yaml', /^Evaluate$/);
  const evaluated = await toast(page, /Evaluation finished|medad: evaluate failed/);
  lap(`busi evaluate: "${evaluated}"`);
  if (!/Evaluation finished/.test(evaluated)) fail(`busi evaluation failed: ${evaluated}`);
  await closeToasts();

  // a malignant image's heatmap, as a radiologist would open it
  const open = () => runCommand(page, 'medad: Open Anomaly Heatmap', false);
  await open();
  await pickInQuickInput(page, 'Open Anomaly Heatmap', 'malignant_10.png', open);
  const wv = activeWebview(page);
  const canvas = wv.locator('canvas#overlay[data-drawn]');
  await canvas.or(wv.locator('#status.error')).first().waitFor({ timeout: 90_000 });
  if (!(await canvas.count())) fail(`busi heatmap shows an error: ${await wv.locator('#status').innerText()}`);
  await wv.locator('#verdict[data-above]').waitFor({ timeout: 10_000 });
  const h = await wv.locator('body').evaluate(() => {
    const c = document.getElementById('overlay');
    const bar = document.getElementById('colorbar');
    return {
      verdict: document.getElementById('verdict')?.textContent ?? '',
      warning: document.getElementById('threshold-warning')?.hidden ? '' : (document.getElementById('threshold-warning')?.textContent ?? ''),
      range: bar?.dataset.range, ticks: bar?.dataset.ticks, barWidth: bar?.getBoundingClientRect().width ?? 0,
      inside: Number(c?.dataset.meanInside), outside: Number(c?.dataset.meanOutside),
      threshold: document.getElementById('threshold-value')?.textContent ?? '',
    };
  });
  lap(`busi heatmap: ${JSON.stringify(h)}`);
  await page.waitForTimeout(300);
  await shot('21-busi-heatmap.png');
  if (!(h.barWidth > 50) || JSON.parse(h.ticks ?? '[]').length < 2) fail(`no colour bar with values: ${JSON.stringify(h)}`);
  if (!/the run's threshold: image score .* validation normals/.test(h.verdict)) fail(`no verdict line: ${h.verdict}`);
  if (!(h.inside > h.outside)) fail(`the lesion is not hotter than the background (${h.inside} <= ${h.outside})`);
  if (/\(100\.0% of pixels\)/.test(h.threshold)) fail(`the default threshold tints every pixel: ${h.threshold}`);
  // the whole map, as a reader checks where the model looks: threshold slider to its low end
  await wv.locator('#threshold').evaluate((t) => {
    t.value = '0';
    t.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const whole = await wv.locator('#threshold-value').innerText();
  lap(`busi heatmap, threshold at 0: ${whole}`);
  await page.waitForTimeout(300);
  await shot('21b-busi-heatmap-whole-map.png');
  if (!/\((?:[1-9]\d*(?:\.\d)?|0\.[1-9])% of pixels\)/.test(whole)) fail(`no pixel coloured with the threshold at 0: ${whole}`);

  // the gallery from "Show heatmaps": test split only, overlays on, threshold marks
  await lens(page, 'experiment.medad.yaml', 'Show heatmaps');
  const g = activeWebview(page);
  await g.locator('#app[data-loaded]').or(g.locator('#status.error')).first().waitFor({ timeout: 120_000 });
  if (!(await g.locator('#app[data-loaded]').count())) fail(`busi gallery shows an error: ${await g.locator('#status').innerText()}`);
  await until('overlay thumbnails', 30_000, async () => (await g.locator('.thumb img[data-source="overlay"]').count()) > 0);
  // the BUSI images themselves, read through the symlink (data roots): decoded pictures, not broken-image icons
  await until('decoded BUSI thumbnails', 60_000, async () =>
    (await g.locator('#grid .thumb img').evaluateAll((els) => els.filter((i) => i.complete && i.naturalWidth > 0).length)) >= 7,
  );
  const gs = await g.locator('body').evaluate(() => ({
    split: document.getElementById('split-filter')?.value,
    splits: [...document.querySelectorAll('#grid .thumb')].map((t) => t.dataset.split),
    classes: [...new Set([...document.querySelectorAll('#grid .thumb')].map((t) => t.dataset.class))],
    over: document.querySelectorAll('#grid .thumb[data-over="true"]').length,
    overlays: document.querySelectorAll('#grid .thumb img[data-source="overlay"]').length,
    overlayBox: document.getElementById('overlays')?.checked,
    thresholdLine: document.querySelectorAll('#histograms line.threshold').length,
    legend: [...document.querySelectorAll('#histograms text.legend')].map((t) => t.textContent),
    status: document.getElementById('status')?.textContent ?? '',
  }));
  lap(`busi gallery: ${JSON.stringify({ ...gs, splits: [...new Set(gs.splits)] })}`);
  await page.waitForTimeout(500);
  await shot('22-busi-gallery.png');
  if (gs.split !== 'test' || gs.splits.some((s) => s !== 'test')) fail(`the gallery does not show the test split only: ${gs.split} ${[...new Set(gs.splits)]}`);
  if (!gs.overlayBox || !gs.overlays) fail('"Show heatmaps" opened the gallery without overlays');
  if (!gs.thresholdLine) fail('no threshold line on the histogram');
  if (!/▲ marks scores at or above/.test(gs.status)) fail(`no threshold marks: ${gs.status}`);

  // a second run, trained and evaluated, then the two compared side by side
  await lens(page, 'experiment-b.medad.yaml', 'Train');
  const second = await toast(page, /Training finished|medad: train failed/);
  if (!/Training finished/.test(second)) fail(`second busi training failed: ${second}`);
  await closeToasts();
  await lens(page, 'experiment-b.medad.yaml', /^Evaluate$/);
  const secondEval = await toast(page, /Evaluation finished|medad: evaluate failed/);
  lap(`busi second evaluate: "${secondEval}"`);
  if (!/Evaluation finished/.test(secondEval)) fail(`second busi evaluation failed: ${secondEval}`);
  await closeToasts();
  const cmp = () => runCommand(page, 'medad: Compare Runs…', false);
  await cmp();
  // run folders are <experiment name>-<time>: 'busi-ae-2' is the first experiment's run, then any other busi run
  await pickInQuickInput(page, 'Compare runs: the first run', 'busi-ae-2', cmp);
  await pickInQuickInput(page, 'Compare', 'busi-ae');
  const c = activeWebview(page);
  await c.locator('#compare-metrics').waitFor({ timeout: 30_000 });
  const rows = await c.locator('#compare-metrics tbody tr').count();
  const curves = await c.locator('#compare-curves polyline.curve').count();
  // the AUROC row: a number for each run (both evaluated), not a dash
  const auroc = await c.locator('#compare-metrics tbody tr').first().locator('td').allInnerTexts();
  lap(`compare: ${rows} metric rows, ${curves} curves, AUROC row ${JSON.stringify(auroc)}`);
  await shot('23-busi-compare.png');
  // ROC and PR, each with both runs' curves
  if (rows < 3 || curves < 4) fail(`compare view is incomplete: ${rows} rows, ${curves} curves`);
  if (auroc.slice(1, 3).some((v) => !/^\d\.\d+$/.test(v.trim()))) fail(`compare view lacks a run's AUROC: ${JSON.stringify(auroc)}`);

  // cancel a long training from its notification, then resume it from the Runs view
  await cancelAndResume({ page, ws, shot, lap, fail, closeToasts, lens });
}
