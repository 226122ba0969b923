// In-process checks of small pieces: the sandbox (symlink escape) and the metrics lens title.
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsTitle } from '../src/features/code-lens.js';
import { Sandbox } from '../src/safety/sandbox.js';
import { tempWorkspace } from './helpers.js';

describe('sandbox', () => {
  it('refuses a symlink that leads outside the roots, accepts files inside (existing or not)', () => {
    const ws = tempWorkspace();
    const outside = tempWorkspace();
    mkdirSync(path.join(ws, 'in'));
    symlinkSync(outside, path.join(ws, 'link'));
    const s = new Sandbox();
    s.setRoots([ws]);
    expect(s.resolve(path.join(ws, 'in', 'new.png'), 'image')).toBe(path.join(ws, 'in', 'new.png'));
    // a workspace link to a data folder is readable (issue 15: symlinked data) but never writable
    expect(s.resolve(path.join(ws, 'link', 'x.png'), 'image')).toBe(path.join(ws, 'link', 'x.png'));
    expect(() => s.resolve(path.join(ws, 'link', 'x.png'), 'out', 'write')).toThrow(/outside the workspace/);
    expect(() => s.resolve(`${ws}-evil/x.png`, 'image')).toThrow(/outside/);
    expect(s.resolve(`file://${ws}/a.yaml`, 'config')).toBe(path.join(ws, 'a.yaml'));
  });
});

describe('metrics lens', () => {
  it('shows up to three metrics and the age of the run', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const title = metricsTitle({ runDir: '/r', state: 'finished', finishedAt: '2026-01-01T11:48:00Z', metrics: { AUROC: 0.8712, AP: 0.844 } }, now);
    expect(title).toBe('AUROC 0.87 · AP 0.84 · 12 min ago');
  });
});
