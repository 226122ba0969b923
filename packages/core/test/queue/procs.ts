// Test helpers for the distributed tests: a private redis-server on a free loopback port, `medad` child processes
// (the built CLI, as a user runs it) with their output kept in files, and polling with a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/medad.js', import.meta.url));
/** Deterministic, light compute for every child: wasm, one thread. */
export const CHILD_ENV = { ...process.env, MEDAD_BACKEND: 'wasm', MEDAD_WASM_THREADS: '1', MEDAD_QUEUE: '' };

export function redisServerPath(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin'])) {
    const p = path.join(dir, 'redis-server');
    if (existsSync(p)) return p;
  }
  throw new Error('redis-server is not installed: the queue tests start their own Redis. Install it with `bash tools/setup/system-deps.sh` (npm test\'s pretest does) or `apt-get install redis-server`.');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface Child {
  proc: ChildProcess;
  log: string;
  exited: Promise<number | null>;
  text(): Promise<string>;
}

export function startChild(cmd: string, args: string[], logFile: string, opts: { cwd: string; env?: NodeJS.ProcessEnv }): Child {
  const out = createWriteStream(logFile);
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.pipe(out, { end: false });
  proc.stderr?.pipe(out, { end: false });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => setTimeout(() => resolve(code), 50)));
  return { proc, log: logFile, exited, text: () => fs.readFile(logFile, 'utf8').catch(() => '') };
}

/** `medad ...` with stdout alone kept (for --json) and stderr in a log file. */
export function medad(args: string[], logFile: string, cwd: string): { proc: ChildProcess; done: Promise<{ code: number | null; stdout: string }> } {
  const err = createWriteStream(logFile);
  const proc = spawn(process.execPath, [BIN, ...args], { cwd, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr?.pipe(err);
  const done = new Promise<{ code: number | null; stdout: string }>((resolve) => proc.once('exit', (code) => setTimeout(() => resolve({ code, stdout }), 50)));
  return { proc, done };
}

export interface RedisServer {
  url: string;
  port: number;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A private Redis with an append-only file fsynced on every write, so a restart keeps every job. */
export async function startRedis(dir: string): Promise<RedisServer> {
  const bin = redisServerPath();
  const port = await freePort();
  await fs.mkdir(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--protected-mode', 'yes'];
  let child: Child;
  let n = 0;
  const up = async () => {
    child = startChild(bin, args, path.join(dir, `redis-${n++}.log`), { cwd: dir, env: process.env });
    try {
      await until('redis-server to accept connections', async () => (await child.text()).includes('Ready to accept connections'), 20_000);
    } catch (err) {
      child.proc.kill('SIGKILL'); // never leave a server behind when the test cannot use it
      throw err;
    }
  };
  const down = async () => {
    child.proc.kill('SIGTERM');
    await child.exited;
  };
  await up();
  return { url: `redis://127.0.0.1:${port}`, port, restart: async () => (await down(), await up()), stop: down };
}
