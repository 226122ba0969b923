import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentConfigSchema } from '../../src/experiment/schema.js';
import { checkJobPaths } from '../../src/queue/confine.js';

let root: string;
let outside: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-confine-'));
  outside = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-outside-'));
  await fs.mkdir(path.join(root, 'shared'));
  await fs.symlink(outside, path.join(root, 'shared', 'escape'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(outside, { recursive: true, force: true });
});

const config = (outDir: string) => experimentConfigSchema.parse({ medad: 'experiment', dataset: 'd.yaml', detector: { name: 'ae' }, output: { dir: outDir } });

describe('worker path confinement', () => {
  it('accepts jobs inside the roots and refuses .., symlinks out, relative paths and an output.dir outside', async () => {
    const shared = path.join(root, 'shared');
    await checkJobPaths({ kind: 'train', experiment: { config: config('runs'), dir: path.join(shared, 'exp') } }, [shared]);
    await checkJobPaths({ kind: 'score-shard', model: path.join(shared, 'run'), files: [path.join(shared, 'a.png')], shardDir: path.join(shared, 'o', 'new', 'deeper'), maps: true }, [shared]);
    await expect(checkJobPaths({ kind: 'evaluate', target: path.join(shared, '..', 'x') }, [shared])).rejects.toThrow(/outside this worker's folders/);
    await expect(checkJobPaths({ kind: 'evaluate', target: path.join(shared, 'escape', 'run') }, [shared])).rejects.toThrow(/outside/);
    await expect(checkJobPaths({ kind: 'evaluate', target: 'relative/run' }, [shared])).rejects.toThrow(/not absolute/);
    await expect(checkJobPaths({ kind: 'train', experiment: { config: config('../../elsewhere'), dir: path.join(shared, 'exp') } }, [shared])).rejects.toThrow(/outside/);
  });
});
