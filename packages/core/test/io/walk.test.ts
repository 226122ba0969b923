// Symlinked images and folders are part of a dataset (folders of links into a shared store are common), while
// loops (a -> a), cycles (sub -> ..), dangling links and FIFOs end the walk cleanly instead of hanging or throwing.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDataset } from '../../src/dataset/resolve.js';
import { listImageFiles } from '../../src/io/list.js';
import { writePng, structuredPixels } from '../dataset/fixtures.js';

let dir: string;
const at = (...p: string[]) => path.join(dir, ...p);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'medad-walk-'));
  // A store outside the dataset, linked in file by file and folder by folder.
  await writePng(at('store/s1.png'), structuredPixels(1));
  await writePng(at('store/s2.png'), structuredPixels(2));
  await writePng(at('store/lesions/l1.png'), structuredPixels(3));
  await writePng(at('ds/train/normal/real.png'), structuredPixels(4));
  await symlink(at('store/s1.png'), at('ds/train/normal/linked-file.png'));
  await symlink('../../../store/s2.png', at('ds/train/normal/relative-link.png'));
  await mkdir(at('ds/test/normal'), { recursive: true });
  await writePng(at('ds/test/normal/t.png'), structuredPixels(5));
  await symlink(at('store/lesions'), at('ds/test/lesion')); // a whole class folder is a link
  // Traps: a cycle back to the root, a self-loop, a dangling link, a FIFO named like an image.
  await symlink('..', at('ds/train/normal/up'));
  await symlink('self.png', at('ds/train/normal/self.png'));
  await symlink(at('store/gone.png'), at('ds/train/normal/dangling.png'));
  execFileSync('mkfifo', [at('ds/train/normal/fifo.png')]);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('walking image folders through symlinks', () => {
  it('listImageFiles lists linked files and linked folders once, skipping loops, dangling links and FIFOs', async () => {
    const files = (await listImageFiles(at('ds'), { recursive: true })).map((f) => path.relative(at('ds'), f));
    expect(files).toEqual(['test/lesion/l1.png', 'test/normal/t.png', 'train/normal/linked-file.png', 'train/normal/real.png', 'train/normal/relative-link.png']);
  });

  it('a folder dataset takes linked images and a linked class folder', async () => {
    const r = await resolveDataset({ medad: 'dataset', version: 1, sources: [{ layout: 'folder', root: 'ds' }] }, dir);
    expect(r.train.map((it) => path.basename(it.path))).toEqual(['linked-file.png', 'real.png', 'relative-link.png']);
    expect(r.test.map((it) => `${it.className}/${path.basename(it.path)}:${it.label}`)).toEqual(['lesion/l1.png:1', 'normal/t.png:0']);
  });
});
