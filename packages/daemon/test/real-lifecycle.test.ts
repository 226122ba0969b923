// The daemon around a REAL training job (core's AE on 32x32 phantoms) when things end badly: the training worker
// dies mid-run (the job is reported failed, the checkpoint stays, the next job gets a fresh worker), and the
// client shuts the daemon down mid-run (the job stops with a checkpoint, and no process is left).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node.js';
import { writeDemoDataset } from '../../core/src/demo/dataset.js';
import { CancelRequest, HeatmapRequest, ListRunsRequest, MedadErrorCodes, TrainRequest } from '../src/protocol.js';
import type { JobInfo } from '../src/protocol.js';
import { startDaemon, tempWorkspace, uriOf } from './helpers.js';
import type { Daemon } from './helpers.js';

const crashing = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/crashing-real-engine.ts');
let ws: string;
let data: string;

/** The demo experiment shrunk for speed, checkpointing every 2 steps unless told. */
function writeExperiment(name: string, epochs: number, checkpointEvery = 2): string {
  const text = readFileSync(path.join(data, 'experiment.medad.yaml'), 'utf8')
    .replace('name: demo-ae', `name: ${name}`)
    .replace('name: ae', 'name: ae\n  params:\n    channels: [8, 8]')
    .replace(/epochs: \d+/, `epochs: ${epochs}`)
    .replace(/checkpointEvery: \d+/, `checkpointEvery: ${checkpointEvery}`)
    .replace('dataset: dataset.medad.yaml', 'dataset: data/dataset.medad.yaml');
  const file = path.join(ws, `${name}.medad.yaml`);
  writeFileSync(file, text);
  return file;
}

const runsOf = (name: string) => readdirSync(path.join(ws, 'runs')).filter((r) => r.startsWith(name)).map((r) => path.join(ws, 'runs', r));
/** The process or any child of it, as `ps` sees them (ps exits 1 and prints nothing when none match). */
const alive = (pid: number) => spawnSync('ps', ['-o', 'pid=', '-p', String(pid), '--ppid', String(pid)], { encoding: 'utf8' }).stdout.trim().length > 0;

beforeAll(async () => {
  ws = tempWorkspace();
  data = path.join(ws, 'data');
  await writeDemoDataset(data, { size: 32, train: 12, testNormal: 2, testLesion: 2, epochs: 1, batchSize: 4, bootstrapSamples: 0 });
});

describe('a crashed training worker', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startDaemon({ workspace: ws, env: { MEDAD_COMPUTE_ENGINE: crashing } });
  });
  afterAll(async () => d.close());

  it('fails its job, keeps its checkpoint, and the next job runs on a fresh worker', async () => {
    const crash = writeExperiment('crash', 400);
    await expect(d.conn.sendRequest(TrainRequest, { experiment: uriOf(crash) })).rejects.toMatchObject({
      code: MedadErrorCodes.JobFailed,
      message: expect.stringMatching(/trainer worker exited with code 9/),
    });
    const states = d.notifications.filter((n) => n.method === 'medad/jobState').map((n) => n.params as JobInfo).filter((j) => j.target === crash);
    expect(states[states.length - 1]).toMatchObject({ state: 'failed', error: expect.stringMatching(/code 9/) });
    const [run] = runsOf('crash');
    expect(JSON.parse(readFileSync(path.join(run, 'checkpoint', 'checkpoint.json'), 'utf8'))).toBeTruthy();
    // The dead worker's run is not left 'running': its lock was freed, so it reads as interrupted at once.
    expect(existsSync(path.join(run, 'run.lock'))).toBe(false);
    expect((await d.conn.sendRequest(ListRunsRequest, {})).runs.find((r) => r.runDir === run)).toMatchObject({ state: 'interrupted' });

    const ok = await d.conn.sendRequest(TrainRequest, { experiment: uriOf(writeExperiment('after', 1)) });
    expect(existsSync(path.join(ok.runDir, 'model', 'detector.json'))).toBe(true);
    const map = await d.conn.sendRequest(HeatmapRequest, { runDir: ok.runDir, image: path.join(data, 'test/lesion/lesion_0000.png') });
    expect(map).toMatchObject({ width: 32, height: 32, cached: false });
    expect(d.child.exitCode).toBeNull();
  });
});

describe('shutdown during a real training job', () => {
  it('stops the job with its checkpoint and leaves no process behind', async () => {
    const d = await startDaemon({ workspace: ws });
    const long = writeExperiment('long', 400, 1000); // checkpoints far apart: only the stop writes one
    const training = new Promise<void>((resolve) =>
      d.conn.onNotification('medad/jobState', (j: JobInfo) => j.target === long && /^training [1-9]\d*\//.test(j.message ?? '') && resolve()),
    );
    const result = d.conn.sendRequest(TrainRequest, { experiment: uriOf(long) }).then(() => 'finished', (e: { code: number }) => e.code);
    await Promise.race([training, result.then((r) => Promise.reject(new Error(`training ended before the shutdown: ${r}; ${d.stderr().slice(-2000)}`)))]);
    const pid = d.child.pid as number;
    expect(alive(pid)).toBe(true);
    const exited = new Promise<number | null>((r) => d.child.once('exit', (code) => r(code)));
    await d.conn.sendRequest('shutdown');
    await d.conn.sendNotification('exit');
    expect(await exited).toBe(0);
    expect(await Promise.race([result, new Promise((r) => setTimeout(() => r('no answer'), 100))])).not.toBe('finished');
    expect(alive(pid)).toBe(false);
    const [run] = runsOf('long');
    expect(existsSync(path.join(run, 'checkpoint', 'checkpoint.json'))).toBe(true);
    const meta = JSON.parse(readFileSync(path.join(run, 'run.json'), 'utf8')) as { state: string; stoppedAtStep: number };
    expect(meta).toMatchObject({ state: 'cancelled' });
    expect(JSON.parse(readFileSync(path.join(run, 'checkpoint', 'checkpoint.json'), 'utf8'))).toMatchObject({ step: meta.stoppedAtStep });
    d.conn.dispose();
  });
});

describe('medad/cancel and $/cancelRequest during a real training job, checkpoints 1000 steps apart', () => {
  it('reaches the worker between steps: the job is cancelled (not failed), run.json cancelled at that step with its checkpoint, and it resumes; $/cancelRequest the same', async () => {
    const d = await startDaemon({ workspace: ws });
    try {
      const file = writeExperiment('cancelme', 400, 1000);
      const states: JobInfo[] = [];
      // (This handler replaces the helper's notification log for this method.)
      const running = new Promise<JobInfo>((resolve) =>
        d.conn.onNotification('medad/jobState', (j: JobInfo) => {
          if (j.target === file) states.push(j);
          if (j.target === file && /^training [1-9]\d*\//.test(j.message ?? '')) resolve(j);
        }),
      );
      const result = d.conn.sendRequest(TrainRequest, { experiment: uriOf(file) }).then(
        () => ({ code: 0, message: 'finished' }),
        (e: { code: number; message: string }) => e,
      );
      const job = await Promise.race([running, result.then((r) => Promise.reject(new Error(`training ended first: ${r.message}`)))]);
      expect(await d.conn.sendRequest(CancelRequest, { jobId: job.id })).toEqual({ cancelled: true });
      const err = await result;
      expect(err.code).toBe(MedadErrorCodes.Cancelled);
      // core's own AbortError, not the worker-host's 'cancelled (worker stopped)' after terminating the thread.
      expect(err.message).toMatch(/cancelled after step \d+/);
      expect(states[states.length - 1]).toMatchObject({ id: job.id, state: 'cancelled' });
      const [run] = runsOf('cancelme');
      const meta = JSON.parse(readFileSync(path.join(run, 'run.json'), 'utf8')) as { state: string; stoppedAtStep: number };
      expect(meta.state).toBe('cancelled');
      expect(meta.stoppedAtStep).toBeGreaterThanOrEqual(1);
      expect(meta.stoppedAtStep).toBeLessThan(1000);
      const ck = JSON.parse(readFileSync(path.join(run, 'checkpoint', 'checkpoint.json'), 'utf8')) as { step: number };
      expect(ck.step).toBe(meta.stoppedAtStep);
      expect(existsSync(path.join(run, 'run.lock'))).toBe(false);
      const listed = await d.conn.sendRequest(ListRunsRequest, {});
      expect(listed.runs.find((r) => r.runDir === run)).toMatchObject({ state: 'cancelled', coreState: 'cancelled' });

      // Resumed from the editor: the same run folder, continued from the checkpoint to the (now nearer) end.
      writeExperiment('cancelme', Math.ceil(meta.stoppedAtStep / 3) + 1, 1000);
      const resumed = await d.conn.sendRequest(TrainRequest, { experiment: uriOf(file), resume: true });
      expect(resumed.runDir).toBe(run);
      const after = JSON.parse(readFileSync(path.join(run, 'run.json'), 'utf8')) as { state: string; training: { resumedFromStep: number } };
      expect(after).toMatchObject({ state: 'trained', training: { resumedFromStep: meta.stoppedAtStep } });

      // $/cancelRequest (the client cancelling its own request) takes the same road.
      const file2 = writeExperiment('tokcancel', 400, 1000);
      const source = new CancellationTokenSource();
      const started = new Promise<void>((resolve) =>
        d.conn.onNotification('medad/jobState', (j: JobInfo) => j.target === file2 && /^training [1-9]\d*\//.test(j.message ?? '') && resolve()),
      );
      const result2 = d.conn.sendRequest(TrainRequest, { experiment: uriOf(file2) }, source.token).then(
        () => ({ code: 0, message: 'finished' }),
        (e: { code: number; message: string }) => e,
      );
      await Promise.race([started, result2.then((r) => Promise.reject(new Error(`training ended first: ${r.message}`)))]);
      source.cancel();
      expect((await result2).code).toBe(MedadErrorCodes.Cancelled);
      const [run2] = runsOf('tokcancel');
      const readMeta2 = () => JSON.parse(readFileSync(path.join(run2, 'run.json'), 'utf8')) as { state: string; stoppedAtStep: number };
      for (let i = 0; i < 600 && readMeta2().state === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
      const meta2 = readMeta2();
      expect(meta2.state).toBe('cancelled');
      expect(meta2.stoppedAtStep).toBeLessThan(1000);
      expect(JSON.parse(readFileSync(path.join(run2, 'checkpoint', 'checkpoint.json'), 'utf8'))).toMatchObject({ step: meta2.stoppedAtStep });
    } finally {
      await d.close();
    }
  });
});
