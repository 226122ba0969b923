// The run lifecycle against real processes: the built CLI (bin/medad.js) is killed with SIGKILL at several points
// and interrupted with SIGINT, with checkpoints far apart, and the run folder is checked after each.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { loadCheckpoint } from '../../src/detectors/checkpoint.js';
import { listRuns, readRunMeta } from '../../src/pipeline/run-dir.js';
import { LOCK_FILE } from '../../src/pipeline/run-lock.js';

const BIN = fileURLToPath(new URL('../../bin/medad.js', import.meta.url));
const TIMEOUT = 240_000;

let root: string;
let baseYaml: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-kill-'));
  const demo = await writeDemoDataset(root, { size: 16, train: 12, testNormal: 2, testLesion: 2, epochs: 1, batchSize: 4, bootstrapSamples: 10 });
  baseYaml = (await fs.readFile(demo.experimentConfig, 'utf8')).replace('name: ae', 'name: ae\n  params:\n    channels: [8, 8]');
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

/** The experiment with one step per epoch (train.log then logs every step) and the given checkpoint spacing. */
async function writeExperiment(file: string, o: { epochs: number; checkpointEvery: number; outDir: string }): Promise<string> {
  const text = baseYaml
    .replace(/epochs: \d+/, `epochs: ${o.epochs}\n  stepsPerEpoch: 1`)
    .replace(/checkpointEvery: \d+/, `checkpointEvery: ${o.checkpointEvery}`)
    .replace(/dir: runs/, `dir: ${o.outDir}`);
  const p = path.join(root, file);
  await fs.writeFile(p, text);
  return p;
}

interface Proc {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function cli(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args, '--backend', 'cpu'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, proc?: Proc): Promise<T> {
  const deadline = Date.now() + TIMEOUT / 2;
  let ended = false;
  void proc?.exited.then(() => (ended = true));
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (ended) throw new Error(`process ended while waiting for ${what}: ${(await proc!.exited).stderr}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The only run folder under `out`, once it has a run.json. */
async function onlyRun(out: string): Promise<string | undefined> {
  const runs = await listRuns(path.join(root, out));
  return runs.length === 1 ? runs[0].dir : undefined;
}

/** The last step train.log shows for the latest session (after its last start/resume line). */
async function lastLoggedStep(runDir: string): Promise<number> {
  const log = await fs.readFile(path.join(runDir, 'train.log'), 'utf8').catch(() => '');
  const lines = log.split('\n');
  let from = -1;
  lines.forEach((l, i) => {
    if (/ (start|resume): /.test(l)) from = i;
  });
  let step = -1;
  for (const l of lines.slice(from + 1)) {
    const m = / step (\d+)\//.exec(l);
    if (m) step = Number(m[1]);
  }
  return step;
}

const stepAtLeast = (runDir: string, n: number) => async () => ((await lastLoggedStep(runDir)) >= n ? lastLoggedStep(runDir) : undefined);

async function stateOf(runDir: string): Promise<string | undefined> {
  const out = path.dirname(runDir);
  return (await listRuns(out)).find((r) => r.dir === runDir)?.meta?.state;
}

async function tempLeftovers(runDir: string): Promise<string[]> {
  return (await fs.readdir(runDir)).filter((n) => /\.tmp(dir)?-/.test(n));
}

describe('run lifecycle with real processes', () => {
  it(
    'kill -9 before the first checkpoint, between checkpoints and while checkpointing: interrupted, loadable, resumable',
    async () => {
      const out = 'runs-kill';
      // 1. Checkpoints 1000 steps apart, killed a few steps in: nothing to resume from yet, but never 'running'.
      const exp = await writeExperiment('kill.medad.yaml', { epochs: 100_000, checkpointEvery: 1000, outDir: out });
      const a = cli(['train', exp]);
      const runDir = await waitFor('the run folder', () => onlyRun(out), a);
      await waitFor('step 3', stepAtLeast(runDir, 3), a);
      expect((await readRunMeta(runDir)).owner?.pid).toBe(a.child.pid);
      expect(await stateOf(runDir)).toBe('running');
      a.child.kill('SIGKILL');
      expect((await a.exited).signal).toBe('SIGKILL');
      expect((await readRunMeta(runDir)).state).toBe('running'); // what the killed process left...
      expect(await stateOf(runDir)).toBe('interrupted'); // ...and what every reader shows
      expect(await loadCheckpoint(runDir)).toBeNull();

      // 2. Resumed (from scratch), checkpoints every 10 steps, killed between two of them.
      await writeExperiment('kill.medad.yaml', { epochs: 100_000, checkpointEvery: 10, outDir: out });
      const b = cli(['train', exp, '--resume']);
      await waitFor('step 25', stepAtLeast(runDir, 25), b);
      b.child.kill('SIGKILL');
      await b.exited;
      expect(await stateOf(runDir)).toBe('interrupted');
      const ck1 = await loadCheckpoint(runDir);
      expect(ck1).not.toBeNull();
      expect(ck1!.state.step % 10).toBe(0);
      expect(ck1!.state.step).toBeGreaterThanOrEqual(20);
      for (const t of Object.values(ck1!.tensors)) t.dispose();

      // 3. A checkpoint after every step (most of the time goes to writing them), killed mid-run: whatever the
      // moment, the checkpoint still loads.
      await writeExperiment('kill.medad.yaml', { epochs: 100_000, checkpointEvery: 1, outDir: out });
      const c = cli(['train', exp, '--resume']);
      await waitFor('10 more steps', stepAtLeast(runDir, ck1!.state.step + 10), c);
      // Aim the kill at a write: poll for the checkpoint's temp folder (it lives for a millisecond or so).
      const aimUntil = Date.now() + 10_000;
      while (Date.now() < aimUntil && !(await tempLeftovers(runDir)).some((n) => n.startsWith('.checkpoint.tmpdir-'))) await new Promise(setImmediate);
      c.child.kill('SIGKILL');
      await c.exited;
      expect(await stateOf(runDir)).toBe('interrupted');
      const ck2 = await loadCheckpoint(runDir);
      expect(ck2!.state.step).toBeGreaterThanOrEqual(ck1!.state.step + 9);
      for (const t of Object.values(ck2!.tensors)) t.dispose();
      console.info(`kill during per-step checkpointing left ${(await tempLeftovers(runDir)).length} temp entries`);
      // A temp folder a kill leaves mid-write (planted too, in case the kill missed the write).
      await fs.mkdir(path.join(runDir, '.checkpoint.tmpdir-999999-00ff00ff'), { recursive: true });

      // 4. Resumed to the end: continues from the checkpoint, cleans the leftovers, ends 'trained' and unlocked.
      await writeExperiment('kill.medad.yaml', { epochs: ck2!.state.step + 3, checkpointEvery: 1000, outDir: out });
      const d = cli(['train', exp, '--resume', '--json']);
      const done = await d.exited;
      expect(done.code, done.stderr).toBe(0);
      const result = JSON.parse(done.stdout) as { runDir: string; resumedFromStep: number; steps: number };
      expect(result.runDir).toBe(runDir);
      expect(result.resumedFromStep).toBe(ck2!.state.step);
      expect(result.steps).toBe(3);
      expect(await tempLeftovers(runDir)).toEqual([]);
      expect(await stateOf(runDir)).toBe('trained');
      await expect(fs.access(path.join(runDir, LOCK_FILE))).rejects.toThrow();
    },
    TIMEOUT,
  );

  it(
    '--resume refuses a run another live process trains; SIGINT stops it within a few steps, cancelled, with a checkpoint there',
    async () => {
      const out = 'runs-sigint';
      const exp = await writeExperiment('sigint.medad.yaml', { epochs: 100_000, checkpointEvery: 1000, outDir: out });
      const a = cli(['train', exp]);
      const runDir = await waitFor('the run folder', () => onlyRun(out), a);
      await waitFor('step 3', stepAtLeast(runDir, 3), a);

      const b = cli(['train', exp, '--resume']);
      const refused = await b.exited;
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`in use by process ${a.child.pid}`);
      expect(await stateOf(runDir)).toBe('running');

      const seen = await lastLoggedStep(runDir);
      a.child.kill('SIGINT');
      const ended = await a.exited;
      expect(ended.code, ended.stderr).toBe(130);
      const meta = await readRunMeta(runDir);
      expect(meta.state).toBe('cancelled');
      // Checkpoints are 1000 steps apart: before the per-step yield the loop ran on to step 1000.
      expect(meta.stoppedAtStep).toBeGreaterThanOrEqual(seen);
      expect(meta.stoppedAtStep! - seen).toBeLessThanOrEqual(10);
      console.info(`SIGINT seen at logged step ${seen}, stopped at step ${meta.stoppedAtStep}`);
      const ck = await loadCheckpoint(runDir);
      expect(ck!.state.step).toBe(meta.stoppedAtStep);
      for (const t of Object.values(ck!.tensors)) t.dispose();
      await expect(fs.access(path.join(runDir, LOCK_FILE))).rejects.toThrow();
      expect(await stateOf(runDir)).toBe('cancelled');
    },
    TIMEOUT,
  );
});
