// Flat config: typescript-eslint's recommended rules plus the one-way dependency rule between packages.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const banned = (names, why) => ({
  'no-restricted-imports': ['error', { patterns: names.map((group) => ({ group: [group], message: why })) }],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.e2e/**', 'tools/e2e/ext-fixture/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // vscode-ext -> daemon (protocol only) -> core -> metrics; never backwards.
  { files: ['packages/metrics/**/*.ts'], rules: banned(['@medad/core*', '@medad/daemon*', '@medad/vscode-ext*', 'vscode*', '@tensorflow/*', 'node:fs*', 'fs'], 'metrics is pure: no tensors, no I/O, no upper layers') },
  { files: ['packages/core/**/*.ts'], rules: banned(['@medad/daemon*', '@medad/vscode-ext*', 'vscode*'], 'core knows nothing of LSP or VS Code') },
  { files: ['packages/daemon/**/*.ts'], rules: banned(['@medad/vscode-ext*', 'vscode'], 'the daemon is editor-agnostic') },
  { files: ['packages/vscode-ext/src/**/*.ts'], rules: banned(['@medad/core*', '@medad/metrics*', '@tensorflow/*'], 'the extension talks to the daemon only, through @medad/daemon/protocol') },
);
