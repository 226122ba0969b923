// The e2e's look at the Runs view and the run panel: the evaluated run is listed with its metrics, and its panel
// draws the ROC / PR curves and the metrics table with confidence intervals.
import { runCommand, until } from './ui.mjs';
/* global getComputedStyle */

const oneLine = (s, n = 400) => s.replace(/\s+/g, ' ').trim().slice(0, n);

/** Opens the Runs view, checks the evaluated run and its metric rows, opens its panel; returns the run's row text. */
export async function openRunFromView(page, lap) {
  await runCommand(page, 'medad: Focus on Runs View');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Runs/ }) }).first();
  const run = pane.locator('.monaco-list-row', { hasText: /AUROC \d\.\d{3}/ }).first();
  // the view refreshes when the evaluate job ends; a refresh of our own covers a missed event
  await run.waitFor({ timeout: 15_000 }).catch(async () => {
    await runCommand(page, 'medad: Refresh Runs');
    await run.waitFor({ timeout: 15_000 });
  });
  const text = (await run.innerText()).replace(/\s+/g, ' ').trim();
  await run.locator('.monaco-tl-twistie').click();
  const metricRows = pane.locator('.monaco-list-row[aria-level="3"]');
  await until('the run\'s metric rows', 10_000, async () => (await metricRows.count()) >= 3);
  const metrics = (await metricRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  lap(`runs view: "${text}"; metrics ${JSON.stringify(metrics.slice(0, 6))}`);
  if (!metrics.some((m) => /^AP\s*\d(\.\d{4})?$/.test(m))) throw new Error(`the run's metrics do not list AP: ${JSON.stringify(metrics)}`);
  await run.locator('.label-name').click();
  return text;
}

/** Waits for the run panel's scores, then measures what it drew. */
export async function checkRunPanel(wv, fail) {
  // the scores come from a scoring job over the dataset (the note says why when they cannot)
  await wv.locator('#app[data-scores]').waitFor({ timeout: 60_000 }).catch(async () => fail(`run panel shows no scores: "${await wv.locator('#note').innerText()}"`));
  const rows = await wv.locator('#metrics tr').evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.children].map((td) => td.textContent)));
  // the SVG charts: curves with their point counts, tick labels, legends (AUROC / AP), chance lines, threshold marker
  const curves = await wv.locator('svg.chart').evaluateAll((svgs) => svgs.map((g) => ({
    name: g.getAttribute('aria-label'),
    points: Number(g.querySelector('polyline.curve')?.getAttribute('data-points') ?? 0),
    ticks: g.querySelectorAll('text.tick').length,
    legend: [...g.querySelectorAll('text.legend')].map((t) => t.textContent).join(' | '),
    chance: g.querySelectorAll('.chance').length,
    marker: g.querySelectorAll('.marker, .threshold').length,
    bars: g.querySelectorAll('rect.bar').length,
    // drawn with a visible colour (a theme variable that resolved), not black-on-black or transparent
    stroke: g.querySelector('polyline.curve') ? getComputedStyle(g.querySelector('polyline.curve')).stroke : getComputedStyle(g.querySelector('rect.bar')).fill,
  })));
  const readout = oneLine(await wv.locator('#operating-point').innerText());
  const withCi = rows.filter((r) => /\d – \d/.test(r[2] ?? ''));
  const stats = { rows: rows.length, withCi: withCi.length, auroc: rows.find((r) => r[0] === 'AUROC'), curves, readout, scores: Number(await wv.locator('#app').getAttribute('data-scores')) };
  if (rows.length < 3) fail(`metrics table has ${rows.length} rows`);
  if (!stats.auroc || !/\d – \d/.test(stats.auroc[2])) fail(`no AUROC row with a confidence interval: ${JSON.stringify(rows)}`);
  const names = curves.map((c) => c.name);
  if (!names.includes('ROC curve') || !names.includes('Precision-recall curve') || !names.includes('Score histogram')) fail(`charts missing: ${JSON.stringify(names)}`);
  for (const c of curves) {
    if (c.ticks < 8) fail(`${c.name} has no axis ticks: ${JSON.stringify(c)}`);
    if (!c.marker) fail(`${c.name} does not mark the threshold: ${JSON.stringify(c)}`);
    if (!/rgb/.test(c.stroke) || /rgba\(0, 0, 0, 0\)/.test(c.stroke)) fail(`${c.name} has no theme colour: ${JSON.stringify(c)}`);
  }
  const roc = curves.find((c) => c.name === 'ROC curve');
  const pr = curves.find((c) => c.name === 'Precision-recall curve');
  if (!(roc.points >= 3 && /AUROC 0\.\d{3}/.test(roc.legend) && roc.chance === 1)) fail(`ROC curve incomplete: ${JSON.stringify(roc)}`);
  if (!(pr.points >= 3 && /AP 0\.\d{3}/.test(pr.legend) && pr.chance === 1)) fail(`PR curve incomplete: ${JSON.stringify(pr)}`);
  // the legend's AUROC is computed from the drawn curve: it must agree with the run's metrics.json value
  const auroc = Number(/AUROC (\d\.\d{3})/.exec(roc.legend)[1]);
  if (Math.abs(auroc - Number(stats.auroc[1])) > 0.0015) fail(`ROC legend AUROC ${auroc} differs from the metrics table's ${stats.auroc[1]}`);
  if (!/the run's: /.test(readout)) fail(`the threshold readout does not start at the run's threshold: "${readout}"`);
  // keyboard: the threshold slider moves the operating point
  const before = await wv.locator('#roc circle.marker').getAttribute('cx');
  await wv.locator('#threshold').focus();
  for (let i = 0; i < 60; i++) await wv.locator('#threshold').press('ArrowLeft');
  const after = await wv.locator('#roc circle.marker').getAttribute('cx');
  if (before === after) fail(`the ROC operating point did not move with the threshold slider (cx ${before})`);
  stats.keyboard = `ROC marker cx ${before} -> ${after}; "${oneLine(await wv.locator('#operating-point').innerText(), 90)}"`;
  await wv.locator('#threshold-reset').click();
  return stats;
}
