// output.dir under a kernel pseudo-filesystem is refused before any mkdir (mkdir under /proc never returned).
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlDocument } from '../../src/config/yaml.js';
import { checkExperiment } from '../../src/experiment/load.js';
import { experimentConfigSchema } from '../../src/experiment/schema.js';
import { checkOutputRoot, makeOutputRoot } from '../../src/pipeline/output-root.js';
import { createRunFolder } from '../../src/pipeline/run-dir.js';

describe('output root', () => {
  it('refuses /proc, /sys and /dev, also through a symlink, and creates an ordinary folder', async () => {
    for (const bad of ['/proc/self/medad-runs', '/sys/medad', '/dev/shm/../medad'])
      expect(() => checkOutputRoot(bad)).toThrow(/is under \/(proc|sys|dev) \(a kernel pseudo-filesystem\)/);
    const tmp = mkdtempSync(path.join(tmpdir(), 'medad-out-'));
    symlinkSync('/proc/self', path.join(tmp, 'procs'));
    await expect(makeOutputRoot(path.join(tmp, 'procs', 'runs'))).rejects.toThrow(/under \/proc/);
    await expect(createRunFolder('/proc/medad-runs', 'exp')).rejects.toThrow(/under \/proc/);
    const dir = await createRunFolder(path.join(tmp, 'runs'), 'exp');
    expect(dir.startsWith(path.join(tmp, 'runs', 'exp-'))).toBe(true);
  });

  it('is a diagnostic on output.dir of an experiment config', async () => {
    const text = 'medad: experiment\ndataset: data.medad.yaml\ndetector:\n  name: ae\noutput:\n  dir: /proc/self/runs\n';
    const value = parseYamlDocument(text, experimentConfigSchema, 'e.medad.yaml').value;
    expect(value).toBeDefined();
    const issues = await checkExperiment(text, value!, tmpdir());
    const issue = issues.find((i) => i.code === 'output-dir');
    expect(issue).toMatchObject({ path: ['output', 'dir'], start: { line: 5, character: 7 }, message: expect.stringContaining('is under /proc') });
  });
});
