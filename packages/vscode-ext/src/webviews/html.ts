// The shell every medad webview shares: strict CSP (nonce scripts, no remote anything), the bundled script and
// stylesheet, and the initial state as inert JSON.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  title: string;
  /** Bundled script name under dist/media, e.g. 'heatmap'. */
  script: string;
  body: string;
  init: unknown;
}

/** Roots a webview may load from: the extension's bundled media, the workspace folders and the run directory. */
export function resourceRoots(extensionUri: vscode.Uri, extra: vscode.Uri[] = []): vscode.Uri[] {
  const cfg = vscode.workspace.getConfiguration('medad').get<string>('runDirectory', '');
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri) ?? [];
  const runDir = cfg ? [vscode.Uri.file(cfg.startsWith('/') ? cfg : vscode.Uri.joinPath(folders[0] ?? extensionUri, cfg).fsPath)] : [];
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'media'), ...folders, ...runDir, ...extra];
}

export function webviewOptions(extensionUri: vscode.Uri, extra: vscode.Uri[] = []): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: resourceRoots(extensionUri, extra) };
}

export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', f));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // '<' escaped so a file name cannot close the JSON script element
  const init = JSON.stringify(page.init).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('medad.css')}">
<title>${escapeHtml(page.title)}</title></head>
<body>${page.body}
<script type="application/json" id="init">${init}</script>
<script nonce="${nonce}" src="${media(page.script + '.js')}"></script>
</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
