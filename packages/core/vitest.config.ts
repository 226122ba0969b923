import { defineConfig } from 'vitest/config';

// '@medad/source' resolves sibling packages to their TypeScript sources, so tests never depend on a stale dist.
const conditions = ['@medad/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
