// Diagnostics stay linear in the number of problems: 60k unknown keys took 80 s per edit in the daemon
// (a key scan per look-up, and yaml's uniqueKeys check scanning every earlier key). Now each mapping is indexed
// once, duplicates are found with a set, and only the first MAX_ISSUES problems are located and reported.
import { describe, expect, it } from 'vitest';
import { MAX_ISSUES, parseYamlDocument } from '../../src/config/yaml.js';
import { datasetConfigSchema } from '../../src/dataset/schema.js';

const head = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: data\n';

describe('YAML diagnostics at scale', () => {
  it('60k unknown keys: the first MAX_ISSUES at their lines, one count for the rest, well within a bound', () => {
    const n = 60_000;
    const text = head + Array.from({ length: n }, (_, i) => `k${i}: 1`).join('\n');
    const t0 = Date.now();
    const { issues } = parseYamlDocument(text, datasetConfigSchema, 'd.medad.yaml');
    const ms = Date.now() - t0;
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    expect(issues[0]).toMatchObject({ message: "Unknown key 'k0' in document", start: { line: 5, character: 0 } });
    expect(issues[MAX_ISSUES - 1].start.line).toBe(5 + MAX_ISSUES - 1);
    expect(issues[MAX_ISSUES].message).toBe(`${n - MAX_ISSUES} more problems not shown (only the first ${MAX_ISSUES} are reported)`);
    expect(issues[MAX_ISSUES].code).toBe('too-many-problems');
    // the quadratic version took ~80 s in the daemon; a linear one takes a few seconds on a loaded 2-core machine; quadratic would take minutes
    expect(ms).toBeLessThan(90_000);
  });

  it('60k repeated keys are reported as duplicates at their own positions, capped', () => {
    const text = head + Array.from({ length: 60_000 }, () => 'name: x').join('\n');
    const { issues, value } = parseYamlDocument(text, datasetConfigSchema, 'd.medad.yaml');
    expect(value).toBeUndefined();
    expect(issues).toHaveLength(MAX_ISSUES);
    expect(issues[0]).toMatchObject({ message: 'Map keys must be unique', code: 'yaml-syntax', start: { line: 6, character: 0 }, end: { line: 6, character: 4 } });
  });
});
