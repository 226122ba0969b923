// Finding the daemon's main module (kept free of `vscode` so it is unit-tested).
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where the daemon's main module is, in order: the `medad.daemon.path` setting (relative paths resolve against the
 * first workspace folder); a copy packaged into the extension (`dist/daemon/main.js`); the monorepo's
 * `packages/daemon/dist/main.js` next to this extension.
 */
export function locateDaemon(extensionPath: string, configured: string, workspaceRoot: string | undefined): string {
  const tried: string[] = [];
  const candidates = configured
    ? [path.isAbsolute(configured) ? configured : path.resolve(workspaceRoot ?? extensionPath, configured)]
    : [path.join(extensionPath, 'dist', 'daemon', 'main.js'), path.join(extensionPath, '..', 'daemon', 'dist', 'main.js')];
  for (const c of candidates) {
    if (fs.existsSync(c)) return c;
    tried.push(c);
  }
  throw new Error(`medad daemon not found (tried ${tried.join(', ')}); set "medad.daemon.path" to the daemon's main.js`);
}
