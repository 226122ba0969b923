// run.json states written by train: unknown detector params are refused before a run folder exists; an error
// anywhere after it exists (a detector that cannot be built included) ends 'failed' with the message, and the
// lock is released; a cancel ends 'cancelled' at its step.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { listRuns, readRunMeta, train } from '../../src/pipeline/index.js';
import { LOCK_FILE } from '../../src/pipeline/run-lock.js';
import { scorePacked } from '../../src/pipeline/scoring.js';
import { AbortError, createDetector } from '../../src/detectors/index.js';
import { TimerAbort } from '../timer-abort.js';

let root: string;
let text: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-states-'));
  const demo = await writeDemoDataset(root, { size: 16, train: 12, testNormal: 2, testLesion: 2, epochs: 1, batchSize: 4, bootstrapSamples: 10 });
  text = await fs.readFile(demo.experimentConfig, 'utf8');
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

describe('run states', () => {
  it('an unknown detector parameter is refused before any run folder exists', async () => {
    const file = path.join(root, 'typo.medad.yaml');
    await fs.writeFile(file, text.replace('name: ae', 'name: ae\n  params:\n    chanels: [8, 8]').replace('dir: runs', 'dir: runs-typo'));
    await expect(train(file, { backend: 'cpu' })).rejects.toThrow(/chanels/);
    expect(await listRuns(path.join(root, 'runs-typo'))).toHaveLength(0);
  });

  it('a detector that fails to build marks the run failed with the message (not running forever), and unlocks it', async () => {
    const file = path.join(root, 'bad.medad.yaml');
    // valid params, but six downsamplings do not fit 16x16 images: createDetector throws after the run folder exists
    await fs.writeFile(file, text.replace('name: ae', 'name: ae\n  params:\n    channels: [8, 8, 8, 8, 8, 8]').replace('dir: runs', 'dir: runs-bad'));
    await expect(train(file, { backend: 'cpu' })).rejects.toThrow(/multiple of 64/);
    const runs = await listRuns(path.join(root, 'runs-bad'));
    expect(runs).toHaveLength(1);
    expect(runs[0].meta).toMatchObject({ state: 'failed', error: expect.stringMatching(/multiple of 64/) });
    await expect(fs.access(path.join(runs[0].dir, LOCK_FILE))).rejects.toThrow();
    expect(await fs.readFile(path.join(runs[0].dir, 'train.log'), 'utf8')).toMatch(/failed: .*multiple of 64/);
  });

  it('a cancel from outside the loop marks the run cancelled at the step reached', async () => {
    const file = path.join(root, 'cancel.medad.yaml');
    await fs.writeFile(
      file,
      text
        .replace('name: ae', 'name: ae\n  params:\n    channels: [8, 8]')
        .replace(/epochs: \d+/, 'epochs: 1000')
        .replace(/checkpointEvery: \d+/, 'checkpointEvery: 1000')
        .replace('dir: runs', 'dir: runs-cancel'),
    );
    const abort = new TimerAbort(2);
    try {
      await expect(train(file, { backend: 'cpu', signal: abort.signal, onProgress: (p) => p.train && (abort.seen = p.train.step) })).rejects.toThrow(/cancelled after step/);
    } finally {
      abort.stop();
    }
    const [run] = await listRuns(path.join(root, 'runs-cancel'));
    const meta = await readRunMeta(run.dir);
    expect(meta).toMatchObject({ state: 'cancelled', stoppedAtStep: abort.atAbort, owner: { pid: process.pid, host: os.hostname() } });
    await expect(fs.access(path.join(run.dir, LOCK_FILE))).rejects.toThrow();
  });

  it('scoring sees a cancel from outside (a timer) at the next batch', async () => {
    const det = createDetector('ae', { channels: [8, 8] }, 16);
    const n = 64;
    const data = new Float32Array(n * 16 * 16).map((_, i) => Math.sin(i));
    const abort = new TimerAbort(4);
    try {
      const err = await scorePacked(det, data, n, { batchSize: 2, signal: abort.signal, onProgress: (d) => (abort.seen = d) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect(abort.seen).toBe(abort.atAbort); // no batch scored after the abort
      expect(abort.seen).toBeLessThan(n);
    } finally {
      abort.stop();
      det.dispose();
    }
  });
});
