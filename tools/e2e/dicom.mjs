// The `dicom` step (issue 20): compressed DICOM in the editor. The workspace's dicom/ folder holds one file per
// transfer syntax (JPEG 2000, HTJ2K, JPEG-LS, JPEG baseline, JPEG lossless, RLE; three patients; make-workspace.ts).
// Its gallery, grouped by patient, shows every thumbnail decoded by the daemon (real pixels, not placeholders); a
// click on the JPEG 2000 file opens its heatmap with the run the `train` step made (original drawn, map overlaid).
/* global document */
import { activeWebview, openFile, runCommand, until } from './ui.mjs';

const oneLine = (s, n = 240) => s.replace(/\s+/g, ' ').trim().slice(0, n);

export async function dicomStep({ page, shot, lap, fail }) {
  await openFile(page, 'dicom-study.medad.yaml');
  await runCommand(page, 'medad: Open Dataset Gallery');
  const wv = activeWebview(page);
  await wv.locator('#app[data-loaded]').or(wv.locator('#status.error')).first().waitFor({ timeout: 90_000 });
  if (!(await wv.locator('#app[data-loaded]').count())) fail(`DICOM gallery shows an error: ${await wv.locator('#status').innerText()}`);
  const n = Number(await wv.locator('#app').getAttribute('data-loaded'));
  if (n !== 12) fail(`the DICOM gallery lists ${n} images, not the workspace's 12`);
  const groupings = await wv.locator('#group-by option').evaluateAll((os) => os.map((o) => o.value));
  lap(`DICOM gallery: ${n} images; group by: ${JSON.stringify(groupings)}`);
  if (!['patient', 'study', 'series', 'group'].every((g) => groupings.includes(g))) fail(`"Group by" lacks patient/study/series/config group: ${JSON.stringify(groupings)}`);
  // every split (train and test), grouped by patient: P1 spans both splits, as the header says
  await wv.locator('#split-filter').selectOption('');
  await wv.locator('#group-by').selectOption('patient');
  const headers = wv.locator('#grid .group-header');
  await until('three patient headers', 10_000, async () => (await headers.count()) === 3);
  const heads = await headers.evaluateAll((els) => els.map((e) => ({ key: e.dataset.group, count: Number(e.dataset.count), straddle: e.dataset.straddle, text: e.textContent })));
  lap(`DICOM gallery headers: ${heads.map((h) => h.text).join(' | ')}`);
  const counts = Object.fromEntries(heads.map((h) => [h.key, h.count]));
  if (JSON.stringify(counts) !== JSON.stringify({ P1: 6, P2: 3, P3: 3 })) fail(`unexpected patient groups: ${JSON.stringify(counts)}`);
  // P1 and P3 have images in train and test (marked), P2 only in test
  if (heads.map((h) => h.straddle).join() !== 'true,false,true') fail(`straddling patients not marked: ${JSON.stringify(heads)}`);
  if (!/⚠ in train 2, test 4/.test(heads.find((h) => h.key === 'P1')?.text ?? '')) fail(`P1's header does not warn that it straddles train and test: ${JSON.stringify(heads)}`);
  // every cell under its own patient's header, and every thumbnail decoded by the daemon with real contrast
  const cells = wv.locator('#grid .thumb[data-index]');
  await until('12 daemon-rendered DICOM thumbnails', 90_000, async () => (await cells.locator('img[data-source="daemon"]').count()) === 12);
  // grey range and distinct grey levels of each thumbnail as the browser decoded it (a real image has many)
  const thumbs = await cells.evaluateAll((els) => Promise.all(els.map(async (e) => {
    const img = e.querySelector('img');
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.naturalWidth, img.naturalHeight];
    c.getContext('2d').drawImage(img, 0, 0);
    const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const grey = [];
    for (let k = 0; k < a.length; k += 4) grey.push(a[k]);
    return { file: e.dataset.file.split('/').pop(), group: e.dataset.group, w: c.width, h: c.height, lo: Math.min(...grey), hi: Math.max(...grey), levels: new Set(grey).size };
  })));
  lap(`DICOM thumbnails: ${thumbs.map((t) => `${t.group}/${t.file} ${t.w}x${t.h} ${t.lo}..${t.hi} (${t.levels} levels)`).join('; ')}`);
  const flat = thumbs.filter((t) => !(t.hi - t.lo >= 100 && t.levels >= 16));
  if (flat.length) fail(`DICOM thumbnails without a decoded image: ${JSON.stringify(flat)}`);
  const wrong = thumbs.filter((t) => t.group !== (/rgb/.test(t.file) ? 'P3' : /ct/.test(t.file) ? 'P2' : 'P1'));
  if (wrong.length) fail(`thumbnails under the wrong patient: ${JSON.stringify(wrong)}`);
  // the same phantom in several syntaxes across train and test: the leakage check pairs them (identical pixels);
  // the pairs are listed, then folded so the screenshot shows the grouped grid
  const dups = wv.locator('#duplicates summary');
  await dups.waitFor({ state: 'visible', timeout: 60_000 }).then(async () => lap(`DICOM duplicates: "${oneLine(await dups.innerText())}"`), () => lap('DICOM duplicates: no report'));
  await wv.locator('#duplicates').evaluate((d) => (d.open = false)).catch(() => undefined);
  await page.waitForTimeout(300);
  await shot('30-dicom-gallery-by-patient.png');

  // the keyboard crosses group headers: Home, then ArrowDown to the same column of the next patient's row
  const grid = wv.locator('#grid');
  await grid.focus();
  await grid.press('Home');
  await grid.press('ArrowDown');
  const down = await wv.locator('#grid .thumb.focused').evaluate((e) => ({ index: Number(e.dataset.index), group: e.dataset.group, active: e.closest('[role=listbox]').getAttribute('aria-activedescendant') }));
  lap(`DICOM gallery keyboard: Home, ArrowDown -> ${JSON.stringify(down)}`);
  if (down.index !== 6 || down.group !== 'P2' || down.active !== 'cell-6') fail(`ArrowDown did not move to the next patient's first image: ${JSON.stringify(down)}`);
  // the split filter still applies inside the groups: the test split leaves P1 with its 4 test images
  await wv.locator('#split-filter').selectOption('test');
  await until('P1 with its test images only', 10_000, async () => (await wv.locator('#grid .group-header[data-group="P1"]').getAttribute('data-count')) === '4');
  await wv.locator('#split-filter').selectOption('');

  // the JPEG 2000 file's heatmap, from its thumbnail, with the run the train step made
  await wv.locator('#grid .thumb[data-file$="/j2k.dcm"]').click();
  await page.locator('.tab.active', { hasText: 'j2k.dcm' }).waitFor({ timeout: 15_000 });
  const hm = activeWebview(page);
  const canvas = hm.locator('canvas#overlay[data-drawn]');
  await canvas.or(hm.locator('#status.error')).first().waitFor({ timeout: 90_000 });
  if (!(await canvas.count())) fail(`the DICOM heatmap shows an error: ${await hm.locator('#status').innerText()}`);
  const original = await hm.locator('canvas#original').evaluate((c) => {
    const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const grey = [];
    for (let k = 0; k < a.length; k += 4) grey.push(a[k]);
    return { source: c.dataset.source, w: c.width, h: c.height, lo: Math.min(...grey), hi: Math.max(...grey), levels: new Set(grey).size };
  });
  const overlay = await canvas.evaluate((c) => {
    const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let colourful = 0;
    for (let i = 0; i < a.length; i += 4) if (Math.max(a[i], a[i + 1], a[i + 2]) - Math.min(a[i], a[i + 1], a[i + 2]) > 30) colourful++;
    return { w: c.width, h: c.height, colourful };
  });
  const status = oneLine(await hm.locator('#status').innerText());
  lap(`DICOM heatmap (JPEG 2000): original ${JSON.stringify(original)}, overlay ${JSON.stringify(overlay)}; "${status}"`);
  if (original.source !== 'daemon') fail(`the JPEG 2000 image was not decoded by the daemon: ${JSON.stringify(original)}`);
  if (!(original.hi - original.lo >= 100 && original.levels >= 16)) fail(`the JPEG 2000 image is not drawn: ${JSON.stringify(original)}`);
  if (!overlay.colourful) fail(`no anomaly map over the JPEG 2000 image: ${JSON.stringify(overlay)}`);
  await page.waitForTimeout(300);
  await shot('31-dicom-heatmap-j2k.png');
}
