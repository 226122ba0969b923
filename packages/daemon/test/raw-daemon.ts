// A daemon spoken to in raw bytes over stdio, for framing and fuzz tests: garbage is written straight to its
// stdin; replies are parsed with a plain reader (the daemon's own output is always well framed).
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader } from 'vscode-languageserver-protocol/node.js';
import type { Message } from 'vscode-languageserver-protocol/node.js';
import { daemonCommand, repoRoot, tempWorkspace } from './helpers.js';

export const frame = (body: string | Buffer) => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]);
};
export const request = (id: number, method: string, params: unknown = {}) => frame(JSON.stringify({ jsonrpc: '2.0', id, method, params }));

/** Spawns the daemon from source and initialises it (no backend). */
export async function rawDaemon() {
  const [cmd, ...args] = daemonCommand;
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'pipe' });
  child.stdin.on('error', () => undefined);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-100_000)));
  const replies: Record<string, unknown>[] = [];
  const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve(m: Record<string, unknown>): void }[] = [];
  new StreamMessageReader(child.stdout).listen((m: Message) => {
    const r = m as unknown as Record<string, unknown>;
    replies.push(r);
    for (const w of [...waiters])
      if (w.pred(r)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
  });
  const next = (pred: (m: Record<string, unknown>) => boolean, ms = 10_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const hit = replies.find(pred);
      if (hit) return resolve(hit);
      const t = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms);
      waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  const ws = tempWorkspace();
  child.stdin.write(request(0, 'initialize', { processId: null, rootUri: pathToFileURL(ws).href, capabilities: {}, initializationOptions: { noBackend: true } }));
  await next((m) => m.id === 0, 60_000);
  child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} })));
  let id = 1000;
  return {
    child,
    workspace: ws,
    stderr: () => stderr,
    replies,
    next,
    write: (b: Buffer | string) => child.stdin.write(b),
    /** A medad/status request; resolves with its reply. */
    async ping(ms = 10_000) {
      const my = id++;
      child.stdin.write(request(my, 'medad/status'));
      return next((m) => m.id === my, ms);
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin.write(request(id++, 'shutdown'));
      child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'exit' })));
      await exited;
    },
  };
}

