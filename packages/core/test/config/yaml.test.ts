import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues, parseYamlDocument } from '../../src/config/yaml.js';
import { pathAtPosition, rangeOfPath } from '../../src/config/positions.js';
import { datasetConfigSchema } from '../../src/dataset/schema.js';
import type { ConfigIssue } from '../../src/config/issues.js';

/** Finds the 0-based position of `needle` (the n-th occurrence) in text, independently of the parser. */
function at(text: string, needle: string, nth = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) idx = text.indexOf(needle, idx + 1);
  if (idx < 0) throw new Error(`fixture has no ${needle}`);
  const before = text.slice(0, idx).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const parse = (text: string) => parseYamlDocument(text, datasetConfigSchema, 'd.medad.yaml');
const only = (issues: ConfigIssue[]) => {
  expect(issues).toHaveLength(1);
  return issues[0];
};

const valid = `medad: dataset
version: 1
seed: 3
sources:
  - layout: folder
    root: ../data/busi
validation:
  fraction: 0.1
`;

describe('parseYamlDocument', () => {
  it('accepts a valid config', () => {
    const r = parse(valid);
    expect(r.issues).toEqual([]);
    expect(r.value?.sources[0]).toEqual({ layout: 'folder', root: '../data/busi' });
  });

  it('puts an unknown key on the key itself', () => {
    const text = valid.replace('seed: 3', 'seed: 3\nepochz: 5');
    const i = only(parse(text).issues);
    expect(i.start).toEqual(at(text, 'epochz'));
    expect(i.end).toEqual({ line: i.start.line, character: i.start.character + 'epochz'.length });
    expect(i.message).toContain("'epochz'");
    expect(i.path).toEqual(['epochz']);
  });

  it('puts a wrong type on the value', () => {
    const text = valid.replace('seed: 3', 'seed: three');
    const i = only(parse(text).issues);
    expect(i.start).toEqual(at(text, 'three'));
    expect(i.end.character).toBe(i.start.character + 'three'.length);
    expect(i.path).toEqual(['seed']);
  });

  it('puts a missing required key on the key of the mapping that lacks it', () => {
    const text = valid.replace('    root: ../data/busi\n', '');
    const i = only(parse(text).issues);
    expect(i.message).toMatch(/Missing required key 'root'/);
    // The list item itself has no key; its nearest existing node is the item mapping starting at `layout`.
    expect(i.start.line).toBe(at(text, 'layout').line);
    const top = only(parse(valid.replace('version: 1\n', '')).issues);
    expect(top.message).toMatch(/'version'/);
    expect(top.start).toEqual({ line: 0, character: 0 });
  });

  it('maps errors inside nested lists to the right item', () => {
    const text = `medad: dataset
version: 1
sources:
  - layout: folder
    root: a
  - layout: manifest
    file: m.csv
    colour: red
  - layout: nifti
    root: b
    slices:
      range: [0, lots]
`;
    const issues = parse(text).issues;
    expect(issues).toHaveLength(2);
    expect(issues[0].path).toEqual(['sources', 1, 'colour']);
    expect(issues[0].start).toEqual(at(text, 'colour'));
    expect(issues[1].path).toEqual(['sources', 2, 'slices', 'range', 1]);
    expect(issues[1].start).toEqual(at(text, 'lots'));
  });

  it('names the allowed values of a bad discriminator', () => {
    const text = valid.replace('layout: folder', 'layout: folders');
    const i = only(parse(text).issues);
    expect(i.start).toEqual(at(text, 'folders'));
    expect(i.message).toContain("'manifest'");
  });

  it('reports the closest union branch instead of a bare "Invalid input"', () => {
    const text = valid.replace('fraction: 0.1', 'fraction: 2');
    const i = only(parse(text).issues);
    expect(i.path).toEqual(['validation', 'fraction']);
    const key = at(text, 'fraction');
    expect(i.start).toEqual({ line: key.line, character: key.character + 'fraction: '.length });
    expect(i.message).not.toMatch(/Invalid input$/);
  });

  it('turns YAML syntax errors into positioned issues and returns no value', () => {
    const text = 'medad: dataset\nversion: 1\nsources: [\n  {layout: folder, root: a\n';
    const r = parse(text);
    expect(r.value).toBeUndefined();
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues.every((i) => i.code === 'yaml-syntax' && i.severity === 'error')).toBe(true);
    expect(r.issues[0].start.line).toBeGreaterThanOrEqual(2);
    const dup = parse('medad: dataset\nseed: 1\nseed: 2\n');
    expect(dup.issues[0].start).toEqual({ line: 2, character: 0 });
  });

  it('works with any zod schema', () => {
    const r = parseYamlDocument(
      'a:\n  b: x\n',
      z.strictObject({ a: z.strictObject({ b: z.number() }) }),
      'f.yaml',
    );
    expect(only(r.issues).start).toEqual({ line: 1, character: 5 });
  });
});

describe('formatIssues', () => {
  it('prints 1-based file:line:col', () => {
    const text = valid.replace('seed: 3', 'seed: three');
    expect(formatIssues('d.medad.yaml', parse(text).issues)).toMatch(/^d\.medad\.yaml:3:7: error: seed: /);
  });
});

describe('rangeOfPath and pathAtPosition', () => {
  it('finds values, keys and list items', () => {
    expect(rangeOfPath(valid, ['sources', 0, 'root'])).toEqual({
      start: at(valid, '../data'),
      end: { line: 5, character: 4 + 'root: ../data/busi'.length },
    });
    expect(rangeOfPath(valid, ['validation', 'fraction'], 'key')?.start).toEqual(at(valid, 'fraction'));
    expect(rangeOfPath(valid, ['sources', 3])).toBeUndefined();
    expect(rangeOfPath(valid, ['nope'])).toBeUndefined();
  });

  it('tells keys from values under the cursor', () => {
    const onKey = at(valid, 'root');
    expect(pathAtPosition(valid, { line: onKey.line, character: onKey.character + 1 })).toEqual({
      path: ['sources', 0, 'root'],
      isKey: true,
    });
    const onValue = at(valid, '../data');
    expect(pathAtPosition(valid, { line: onValue.line, character: onValue.character + 2 })).toEqual({
      path: ['sources', 0, 'root'],
      isKey: false,
    });
    expect(pathAtPosition(valid, at(valid, 'fraction'))).toEqual({
      path: ['validation', 'fraction'],
      isKey: true,
    });
  });
});
