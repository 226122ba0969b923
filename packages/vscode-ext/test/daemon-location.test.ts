import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateDaemon } from '../src/daemon-location.js';

describe('locateDaemon', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'medad-loc-'));
  const ext = path.join(root, 'packages', 'vscode-ext');
  const monorepo = path.join(root, 'packages', 'daemon', 'dist', 'main.js');
  mkdirSync(path.dirname(monorepo), { recursive: true });
  mkdirSync(path.join(ext, 'dist', 'daemon'), { recursive: true });
  writeFileSync(monorepo, '');

  it('falls back to the monorepo daemon next to the extension', () => {
    expect(locateDaemon(ext, '', undefined)).toBe(monorepo);
  });
  it('prefers a copy packaged into the extension', () => {
    const bundled = path.join(ext, 'dist', 'daemon', 'main.js');
    writeFileSync(bundled, '');
    expect(locateDaemon(ext, '', undefined)).toBe(bundled);
  });
  it('resolves a relative setting against the workspace and names what it tried', () => {
    expect(locateDaemon(ext, 'packages/daemon/dist/main.js', root)).toBe(monorepo);
    expect(() => locateDaemon(ext, 'nope/main.js', root)).toThrow(new RegExp(`tried ${path.join(root, 'nope', 'main.js')}.*medad.daemon.path`));
  });
});
