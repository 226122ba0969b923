// Playwright e2e of the medad extension in code-server. Usage: node e2e.mjs <baseUrl> <workspaceDir> <artifactsDir>
/* global window, getComputedStyle, document */
// Steps, in order (E2E_STEPS, a comma list, default all): activate, diagnostic, train, evaluate, heatmap, restart,
// gallery, audit, themes, dicom (compressed DICOM: gallery grouped by patient, a JPEG 2000 heatmap; dicom.mjs), sweep (a CLI sweep of the phantom experiment grouped in the Runs view with its aggregate; sweep.mjs), busi (the real-data journey on a symlinked BUSI, busi.mjs). evaluate, heatmap, gallery and dicom need a trained run; sweep needs the workspace's experiment (the train step, or one already in the workspace). Each step saves a
// screenshot; a failure saves failure.png and names the step.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { busiJourney } from './busi.mjs';
import { dicomStep } from './dicom.mjs';
import { sweepStep } from './sweep.mjs';
import { checkRunPanel, openRunFromView } from './run-panel.mjs';
import { activeWebview, daemonPids, openFile, pickInQuickInput, QI, recorded, retry, runCommand, startRecorder, until } from './ui.mjs';

const [base, ws, art] = process.argv.slice(2);
const ALL = ['activate', 'diagnostic', 'train', 'evaluate', 'heatmap', 'restart', 'gallery', 'audit', 'themes', 'dicom', 'sweep', 'busi'];
const steps = (process.env.E2E_STEPS || ALL.join(',')).split(',').filter(Boolean);
const unknown = steps.filter((s) => !ALL.includes(s));
if (unknown.length) throw new Error(`unknown E2E_STEPS: ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
const TRAIN_TIMEOUT = Number(process.env.E2E_TRAIN_TIMEOUT_MS ?? 120_000);
const t0 = Date.now();
const lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const fail = (m) => {
  throw new Error(m);
};
const oneLine = (s, n = 200) => s.replace(/\s+/g, ' ').trim().slice(0, n);

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'medad-e2e-chrome-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
});
// Webview resources have https://*.vscode-resource.vscode-cdn.net URLs that the webview's service worker answers
// from code-server itself; anything else off the server would be a real remote request (the CSP forbids them).
const local = (u) => u.startsWith(base) || /^(data|blob|about|chrome|vscode-\w+):/.test(u) || /^https:\/\/[^/]*\.vscode-resource\.vscode-cdn\.net\//.test(u);
const external = new Set();
const failed = new Set();
let abortedImages = 0;
ctx.on('request', (r) => !local(r.url()) && external.add(r.url().slice(0, 120)));
ctx.on('requestfailed', (r) => {
  if (!r.url().includes('vscode-resource')) return;
  // a webview's own index.html aborted: the workbench replaced the iframe while it loaded (seen under CPU load when
  // an editor opens and is re-revealed quickly), not a resource the webview could not get
  if (r.resourceType() === 'document' && r.failure()?.errorText === 'net::ERR_ABORTED' && /\/index\.html\?/.test(r.url())) {
    return console.log(`note: webview document load aborted (iframe replaced): ${r.url().slice(0, 100)}`);
  }
  // a thumbnail whose <img> the virtualised grid replaced while it loaded (a re-render when the filter, the sort or
  // the overlays change) is cancelled by the browser: counted, not a failure. A refused file fails otherwise
  // (ERR_FAILED or an HTTP error), and each gallery step checks that its images did load.
  if (r.resourceType() === 'image' && r.failure()?.errorText === 'net::ERR_ABORTED') return void abortedImages++;
  failed.add(`${r.url().slice(-80)}: ${r.failure()?.errorText}`);
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
page.setDefaultTimeout(30_000);
page.on('pageerror', (e) => console.log('pageerror:', e.message));
const shot = async (name) => {
  await page.screenshot({ path: path.join(art, name) });
  lap(`screenshot ${name}`);
};
const closeToasts = async () => {
  for (const x of await page.locator('.notifications-toasts .notification-toast .codicon-notifications-clear').all()) await x.click().catch(() => undefined);
};

const run = {
  async activate() {
    const item = page.locator('.statusbar-item', { hasText: 'medad:' }).first();
    await item.waitFor({ timeout: 90_000 });
    lap(`status item: "${oneLine(await item.innerText())}"`);
    await daemonUp();
    const text = oneLine(await item.innerText());
    lap(`daemon ready: "${text}"`);
    if (!/medad: (wasm|cpu|webgpu|tensorflow)/.test(text)) fail(`status bar does not name a backend: "${text}"`);
    await startRecorder(page);
    await shot('01-activated.png');
  },

  async diagnostic() {
    await openFile(page, 'broken.medad.yaml');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M'); // Problems panel
    const rows = page.locator('.markers-panel .monaco-list-row');
    const layout = rows.filter({ hasText: /layout: must be one of/ }).first();
    const key = rows.filter({ hasText: /Unknown key 'sede'/ }).first();
    await layout.waitFor({ timeout: 20_000 });
    await key.waitFor({ timeout: 10_000 });
    lap(`diagnostics: "${oneLine(await layout.innerText(), 140)}" | "${oneLine(await key.innerText(), 140)}"`);
    await shot('02-diagnostic.png');
    await page.keyboard.press('Control+Shift+M');
  },

  async train() {
    await openFile(page, 'experiment.medad.yaml');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Train' }).first();
    await lens.waitFor({ timeout: 30_000 });
    lap('Train lens visible');
    await retry('click Train', 2, () => lens.click());
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: /medad: training/i }).first();
    const done = page.locator('.notifications-toasts .notification-toast', { hasText: /Training finished|medad: train failed/i }).first();
    await progress.or(done).first().waitFor({ timeout: 30_000 });
    if (await progress.isVisible()) {
      lap(`progress: "${oneLine(await progress.innerText(), 120)}"`);
      await shot('03-training.png');
    }
    await done.waitFor({ timeout: TRAIN_TIMEOUT });
    const text = oneLine(await done.innerText());
    lap(`train result: "${text}"`);
    await shot('04-trained.png');
    if (!/Training finished/.test(text)) fail(`training failed: ${text}`);
    const rec = await recorded(page);
    lap(`status bar during training: ${rec.status.length} texts: ${JSON.stringify(rec.status.slice(0, 3))} ... ${JSON.stringify(rec.status.slice(-2))}`);
    const toasts = rec.toasts.filter((t) => /training/.test(t)).map((t) => t.replace(/^.*medad: training/, 'medad: training'));
    lap(`progress notification: ${toasts.length} updates, e.g. "${toasts[Math.floor(toasts.length / 2)]?.slice(0, 100)}"`);
    if (!rec.status.some((t) => /train/.test(t))) fail(`the status bar never showed the training job: ${JSON.stringify(rec.status)}`);
    if (!rec.toasts.some((t) => /training.*\d+%/.test(t))) fail('the progress notification never showed a percentage');
    await closeToasts();
  },

  async evaluate() {
    await openFile(page, 'experiment.medad.yaml');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: /^Evaluate$/ }).first();
    await lens.waitFor({ timeout: 30_000 });
    await retry('click Evaluate', 2, () => lens.click());
    const done = page.locator('.notifications-toasts .notification-toast', { hasText: /Evaluation finished|medad: evaluate failed/i }).first();
    await done.waitFor({ timeout: TRAIN_TIMEOUT });
    const text = oneLine(await done.innerText());
    lap(`evaluate result: "${text}"`);
    if (!/Evaluation finished: AUROC \d\.\d{3}/.test(text)) fail(`evaluation failed or shows no AUROC: ${text}`);
    await closeToasts();
    const row = await openRunFromView(page, lap);
    const wv = activeWebview(page);
    const stats = await checkRunPanel(wv, fail);
    lap(`run panel of ${row}: ${JSON.stringify(stats)}`);
    await page.waitForTimeout(300);
    await shot('05-run-panel.png');
  },

  async heatmap() {
    const open = () => runCommand(page, 'medad: Open Anomaly Heatmap', false);
    await open();
    await pickInQuickInput(page, 'Open Anomaly Heatmap', 'lesion_0000.png', open);
    const wv = activeWebview(page);
    const canvas = wv.locator('canvas#overlay[data-drawn]');
    await canvas.or(wv.locator('#status.error')).first().waitFor({ timeout: 60_000 });
    if (!(await canvas.count())) fail(`heatmap webview shows an error: ${await wv.locator('#status').innerText()}`);
    await wv.locator('#score[data-rank]').waitFor({ timeout: 30_000 }).catch(async () => lap(`WARN no rank/percentile line; status bar ${JSON.stringify((await recorded(page)).status.slice(-3))}`));
    const stats = await canvas.evaluate((c) => {
      const o = c.ownerDocument.getElementById('original');
      const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const b = o.getContext('2d').getImageData(0, 0, o.width, o.height).data;
      let changed = 0;
      let colourful = 0;
      for (let i = 0; i < a.length; i += 4) {
        if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) changed++;
        if (Math.max(a[i], a[i + 1], a[i + 2]) - Math.min(a[i], a[i + 1], a[i + 2]) > 30) colourful++;
      }
      return { w: c.width, h: c.height, changed, colourful, inside: Number(c.dataset.meanInside), outside: Number(c.dataset.meanOutside), drawn: c.dataset.drawn };
    });
    lap(`heatmap: ${JSON.stringify(stats)} "${oneLine(await wv.locator('#score').innerText())}"`);
    if (!stats.changed || !stats.colourful) fail(`overlay canvas is not drawn: ${JSON.stringify(stats)}`);
    if (!Number.isFinite(stats.inside)) fail('no ground-truth mask was loaded for lesion_0000.png');
    if (!(stats.inside > stats.outside)) fail(`anomaly map is not higher inside the planted lesion (${stats.inside} <= ${stats.outside})`);
    await checkCsp(wv);
    const where = await thresholdedCoverage(wv, path.join(ws, 'test', 'masks', 'lesion_0000.png'), 0.2, stats.drawn);
    lap(`threshold 0.2: coloured pixels inside the planted lesion ${(100 * where.inside).toFixed(0)}% (${where.nIn} px), outside ${(100 * where.outside).toFixed(1)}%`);
    if (!(where.inside >= 0.5 && where.outside <= 0.2 && where.inside > 3 * where.outside)) fail(`the drawn overlay does not mark the planted lesion: ${JSON.stringify(where)}`);
    await page.waitForTimeout(300);
    await shot('06-heatmap.png');
    await hideAndShow(wv, await wv.locator('canvas#overlay').getAttribute('data-drawn'));
    await wideImage();
  },

  async restart() {
    const before = daemonPids(ws);
    if (before.length !== 1) fail(`expected one daemon process with cwd ${ws}, found ${JSON.stringify(before)}`);
    await page.evaluate(() => (window.__medad.status = []));
    process.kill(before[0], 'SIGKILL');
    lap(`killed daemon ${before[0]}`);
    await page.locator('.notifications-toasts .notification-toast', { hasText: /daemon stopped and is being restarted/ }).first().waitFor({ timeout: 20_000 });
    const after = await until('a new daemon process', 30_000, () => {
      const p = daemonPids(ws).filter((x) => x !== before[0]);
      return p.length ? p : undefined;
    });
    // the toast can show before the status item's update lands (the extension host batches those): wait for both
    const down = (r) => r.status.findIndex((t) => /medad: (stopped|starting)/.test(t));
    await until('the status bar to show the daemon down', 20_000, async () => down(await recorded(page)) >= 0);
    await until('the status bar to show a backend again', 60_000, async () => {
      const r = await recorded(page);
      return r.status.slice(down(r)).some((t) => /medad: (?!starting|stopped)/.test(t));
    });
    const rec = await recorded(page);
    lap(`daemon ${before[0]} -> ${after.join(',')}; status bar: ${JSON.stringify(rec.status)}`);
    await shot('08-restarted.png');
    await closeToasts();
  },

  async gallery() {
    await runCommand(page, 'medad: Open Dataset Gallery');
    const wv = activeWebview(page);
    await wv.locator('#app[data-loaded]').or(wv.locator('#status.error')).first().waitFor({ timeout: 90_000 });
    if (!(await wv.locator('#app[data-loaded]').count())) fail(`gallery shows an error: ${await wv.locator('#status').innerText()}`);
    const n = Number(await wv.locator('#app').getAttribute('data-loaded'));
    if (!n) fail(`gallery is empty: "${await wv.locator('#status').innerText()}"`);
    await wv.locator('.thumb').first().waitFor();
    const status = oneLine(await wv.locator('#status').innerText());
    const top = await wv.locator('.thumb').evaluateAll((els) => els.slice(0, 8).map((e) => `${e.dataset.class}:${Number(e.dataset.score).toFixed(4)}`));
    lap(`gallery: "${status}" top: ${top.join(' ')}`);
    const imgs = await wv.locator('.thumb img').evaluateAll((els) => els.slice(0, 8).map((i) => i.complete && i.naturalWidth > 0));
    await page.waitForTimeout(300);
    await shot('09-gallery.png');
    if (!/scored by run/.test(status)) fail(`gallery is not scored: "${status}"`);
    if (!top[0]?.startsWith('lesion:')) fail(`most anomalous thumbnail is ${top[0]}, not a planted lesion`);
    if (!imgs.length || imgs.some((x) => !x)) fail(`thumbnails did not load: ${JSON.stringify(imgs)}`);
    // the planted leak (train/normal/normal_0003.png copied to test/normal/leak_0000.png), side by side
    const pair = wv.locator('#duplicates .dup-pair', { hasText: 'leak_0000.png' }).first();
    await pair.waitFor({ timeout: 60_000 });
    const sides = await pair.locator('.thumb').evaluateAll((els) => els.map((e) => ({ split: e.dataset.split, file: e.dataset.file.split('/').pop(), loaded: e.querySelector('img')?.naturalWidth > 0 })));
    const summary = oneLine(await wv.locator('#duplicates summary').innerText());
    lap(`duplicates: "${summary}"; pair ${JSON.stringify(sides)} (${await pair.getAttribute('data-kind')})`);
    if (JSON.stringify(sides.map((x) => [x.split, x.file])) !== JSON.stringify([['train', 'normal_0003.png'], ['test', 'leak_0000.png']])) fail(`unexpected duplicate pair: ${JSON.stringify(sides)}`);
    await until('both duplicate thumbnails to load', 10_000, () => pair.locator('.thumb img').evaluateAll((els) => els.length === 2 && els.every((i) => i.naturalWidth > 0)));
    await pair.scrollIntoViewIfNeeded();
    await shot('10-gallery-duplicates.png');
    await galleryRendersAndKeys(wv);
  },

  async dicom() {
    await dicomStep({ page, shot, lap, fail });
  },

  async sweep() {
    await sweepStep({ page, ws, shot, lap, fail });
  },

  async busi() {
    await busiJourney({ page, ws, shot, lap, fail, closeToasts });
  },

  /** The shortcut audit in the gallery (self-contained: opens the gallery itself): once the daemon's audit is back the
   * "Sort by" list offers its descriptors; sorting by mean intensity must order the thumbnails by that value. */
  async audit() {
    await runCommand(page, 'medad: Open Dataset Gallery');
    const wv = activeWebview(page);
    await wv.locator('#app[data-loaded]').waitFor({ timeout: 90_000 });
    await until('the audit descriptors in "Sort by"', 120_000, async () => (await wv.locator('#sort-by option').count()) > 1);
    const note = oneLine(await wv.locator('#audit-note').innerText());
    await wv.locator('#sort-by').selectOption('mean');
    // grid cells only (they carry data-index): the duplicates pane, left open by the gallery step, has .thumb too
    const cells = wv.locator('.thumb[data-index]');
    await cells.first().waitFor();
    const values = await cells.evaluateAll((els) => els.slice(0, 12).map((e) => Number(e.dataset.sort)));
    const caption = oneLine(await cells.first().locator('.caption').innerText());
    lap(`audit: ${note}; sorted by mean: ${values.map((v) => v.toFixed(3)).join(' ')}; first caption "${caption}"`);
    if (values.length < 2 || values.some((v) => !Number.isFinite(v))) fail(`thumbnails carry no mean-intensity values: ${JSON.stringify(values)}`);
    if (values.some((v, i) => i > 0 && v > values[i - 1])) fail(`thumbnails are not sorted by mean intensity (descending): ${JSON.stringify(values)}`);
    await page.waitForTimeout(300);
    await shot('11-gallery-audit-sort.png');
    await wv.locator('#sort-by').selectOption('');
  },

  /** Every webview in the dark and high-contrast themes (the e2e's default is light), through the theme picker
   * (Preferences: Color Theme), with screenshots and the text/background contrast each webview got. */
  async themes() {
    const tabs = [['Run:', 'run'], ['lesion_0000.png', 'heatmap'], ['Gallery:', 'gallery']];
    for (const [theme, tag, token] of [['Dark Modern', 'dark', 'vs-dark'], ['Dark High Contrast', 'hc', 'hc-black'], ['Light High Contrast', 'hc-light', 'hc-light'], ['Light Modern', 'light', 'vs']]) {
      await retry(`pick the ${theme} theme`, 3, async () => {
        await page.keyboard.press('Escape');
        await page.locator('.monaco-workbench').focus().catch(() => undefined);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+T'); // Preferences: Color Theme (Quick Open's fuzzy match can pick the marketplace)
        // the theme picker (not the marketplace's): its rows are the installed themes
        await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor({ timeout: 8000 });
        await page.locator(QI).fill(theme);
        const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${theme}$`) }) }).first();
        await row.waitFor({ timeout: 8000 });
        await row.click();
        await until(`the ${theme} theme`, 8000, async () => (await page.locator('.monaco-workbench').getAttribute('class'))?.split(/\s+/).includes(token));
      });
      if (tag === 'light') break; // back to the default for any later step
      for (const [tab, name] of tabs) {
        const t = page.locator('.tab', { hasText: tab }).first();
        if (!(await t.count())) continue;
        await t.click();
        await page.waitForTimeout(700);
        const wv = activeWebview(page);
        // the webview's own colours: text against background, from the theme variables it was given
        const c = await wv.locator('body').evaluate((b) => ({ fg: getComputedStyle(b).color, bg: getComputedStyle(b).backgroundColor }));
        lap(`${theme} / ${name}: text ${c.fg} on ${c.bg} (contrast ${contrast(c.fg, c.bg).toFixed(1)}:1)`);
        if (contrast(c.fg, c.bg) < 4.5) fail(`${name} webview text contrast under 4.5:1 in ${theme}: ${JSON.stringify(c)}`);
        await shot(`11-${tag}-${name}.png`);
      }
    }
  },
};

/** A 16-bit PNG: the daemon decodes and windows it (medad/renderImage), so the original canvas shows the phantom
 * with full contrast (not the gray base that formats the browser cannot show used to get). */
async function wideImage() {
  // the command explains the active editor's image: open the file (VS Code's image preview), then the command
  await openFile(page, 'lesion16_0000.png');
  await runCommand(page, 'medad: Open Anomaly Heatmap');
  await page.locator('.tab.active', { hasText: 'lesion16_0000.png' }).waitFor({ timeout: 10_000 });
  const wv = activeWebview(page);
  const canvas = wv.locator('canvas#overlay[data-drawn]');
  await canvas.or(wv.locator('#status.error')).first().waitFor({ timeout: 60_000 });
  if (!(await canvas.count())) fail(`16-bit heatmap shows an error: ${await wv.locator('#status').innerText()}`);
  const o = await wv.locator('canvas#original').evaluate((c) => {
    const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let lo = 255;
    let hi = 0;
    for (let i = 0; i < a.length; i += 4) {
      lo = Math.min(lo, a[i]);
      hi = Math.max(hi, a[i]);
    }
    return { source: c.dataset.source, lo, hi, w: c.width };
  });
  const status = oneLine(await wv.locator('#status').innerText());
  lap(`16-bit PNG: original ${JSON.stringify(o)}; "${status}"`);
  if (o.source !== 'daemon') fail(`the 16-bit PNG was not rendered by the daemon: ${JSON.stringify(o)}`);
  if (!(o.hi >= 200 && o.hi - o.lo >= 150)) fail(`the 16-bit image is drawn without contrast: ${JSON.stringify(o)}`);
  await page.waitForTimeout(300);
  await shot('07-heatmap-16bit.png');
}

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => Number(v) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The gallery's daemon-rendered thumbnail (the 16-bit PNG, which a browser would show with its top byte only) and
 * its keyboard model: arrows move the selection (aria-activedescendant), Enter opens the selected image's heatmap. */
async function galleryRendersAndKeys(wv) {
  const cell = wv.locator('#grid .thumb[data-file$="/lesion16_0000.png"]').first();
  await wv.locator('#grid').evaluate((g) => (g.scrollTop = 0));
  await cell.waitFor({ timeout: 10_000 });
  const img = cell.locator('img[data-source="daemon"]');
  await img.waitFor({ timeout: 30_000 }).catch(async () => fail(`the 16-bit thumbnail was not rendered by the daemon: ${await cell.innerHTML()}`));
  const px = await img.evaluate(async (i) => {
    await i.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [i.naturalWidth, i.naturalHeight];
    const g = c.getContext('2d');
    g.drawImage(i, 0, 0);
    const a = g.getImageData(0, 0, c.width, c.height).data;
    let lo = 255;
    let hi = 0;
    for (let k = 0; k < a.length; k += 4) [lo, hi] = [Math.min(lo, a[k]), Math.max(hi, a[k])];
    return { w: c.width, lo, hi };
  });
  lap(`gallery: 16-bit thumbnail rendered by the daemon ${JSON.stringify(px)}`);
  if (!(px.hi - px.lo >= 150)) fail(`the daemon-rendered thumbnail has no contrast: ${JSON.stringify(px)}`);
  const grid = wv.locator('#grid');
  await grid.focus();
  await grid.press('Home');
  await grid.press('ArrowRight');
  await grid.press('ArrowDown');
  const sel = await wv.locator('.thumb.focused').evaluate((e) => ({ index: e.dataset.index, selected: e.getAttribute('aria-selected'), file: e.dataset.file, active: e.parentElement.closest('[role=listbox]').getAttribute('aria-activedescendant'), columns: getComputedStyle(e.parentElement).gridTemplateColumns.split(' ').length }));
  lap(`gallery keyboard: Home, ArrowRight, ArrowDown -> ${JSON.stringify(sel)}`);
  if (Number(sel.index) !== 1 + sel.columns || sel.selected !== 'true' || sel.active !== `cell-${sel.index}`) fail(`arrow keys did not move the gallery selection: ${JSON.stringify(sel)}`);
  await grid.press('Enter');
  const name = sel.file.split('/').pop();
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await activeWebview(page).locator('canvas#overlay[data-drawn]').waitFor({ timeout: 60_000 });
  lap(`gallery keyboard: Enter opened the heatmap of ${name}`);
  await page.locator('.tab', { hasText: 'Gallery:' }).first().click();
}

/** Waits for the status bar to name a backend; fails at once when the extension gave up restarting a daemon that
 * crashes on start (a broken build), instead of waiting out the timeout. */
async function daemonUp() {
  const up = page.locator('.statusbar-item', { hasText: /medad: (?!starting|stopped)/ }).first();
  const gaveUp = page.locator('.notifications-toasts .notification-toast', { hasText: /daemon stopped \d+ times/ }).first();
  await up.or(gaveUp).first().waitFor({ timeout: 90_000 });
  if (!(await up.isVisible())) fail(`the daemon keeps crashing: "${oneLine(await gaveUp.innerText())}" (its stderr is in the medad log)`);
}

/** Sets the threshold slider, waits for the redraw, and measures on the *drawn* overlay which pixels got colour
 * (below the threshold the plain gray image shows, r = g = b) inside and outside the ground-truth mask file. */
async function thresholdedCoverage(wv, maskFile, t, drawn) {
  const { data, info } = await sharp(maskFile).greyscale().raw().toBuffer({ resolveWithObject: true });
  await wv.locator('#threshold').fill(String(t));
  await until('a redraw after the threshold change', 5000, async () => (await wv.locator('canvas#overlay').getAttribute('data-drawn')) !== drawn);
  return wv.locator('canvas#overlay').evaluate((c, m) => {
    if (c.width !== m.w || c.height !== m.h) return { error: `mask ${m.w}x${m.h} vs canvas ${c.width}x${c.height}` };
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const n = [0, 0];
    const hit = [0, 0];
    for (let i = 0; i < m.mask.length; i++) {
      const k = m.mask[i] > 127 ? 1 : 0;
      n[k]++;
      if (Math.max(px[i * 4], px[i * 4 + 1], px[i * 4 + 2]) - Math.min(px[i * 4], px[i * 4 + 1], px[i * 4 + 2]) > 8) hit[k]++;
    }
    return { inside: hit[1] / Math.max(1, n[1]), outside: hit[0] / Math.max(1, n[0]), nIn: n[1] };
  }, { mask: [...data], w: info.width, h: info.height });
}

/** The webview's CSP: nothing by default, scripts only with the page's nonce, no inline/eval, no remote hosts. */
async function checkCsp(wv) {
  const csp = await wv.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  // VS Code's webview host injects one inline script of its own (acquireVsCodeApi) into the page; ours are the rest
  const scripts = await wv.locator('script').evaluateAll((els) => els.map((s) => ({ type: s.type, src: s.src.split('/').pop(), nonce: !!s.nonce, text: s.src ? '' : (s.textContent ?? '').trim().slice(0, 60) })));
  lap(`CSP: ${csp}`);
  if (!/default-src 'none'/.test(csp ?? '')) fail(`CSP lacks default-src 'none': ${csp}`);
  const script = /script-src ([^;]*)/.exec(csp ?? '')?.[1].trim() ?? '';
  if (!/^'nonce-[A-Za-z0-9+/=]+'$/.test(script)) fail(`script-src is not nonce-only: ${script}`);
  if (/unsafe-(inline|eval)|https?:\/\/(?!\*?[^ ;]*vscode-cdn\.net)/.test(csp ?? '')) fail(`CSP allows inline/eval or a remote host: ${csp}`);
  const ours = scripts.filter((s) => s.src || s.type === 'application/json');
  if (!ours.some((s) => s.src === 'heatmap.js' && s.nonce)) fail(`heatmap.js is not loaded with the nonce: ${JSON.stringify(scripts)}`);
  if (ours.some((s) => s.type !== 'application/json' && !s.nonce)) fail(`a script without the nonce: ${JSON.stringify(scripts)}`);
  const foreign = scripts.filter((s) => !ours.includes(s));
  if (foreign.length > 1) fail(`unexpected inline scripts: ${JSON.stringify(foreign)}`);
  lap(`scripts: ${JSON.stringify(scripts.map((s) => s.src || s.type || s.text))}`);
}

/** Changes the colour map, hides the heatmap tab behind another editor, shows it again: the drawing and the control
 * survive (retainContextWhenHidden + setState). */
async function hideAndShow(wv, drawn) {
  await wv.locator('#colormap').selectOption('viridis');
  await until('a redraw after the colour map change', 5000, async () => (await wv.locator('canvas#overlay').getAttribute('data-drawn')) !== drawn);
  const redrawn = await wv.locator('canvas#overlay').getAttribute('data-drawn');
  await page.locator('.tab', { hasText: 'experiment.medad.yaml' }).first().click();
  await page.locator('.tab.active', { hasText: 'experiment.medad.yaml' }).waitFor();
  await page.waitForTimeout(500);
  await page.locator('.tab', { hasText: 'lesion_0000.png' }).first().click();
  const again = activeWebview(page);
  await again.locator('canvas#overlay[data-drawn]').waitFor({ timeout: 15_000 });
  const cm = await again.locator('#colormap').inputValue();
  const d = await again.locator('canvas#overlay').getAttribute('data-drawn');
  lap(`after hide/show: colormap ${cm}, drawn ${d === redrawn ? 'kept' : 'redrawn'}`);
  if (cm !== 'viridis') fail(`colour map not kept across hide/show: ${cm}`);
}

let ok = false;
let current = 'startup';
try {
  lap(`browser up; steps: ${steps.join(', ')}`);
  await retry('load the workbench', 2, async () => {
    await page.goto(`${base}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  });
  lap('workbench visible');
  for (const s of ALL.filter((x) => steps.includes(x))) {
    current = s;
    if (s !== 'activate' && !steps.includes('activate')) await daemonUp().then(() => startRecorder(page));
    await run[s]();
    lap(`step ${s}: ok`);
  }
  if (abortedImages) lap(`note: ${abortedImages} image loads cancelled by grid re-renders`);
  if (failed.size) fail(`webview resources failed to load: ${[...failed].join('; ')}`);
  if (external.size) fail(`external requests attempted: ${[...external].join(', ')}`);
  ok = true;
} catch (e) {
  console.log(`ERROR in step ${current}: ${e.message.split('\n').slice(0, 8).join('\n')}`);
  await page.screenshot({ path: path.join(art, 'failure.png') }).catch(() => undefined);
} finally {
  await ctx.close().catch(() => undefined);
  fs.rmSync(profile, { recursive: true, force: true });
  lap(ok ? 'PASS' : `FAIL (step ${current})`);
  process.exitCode = ok ? 0 : 1;
}
