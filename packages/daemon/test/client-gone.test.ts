// When its client goes away without shutdown/exit (the editor or a test runner killed), the daemon exits: stdin's
// end is the sign, since the resilient reader reads stdin itself. Before, a daemon whose client died kept running,
// and once its stderr broke it spun on reporting the EPIPE through stderr.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { daemonCommand, repoRoot } from './helpers.js';

const exited = (child: ReturnType<typeof spawn>, ms: number) =>
  new Promise<number | null | 'running'>((resolve) => {
    const t = setTimeout(() => resolve('running'), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });

describe('client gone', () => {
  it('exits (code 1: no shutdown was asked) when stdin ends', async () => {
    const [cmd, ...args] = daemonCommand;
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    // a first request proves it is up and reading
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: { noBackend: true } } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdin.end();
    const code = await exited(child, 30_000);
    if (code === 'running') child.kill('SIGKILL');
    expect(code).toBe(1);
  });

  it('exits when both its output pipes are gone', async () => {
    const [cmd, ...args] = daemonCommand;
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: { noBackend: true } } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    child.stderr.destroy();
    child.stdin.destroy();
    const code = await exited(child, 30_000);
    if (code === 'running') child.kill('SIGKILL');
    expect(code).not.toBe('running');
  });
});
