// The e2e's look at the Runs view and the run panel: the evaluated run is listed with its metrics, and its panel
// draws the ROC / PR curves and the metrics table with confidence intervals.
import { runCommand, until } from './ui.mjs';

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
  const curves = await wv.locator('canvas[data-points]').evaluateAll((cs) => cs.map((c) => {
    const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let inked = 0;
    for (let i = 3; i < a.length; i += 4) if (a[i] > 0) inked++;
    return { name: c.getAttribute('aria-label'), points: Number(c.dataset.points), inked };
  }));
  const withCi = rows.filter((r) => /\d – \d/.test(r[2] ?? ''));
  const stats = { rows: rows.length, withCi: withCi.length, auroc: rows.find((r) => r[0] === 'AUROC'), curves, scores: Number(await wv.locator('#app').getAttribute('data-scores')) };
  if (rows.length < 3) fail(`metrics table has ${rows.length} rows`);
  if (!stats.auroc || !/\d – \d/.test(stats.auroc[2])) fail(`no AUROC row with a confidence interval: ${JSON.stringify(rows)}`);
  const names = curves.map((c) => c.name);
  if (!names.includes('ROC curve') || !names.includes('Precision-recall curve')) fail(`curves missing: ${JSON.stringify(names)}`);
  // a curve through at least 3 points, drawn: far more inked pixels than the 1-px frame alone (4 * 219)
  for (const c of curves) if (!(c.points >= 3 && c.inked > 1200)) fail(`${c.name} is not drawn: ${JSON.stringify(c)}`);
  return stats;
}
