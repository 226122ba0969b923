// Playwright helpers for the VS Code workbench served by code-server: Quick Open with retries, tabs, webviews,
/* global window, document, MutationObserver, setTimeout */
// a recorder of status-bar / notification texts (states that last less than a poll interval are still seen), and
// finding the daemon process of this run.
import fs from 'node:fs';

export const QI = '.quick-input-widget .quick-input-box input.input';

/** Retries an async UI step: the first keypresses after startup can be lost while the workbench settles. */
export async function retry(what, tries, fn) {
  for (let i = 1; ; i++) {
    try {
      return await fn(i);
    } catch (e) {
      if (i >= tries) throw new Error(`${what}: failed ${tries} times: ${e.message.split('\n')[0]}`);
      console.log(`retry ${what} (${i}/${tries}): ${e.message.split('\n')[0]}`);
    }
  }
}

/** Opens Quick Open (Ctrl+P), types `text` and picks the row containing `rowText`; the whole step is retried. */
export function quickOpen(page, text, rowText = text, closes = true) {
  const qi = page.locator(QI);
  return retry(`quick open "${text}"`, 4, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await qi.waitFor({ state: 'visible', timeout: 4000 });
    await qi.fill(text);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: 8000 });
    await page.keyboard.press('Enter');
    // a command that opens its own Quick Pick keeps the widget open
    if (closes) await qi.waitFor({ state: 'hidden', timeout: 4000 });
  });
}

export async function openFile(page, name) {
  await retry(`open ${name}`, 2, async () => {
    await quickOpen(page, name);
    await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
  });
}

export const runCommand = (page, title, closes = true) => quickOpen(page, '>' + title, title, closes);

/** Picks the row holding `text` in the Quick Pick titled `title` that a command opened (e.g. the image picker). */
export async function pickInQuickInput(page, title, text, reopen) {
  const qi = page.locator(QI);
  const shown = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  // A webview that takes focus as it finishes loading can close a quick pick just opened: reopen it once.
  await shown.waitFor({ timeout: 15_000 }).catch(async (err) => {
    if (!reopen) throw err;
    await page.keyboard.press('Escape');
    await reopen();
    await shown.waitFor({ timeout: 15_000 });
  });
  await qi.fill(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** The content frame of the visible webview (code-server nests the page in #active-frame). */
export const activeWebview = (page) => page.frameLocator('iframe.webview.ready:visible').last().frameLocator('#active-frame');

/** Starts recording distinct texts of the medad status item and of notification toasts into window.__medad. */
export async function startRecorder(page) {
  await page.evaluate(() => {
    const rec = { status: [], toasts: [] };
    window.__medad = rec;
    const push = (list, t) => t && list[list.length - 1] !== t && list.push(t);
    const look = () => {
      for (const e of document.querySelectorAll('.statusbar-item')) {
        const t = (e.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (t.startsWith('medad:')) push(rec.status, t);
      }
      for (const e of document.querySelectorAll('.notifications-toasts .notification-toast')) push(rec.toasts, (e.textContent ?? '').replace(/\s+/g, ' ').trim());
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    look();
  });
}

export const recorded = (page) => page.evaluate(() => window.__medad ?? { status: [], toasts: [] });

/** The pid of this run's daemon: a node process whose cwd is the workspace and whose command runs the daemon's main. */
export function daemonPids(ws) {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/cwd`) !== ws) continue;
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // the monorepo's daemon (src/main.ts, dist/main.js) or a vsix's bundled one (dist/daemon/main.js)
      if (cmd.some((a) => /daemon[/\\](src|dist)[/\\]main\.(ts|js)$|dist[/\\]daemon[/\\]main\.js$/.test(a))) out.push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Polls `fn` until it returns a truthy value or `ms` pass. */
export async function until(what, ms, fn, every = 200) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
