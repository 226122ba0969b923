// The fuzz suite: random bytes and mutations (bit flips, truncation, splices, header fields) of good PNG, JPEG,
// DICOM and NIfTI files, and mutated dataset / experiment YAML configs, through medad's real entry points. Each
// target runs in its own child process (fuzz-child.ts) under a watchdog: a crash or an input that never finishes
// fails the test with the input kept on disk. Budget: MEDAD_FUZZ_RUNS inputs per target (default 150) or
// MEDAD_FUZZ_SECONDS; MEDAD_FUZZ_SEED (fixed by default); MEDAD_FUZZ_REPORT=<file.json> appends the counts.
// See docs/fuzz.md.
import { fork } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { budget, TARGETS, type ChildResult, type Target } from './targets.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fuzz-child.ts');
const { inputTimeoutMs, runs, seconds } = budget(process.env);
/** Starting a child (tsx, sharp, and tfjs for the experiment target) on a loaded machine. */
const STARTUP_MS = 180_000;

function runTarget(target: Target | 'selftest-hang' | 'selftest-crash', workDir: string, inputMs = inputTimeoutMs + 10_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = fork(child, [target, workDir], {
      execArgv: ['--import', 'tsx', '--conditions=@medad/source'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let last = 0;
    let settled = false;
    let watchdog: NodeJS.Timeout | undefined;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      f();
    };
    // Reset on every input: a synchronous loop in the child stops the messages, and this fires.
    const arm = (ms: number) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        proc.kill('SIGKILL');
        finish(() => reject(new Error(`${target}: hang: input ${last} did not finish within ${ms} ms; it is in ${workDir} (input.*)`)));
      }, ms);
    };
    arm(STARTUP_MS);
    proc.on('message', (m: { t: string; n?: number; result?: ChildResult; message?: string }) => {
      if (m.t === 'input') {
        last = m.n ?? last;
        arm(inputMs);
      } else if (m.t === 'result') finish(() => resolve(m.result!));
      else if (m.t === 'error') finish(() => reject(new Error(`${target}: the fuzz child failed: ${m.message}`)));
    });
    proc.on('exit', (code, signal) =>
      finish(() => reject(new Error(`${target}: crash: the child exited (${signal ?? code}) during input ${last}; it is in ${workDir} (input.*)\n${stderr}`))),
    );
  });
}

describe('fuzz harness', () => {
  it('its watchdog ends a child stuck in a synchronous loop and names the input', async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), 'medad-fuzz-selftest-'));
    await expect(runTarget('selftest-hang', workDir, 2000)).rejects.toThrow(/selftest-hang: hang: input 1 did not finish within 2000 ms/);
    await rm(workDir, { recursive: true, force: true });
  });

  it('reports a child that dies as a crash', async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), 'medad-fuzz-selftest-'));
    await expect(runTarget('selftest-crash', workDir)).rejects.toThrow(/selftest-crash: crash: the child exited \(SIGKILL\) during input 1/);
    await rm(workDir, { recursive: true, force: true });
  });
});

describe('fuzz: bad files and configs get a clear error, never a crash or a hang', () => {
  for (const target of Object.keys(TARGETS) as Target[]) {
    it(`${target}: ${seconds ? `${seconds} s` : `${runs} inputs`}`, async () => {
      const workDir = await mkdtemp(path.join(tmpdir(), `medad-fuzz-${target}-`));
      const r = await runTarget(target, workDir);
      const line = `fuzz ${target}: ${r.runs} inputs in ${(r.ms / 1000).toFixed(1)} s (seed ${r.seed}); ok ${JSON.stringify(r.tally.ok)}; refused ${JSON.stringify(r.tally.refused)}`;
      console.log(line);
      if (process.env.MEDAD_FUZZ_REPORT) await appendFile(process.env.MEDAD_FUZZ_REPORT, JSON.stringify(r) + '\n');
      // The whole failure (counterexample, its file, fast-check's replay path) in the message.
      expect(r.failure, r.failure ? `${target}: ${r.failure.message}\ninput: ${r.failure.counterexample}\nfile: ${r.failure.file}\nreplay: seed ${r.seed}, path ${r.failure.path}` : '').toBeUndefined();
      expect(r.runs).toBeGreaterThan(0);
      // Every run touched the entry points: accepted + refused covers each input at least once.
      const seen = Object.values(r.tally.ok).reduce((a, b) => a + b, 0) + Object.values(r.tally.refused).reduce((a, b) => a + b, 0);
      expect(seen).toBeGreaterThanOrEqual(r.runs);
      await rm(workDir, { recursive: true, force: true });
    }, STARTUP_MS + (seconds ? 2 * seconds * 1000 : runs * inputTimeoutMs));
  }
});
