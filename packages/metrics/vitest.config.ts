import { defineConfig } from 'vitest/config';

// '@medad/source' resolves sibling packages to their TypeScript sources, so tests never depend on a stale dist.
export default defineConfig({
  resolve: { conditions: ['@medad/source'] },
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
