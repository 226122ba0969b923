import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalMapName, mergeShards, readShardResult, shardDirOf, writeShardResult } from '../../src/queue/shard-files.js';
import { parseRedisUrl, resolveQueueUrl } from '../../src/queue/connection.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-shards-'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

describe('queue URL', () => {
  it('flag beats MEDAD_QUEUE beats the config; none means in-process', () => {
    expect(resolveQueueUrl({ flag: 'redis://a:1', env: { MEDAD_QUEUE: 'redis://b:2' }, config: 'redis://c:3' })).toBe('redis://a:1');
    expect(resolveQueueUrl({ env: { MEDAD_QUEUE: 'redis://b:2' }, config: 'redis://c:3' })).toBe('redis://b:2');
    expect(resolveQueueUrl({ env: {}, config: 'redis://c:3' })).toBe('redis://c:3');
    expect(resolveQueueUrl({ env: { MEDAD_QUEUE: ' ' } })).toBeUndefined();
  });
  it('parses redis URLs and refuses others clearly', () => {
    expect(parseRedisUrl('redis://:s%40cret@10.0.0.5:6380/2')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, password: 's@cret' });
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(() => parseRedisUrl('http://x')).toThrow(/only redis/);
    expect(() => parseRedisUrl('nope')).toThrow(/not a URL/);
  });
});

describe('sharded scoring files', () => {
  it('renames shard maps to their index in the whole job', () => {
    expect(globalMapName('00003_img_f2.png', 1024)).toBe('01027_img_f2.png');
    expect(globalMapName('00000_a_b.png', 0)).toBe('00000_a_b.png');
    expect(() => globalMapName('x.png', 3)).toThrow(/unexpected/);
  });

  it('a shard result counts only for the same files; the merge moves maps, writes scores.csv and is idempotent', async () => {
    const out = path.join(root, 'out');
    const shards = [
      { files: ['/d/a.png', '/d/b.png'], scores: [0.5, 0.25] },
      { files: ['/d/c.png'], scores: [1e-7] },
    ];
    for (let k = 0; k < shards.length; k++) {
      const dir = shardDirOf(out, k);
      await fs.mkdir(path.join(dir, 'maps'), { recursive: true });
      const scores = shards[k].files.map((f, i) => {
        const mapFile = path.join(dir, 'maps', `${String(i).padStart(5, '0')}_${path.basename(f, '.png')}.png`);
        return { path: f, id: f, score: shards[k].scores[i], mapFile };
      });
      for (const s of scores) await fs.writeFile(s.mapFile, s.path);
      await writeShardResult(dir, shards[k].files, { scores, failures: [], mapRange: [0, 2] });
    }
    expect(await readShardResult(shardDirOf(out, 0), ['/d/a.png'])).toBeUndefined();
    const results = await Promise.all(shards.map((s, k) => readShardResult(shardDirOf(out, k), s.files)));
    expect(results.every(Boolean)).toBe(true);
    // Simulate a merge that stopped after moving the first map.
    await fs.rename(path.join(shardDirOf(out, 0), 'maps', '00000_a.png'), path.join(out, '00000_a.png'));
    const merged = await mergeShards(out, results.map((r) => r!));
    expect((await fs.readdir(out)).sort()).toEqual(['00000_a.png', '00001_b.png', '00002_c.png', 'scores.csv']);
    expect(await fs.readFile(path.join(out, '00002_c.png'), 'utf8')).toBe('/d/c.png');
    expect(await fs.readFile(merged.csv, 'utf8')).toBe('path,id,score,map\n/d/a.png,/d/a.png,0.5,00000_a.png\n/d/b.png,/d/b.png,0.25,00001_b.png\n/d/c.png,/d/c.png,1e-7,00002_c.png\n');
  });

  it('a shard without maps still records its result (its folder did not exist)', async () => {
    const dir = path.join(root, 'nomaps', '.shards', 'shard-00000');
    await writeShardResult(dir, ['/d/a.png'], { scores: [{ path: '/d/a.png', id: '/d/a.png', score: 2 }], failures: [], mapRange: [0, 1] });
    expect((await readShardResult(dir, ['/d/a.png']))?.scores).toEqual([{ path: '/d/a.png', id: '/d/a.png', score: 2 }]);
  });
});
