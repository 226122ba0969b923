// Packs a self-contained .vsix (`npm run package -w medad-vscode`): the extension (build.mjs --minify) plus a
// runnable daemon under dist/daemon/: esbuild bundles of the daemon's main and worker entry points with core,
// tfjs, the LSP libraries and the image decoders inlined (core resolved from its TypeScript source, so no
// `tsc -b` is needed), tfjs-backend-wasm's .wasm binaries beside them (MEDAD_WASM_DIR), and sharp, whose native
// addon cannot be bundled, copied with its runtime packages into dist/daemon/node_modules. The vsix is for the
// platform it is packed on (sharp's prebuilt @img/sharp-<os>-<arch>), hence `--target` from this machine.
// Output: packages/vscode-ext/medad-vscode-<version>.vsix (staged in .package/, removed afterwards).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const nm = (p) => path.join(repo, 'node_modules', p);
const stage = path.join(here, '.package');
const daemonOut = path.join(stage, 'dist', 'daemon');

// 1. the extension itself
execFileSync(process.execPath, [path.join(here, 'build.mjs'), '--minify'], { stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
mkdirSync(daemonOut, { recursive: true });
cpSync(path.join(here, 'dist'), path.join(stage, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') && !f.includes(`${path.sep}daemon`) });

// 2. the daemon: ESM bundles; CommonJS dependencies inside need require/__dirname, which ESM lacks
const src = path.join(repo, 'packages/daemon/src');
const LSP = ['vscode-languageserver', 'vscode-languageserver-protocol', 'vscode-jsonrpc', 'vscode-languageserver-types', 'vscode-languageserver-textdocument'];
const banner = [
  "import { createRequire as __medadRequire } from 'node:module';",
  "import { fileURLToPath as __medadPath } from 'node:url';",
  'const require = __medadRequire(import.meta.url);',
  'const __filename = __medadPath(import.meta.url);',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
  // tfjs-backend-wasm looks for its binaries beside its own module, which the bundle no longer has
  'process.env.MEDAD_WASM_DIR ??= __dirname;',
].join('\n');
await esbuild.build({
  entryPoints: { main: path.join(src, 'main.ts'), 'worker-main': path.join(src, 'jobs/worker-main.ts'), 'check-worker': path.join(src, 'jobs/check-worker.ts') },
  outdir: daemonOut,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['@medad/source'],
  // sharp: native addon (shipped below); webgpu (Dawn) and tfjs-node: optional native backends, found at run time
  // when installed next to the daemon, else the backend ladder skips them. The LSP libraries are CommonJS that the
  // daemon imports dynamically: bundled, their named exports get lost in esbuild's interop, so Node loads them
  external: ['sharp', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', ...LSP],
  // ESM builds first (tfjs ships both): dynamic imports of them then keep their named exports
  mainFields: ['module', 'main'],
  banner: { js: banner },
  // chunks beside the entries: the worker host (in some chunk) starts `./worker-main.js` relative to itself
  chunkNames: 'chunk-[name]-[hash]',
  logLevel: 'warning',
  minify: true,
  legalComments: 'linked',
});
writeFileSync(path.join(daemonOut, 'package.json'), JSON.stringify({ type: 'module', private: true }, null, 2));
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'])
  cpSync(nm(`@tensorflow/tfjs-backend-wasm/dist/${f}`), path.join(daemonOut, f));

// 3. sharp and what it loads at run time (its JS, its deps, this platform's addon and libvips), and the LSP libraries
const platform = `${process.platform}-${process.arch}`;
// The DICOM codecs (core/src/io/dicom-codecs.ts) are required by name at run time, each with its .wasm beside it.
const DICOM_CODECS = ['@cornerstonejs/codec-libjpeg-turbo-8bit', '@cornerstonejs/codec-charls', '@cornerstonejs/codec-openjpeg', '@cornerstonejs/codec-openjph', 'jpeg-lossless-decoder-js'];
const runtime = ['sharp', '@img/colour', 'detect-libc', 'semver', `@img/sharp-${platform}`, `@img/sharp-libvips-${platform}`, ...LSP, ...DICOM_CODECS];
for (const p of runtime) {
  if (!existsSync(nm(p))) throw new Error(`package-vsix: ${nm(p)} is missing (sharp's runtime for ${platform})`);
  cpSync(nm(p), path.join(daemonOut, 'node_modules', p), { recursive: true, dereference: true });
}

// 4. the manifest without the workspace's dependency lists (everything is bundled or copied above), and pack
const manifest = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
delete manifest.dependencies;
delete manifest.devDependencies;
delete manifest.scripts;
delete manifest.private;
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
cpSync(path.join(here, 'README.md'), path.join(stage, 'README.md'));
// vsce's default ignores skip nothing we ship; say so explicitly for node_modules under dist/daemon
writeFileSync(path.join(stage, '.vscodeignore'), '**/*.map\n');
const target = { 'linux-x64': 'linux-x64', 'linux-arm64': 'linux-arm64', 'darwin-x64': 'darwin-x64', 'darwin-arm64': 'darwin-arm64', 'win32-x64': 'win32-x64' }[platform];
const out = path.join(here, `${manifest.name}-${manifest.version}.vsix`);
const vsce = path.join(repo, 'node_modules/@vscode/vsce/vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', ...(target ? ['--target', target] : []), '--out', out], { cwd: stage, stdio: 'inherit' });
if (!process.argv.includes('--keep-stage')) rmSync(stage, { recursive: true, force: true });
console.log(`package-vsix: ${out}`);
