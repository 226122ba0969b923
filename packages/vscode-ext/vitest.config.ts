import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The extension host code needs `vscode`, which only exists inside VS Code: unit tests cover the pure modules.
export default defineConfig({
  resolve: { alias: { '@medad/daemon/protocol': fileURLToPath(new URL('../daemon/src/protocol.ts', import.meta.url)) } },
  test: { include: ['test/**/*.test.ts'] },
});
