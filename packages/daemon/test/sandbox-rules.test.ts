// The sandbox's rules, one by one (issue 15 "data roots, safely"; issue 14 sandbox holes), in-process.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetRoots, registerConfigRoots } from '../src/safety/data-roots.js';
import { MAX_PATH_CHARS, Sandbox, realish } from '../src/safety/sandbox.js';

const tmp = (p: string) => mkdtempSync(path.join(tmpdir(), p));

/** ws (workspace with runs/), data (outside, a dataset), secret (outside, never allowed). */
function layout() {
  const ws = tmp('medad-ws-');
  const data = tmp('medad-data-');
  const secret = tmp('medad-secret-');
  mkdirSync(path.join(ws, 'runs', 'r1'), { recursive: true });
  mkdirSync(path.join(data, 'train', 'normal'), { recursive: true });
  writeFileSync(path.join(data, 'train', 'normal', 'a.png'), 'x');
  writeFileSync(path.join(secret, 'key.png'), 'x');
  const s = new Sandbox();
  s.setRoots([ws, path.join(ws, 'runs')], [ws]);
  return { ws, data, secret, s };
}

describe('sandbox rules', () => {
  it('symlinked data: a workspace link to a data folder is readable, not writable', () => {
    const { ws, data, s } = layout();
    symlinkSync(data, path.join(ws, 'busi'));
    const img = path.join(ws, 'busi', 'train', 'normal', 'a.png');
    expect(s.resolve(img, 'image')).toBe(img);
    expect(() => s.resolve(img, 'out', 'write')).toThrow(/writing there is refused/);
  });

  it('symlink escapes stay refused: a link to a file outside, a link inside linked data, a link in a run folder', () => {
    const { ws, data, secret, s } = layout();
    symlinkSync(path.join(secret, 'key.png'), path.join(ws, 'key.png'));
    expect(() => s.resolve(path.join(ws, 'key.png'), 'image')).toThrow(/outside the workspace folders, the run directory and the data roots/);
    symlinkSync(data, path.join(ws, 'busi'));
    symlinkSync(secret, path.join(data, 'evil'));
    expect(() => s.resolve(path.join(ws, 'busi', 'evil', 'key.png'), 'image')).toThrow(/refused/);
    symlinkSync(secret, path.join(ws, 'runs', 'r1', 'model'));
    expect(() => s.resolve(path.join(ws, 'runs', 'r1', 'model', 'key.png'), 'model')).toThrow(/refused/);
    // links to the root, system trees or the home folder never open them up
    symlinkSync('/', path.join(ws, 'root'));
    symlinkSync('/etc', path.join(ws, 'etc'));
    expect(() => s.resolve(path.join(ws, 'root', 'etc', 'passwd'), 'image')).toThrow(/refused/);
    expect(() => s.resolve(path.join(ws, 'etc', 'passwd'), 'image')).toThrow(/refused/);
  });

  it('the medad.dataRoots setting allows reading (read-only) and the refusal says how to allow', () => {
    const { data, secret, s } = layout();
    const img = path.join(data, 'train', 'normal', 'a.png');
    expect(() => s.resolve(img, 'image')).toThrow(/add its folder to the 'medad\.dataRoots' setting/);
    s.configure({ dataRoots: [data] });
    expect(s.resolve(img, 'image')).toBe(img);
    expect(() => s.resolve(img, 'image', 'write')).toThrow(/writing there is refused/);
    expect(() => s.resolve(path.join(secret, 'key.png'), 'image')).toThrow(/refused/);
    s.configure({ dataRoots: ['relative/ignored', 42 as unknown as string] });
    expect(() => s.resolve(img, 'image')).toThrow(/refused/);
  });

  it('an untrusted workspace reads nothing outside it: no data roots, no links, and says why', () => {
    const { ws, data, s } = layout();
    symlinkSync(data, path.join(ws, 'busi'));
    s.configure({ trusted: false, dataRoots: [data] });
    expect(() => s.resolve(path.join(ws, 'busi', 'train', 'normal', 'a.png'), 'image')).toThrow(/not trusted/);
    expect(() => s.resolve(path.join(data, 'train', 'normal', 'a.png'), 'image')).toThrow(/not trusted/);
    expect(s.resolve(path.join(ws, 'x.png'), 'image')).toBe(path.join(ws, 'x.png'));
  });

  it('datasets named by a dataset config inside the workspace are readable; a config outside adds nothing', async () => {
    const { ws, data, secret, s } = layout();
    const cfg = path.join(ws, 'busi.medad.yaml');
    writeFileSync(cfg, `medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ${data}\n`);
    await registerConfigRoots(s, cfg);
    expect(s.resolve(path.join(data, 'train', 'normal', 'a.png'), 'image')).toContain(data);
    const outsideCfg = path.join(secret, 'evil.medad.yaml');
    writeFileSync(outsideCfg, `medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: /etc\n`);
    s.setDatasetRoots(outsideCfg, ['/etc']);
    expect(() => s.resolve('/etc/passwd', 'image')).toThrow(/refused/);
    // a config naming `/`, a system tree or the home folder opens none of them
    const rootCfg = path.join(ws, 'root.medad.yaml');
    writeFileSync(rootCfg, `medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: /\n  - layout: folder\n    root: /etc\n`);
    await registerConfigRoots(s, rootCfg);
    expect(() => s.resolve(path.join(secret, 'key.png'), 'image')).toThrow(/refused/);
    expect(() => s.resolve('/etc/hostname', 'image')).toThrow(/refused/);
    expect(datasetRoots({ sources: [{ layout: 'manifest', file: 'm/list.csv' } as never], validation: { folder: 'val' } as never }, '/w')).toEqual(['/w/m', '/w/val']);
  });

  it('traversal and encoded traversal are refused; odd input is InvalidParams', () => {
    const { ws, s } = layout();
    expect(() => s.resolve(path.join(ws, '..', 'x.png'), 'image')).toThrow(/refused/);
    expect(() => s.resolve(`file://${ws}/%2e%2e/%2E%2E/etc/passwd`, 'image')).toThrow(/refused/);
    expect(() => s.resolve(`file://${ws}/a/%2f..%2f..%2fetc`, 'image')).toThrow(/not a valid file URI/);
    // a literal '%2e%2e' in a plain path is a file name, not a parent: it stays inside
    expect(s.resolve(path.join(ws, '%2e%2e', 'x.png'), 'image')).toBe(path.join(ws, '%2e%2e', 'x.png'));
    expect(() => s.resolve(`${ws}/a\u0000b`, 'image')).toThrow(/NUL byte/);
    expect(() => s.resolve('relative.png', 'image')).toThrow(/must be absolute/);
  });

  it('lists: the same rules per file (missing files through the cached folder, links through their target)', () => {
    const { ws, data, secret, s } = layout();
    symlinkSync(data, path.join(ws, 'busi'));
    symlinkSync(path.join(secret, 'key.png'), path.join(ws, 'key.png'));
    const dirs = new Map<string, string>();
    expect(s.resolveOneOfMany(path.join(ws, 'missing', 'a.png'), 'files[0]', dirs)).toBe(path.join(ws, 'missing', 'a.png'));
    expect(s.resolveOneOfMany(path.join(ws, 'busi', 'train', 'normal', 'a.png'), 'files[1]', dirs)).toContain('busi');
    expect(() => s.resolveOneOfMany(path.join(ws, 'key.png'), 'files[2]', dirs)).toThrow(/files\[2\]: .* refused/);
    expect(() => s.resolveOneOfMany(path.join(secret, 'nope.png'), 'files[3]', dirs)).toThrow(/refused/);
    expect(() => s.resolveOneOfMany(path.join(ws, 'busi', '..', '..', 'x.png'), 'files[4]', dirs)).toThrow(/refused/);
  });

  it('long paths: refused by length at once, and resolving stays linear in the components', () => {
    const { ws, s } = layout();
    expect(() => s.resolve(`${ws}/${'a'.repeat(100_000)}`, 'image')).toThrow(new RegExp(`the limit is ${MAX_PATH_CHARS}`));
    expect(() => s.resolve(ws + '/a'.repeat(20_000), 'image')).toThrow(/the limit is/);
    // 2000 missing components under the limit: a binary search over prefixes (the old walk made 2000 realpath calls
    // of growing paths on the JSON-RPC thread)
    const deep = ws + '/b'.repeat(2000);
    expect(realish(deep)).toBe(realish(ws) + '/b'.repeat(2000));
    expect(s.resolve(deep, 'image')).toBe(deep);
  });
});
