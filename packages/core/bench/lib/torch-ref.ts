// Runs the PyTorch yardstick (../shared/bench/torch_ae.py) in a child process and parses its one JSON line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface TorchResult {
  impl: string;
  threads: number;
  batch: number;
  train_ms_per_step: number;
  infer_images_per_s: number;
}

export type TorchOutcome = { ok: true; result: TorchResult; wallMs: number } | { ok: false; reason: string };

export function runTorch(python: string, script: string, steps: number, batch: number, threads: number, timeoutMs = 180_000): Promise<TorchOutcome> {
  if (!existsSync(script)) return Promise.resolve({ ok: false, reason: `${script} not found` });
  if (!existsSync(python)) return Promise.resolve({ ok: false, reason: `${python} not found` });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(python, [script, 'cpu', String(steps), String(batch), String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return resolve({ ok: false, reason: `exit ${code ?? signal}: ${err.trim().split('\n').pop() ?? ''}` });
      try {
        resolve({ ok: true, result: JSON.parse(line) as TorchResult, wallMs: performance.now() - t0 });
      } catch {
        resolve({ ok: false, reason: `unparsable output: ${line.slice(0, 200)}` });
      }
    });
  });
}
