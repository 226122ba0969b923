import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileIOHandler, previousDirName, writeFileAtomic, writeJsonAtomic } from '../../src/model/index.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-io-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function tinyConvModel(seed: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return m;
}

async function predict(m: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = m.predict(x) as tf.Tensor;
  const d = (await y.data()) as Float32Array;
  y.dispose();
  return d;
}

describe('writeFileAtomic', () => {
  it('writes and replaces content, leaving no temp files', async () => {
    const f = path.join(root, 'a.json');
    await writeJsonAtomic(f, { a: 1 });
    await writeJsonAtomic(f, { a: 2 });
    expect(JSON.parse(await fs.readFile(f, 'utf8'))).toEqual({ a: 2 });
    expect((await fs.readdir(root)).filter((n) => n.includes('a.json'))).toEqual(['a.json']);
  });

  it('keeps the old content when the write is interrupted before commit', async () => {
    const f = path.join(root, 'b.txt');
    await writeFileAtomic(f, 'old');
    const fail = () => {
      throw new Error('injected crash');
    };
    await expect(writeFileAtomic(f, 'new', { beforeCommit: fail })).rejects.toThrow(/b\.txt.*injected crash/);
    expect(await fs.readFile(f, 'utf8')).toBe('old');
    expect((await fs.readdir(root)).filter((n) => n.includes('b.txt'))).toEqual(['b.txt']);
  });
});

describe('fileIOHandler', () => {
  it('save -> load gives identical predictions', async () => {
    const dir = path.join(root, 'm1');
    const m = tinyConvModel(1);
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 7);
    await m.save(fileIOHandler(dir));
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await tf.loadLayersModel(fileIOHandler(dir));
    expect(Array.from(await predict(loaded, x))).toEqual(Array.from(await predict(m, x)));
    // a different model predicts differently, so the equality above is not vacuous
    expect(Array.from(await predict(tinyConvModel(5), x))).not.toEqual(Array.from(await predict(m, x)));
    x.dispose();
  });

  it('an interrupted save leaves the previous model intact', async () => {
    const dir = path.join(root, 'm2');
    const a = tinyConvModel(2);
    const x = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 3);
    await a.save(fileIOHandler(dir));
    const b = tinyConvModel(9);
    const crash = () => {
      throw new Error('killed mid-save');
    };
    await expect(b.save(fileIOHandler(dir, { beforeCommit: crash }))).rejects.toThrow(/killed mid-save/);
    const loaded = await tf.loadLayersModel(fileIOHandler(dir));
    expect(Array.from(await predict(loaded, x))).toEqual(Array.from(await predict(a, x)));
    expect((await fs.readdir(root)).filter((n) => n.includes('m2'))).toEqual(['m2']);
    x.dispose();
  });

  it('falls back to the previous folder if a crash hit between the two renames', async () => {
    const dir = path.join(root, 'm3');
    const a = tinyConvModel(4);
    await a.save(fileIOHandler(dir));
    await fs.rename(dir, previousDirName(dir)); // the state right after "old -> .previous", before "new -> dir"
    const x = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 5);
    const loaded = await tf.loadLayersModel(fileIOHandler(dir));
    expect(Array.from(await predict(loaded, x))).toEqual(Array.from(await predict(a, x)));
    x.dispose();
  });

  it('names the file when model.json is broken', async () => {
    const dir = path.join(root, 'm4');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'model.json'), '{not json');
    await expect(tf.loadLayersModel(fileIOHandler(dir))).rejects.toThrow(/m4\/model\.json/);
  });
});
