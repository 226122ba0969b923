// Bundles the extension host code (dist/extension.cjs, `vscode` external) and the webview scripts
// (dist/media/*.js, browser IIFEs) with esbuild; copies the stylesheet. `node build.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new globalThis.URL(p, import.meta.url));
// the protocol module is bundled from the daemon's TypeScript source: no daemon build needed, no core imported
const alias = { '@medad/daemon/protocol': here('../daemon/src/protocol.ts') };
const common = { bundle: true, sourcemap: true, logLevel: 'info', alias, minify: process.argv.includes('--minify') };

const host = { ...common, entryPoints: [here('src/extension.ts')], outfile: here('dist/extension.cjs'), platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] };
const web = { ...common, entryPoints: ['heatmap', 'gallery', 'run'].map((n) => here(`media/${n}.ts`)), outdir: here('dist/media'), platform: 'browser', format: 'iife', target: 'es2022' };

mkdirSync(here('dist/media'), { recursive: true });
copyFileSync(here('media/medad.css'), here('dist/media/medad.css'));
if (process.argv.includes('--watch')) {
  for (const o of [host, web]) await (await esbuild.context(o)).watch();
} else {
  await Promise.all([esbuild.build(host), esbuild.build(web)]);
}
