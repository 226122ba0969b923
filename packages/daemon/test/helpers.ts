// Spawns the real daemon from source (tsx, '@medad/source' condition) and talks JSON-RPC over its stdio,
// exactly as an editor would.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node.js';
import type { ProtocolConnection, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node.js';
import { InitializeRequest, InitializedNotification, PublishDiagnosticsNotification } from 'vscode-languageserver-protocol/node.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const daemonMain = path.join(repoRoot, 'packages/daemon/src/main.ts');
export const daemonCommand = ['node', '--import', 'tsx', '--conditions=@medad/source', daemonMain, '--stdio'];

export interface Daemon {
  child: ChildProcessWithoutNullStreams;
  conn: ProtocolConnection;
  stderr: () => string;
  workspace: string;
  /** Resolves with the next diagnostics for `uri` that satisfy `pred`. */
  diagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  notifications: { method: string; params: unknown }[];
  close(): Promise<void>;
}

export function tempWorkspace(): string {
  return mkdtempSync(path.join(tmpdir(), 'medad-daemon-'));
}

export async function startDaemon(opts: { workspace?: string; env?: Record<string, string>; initOptions?: object; capabilities?: object } = {}): Promise<Daemon> {
  const workspace = opts.workspace ?? tempWorkspace();
  const [cmd, ...args] = daemonCommand;
  const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: 'pipe' });
  let err = '';
  let closing: Promise<void> | undefined;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // a write after the daemon exited must not surface as an unhandled stream error
  child.stdin.on('error', () => undefined);
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const notifications: { method: string; params: unknown }[] = [];
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve(p: PublishDiagnosticsParams): void }[] = [];
  for (const method of ['medad/ready', 'medad/jobState', 'window/logMessage'])
    conn.onNotification(method, (params: unknown) => notifications.push({ method, params }));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    notifications.push({ method: PublishDiagnosticsNotification.method, params: p });
    for (const w of [...waiters]) if (w.uri === p.uri && w.pred(p)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(p);
    }
  });
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
    capabilities: { window: { workDoneProgress: true }, ...(opts.capabilities ?? {}) },
    initializationOptions: { diagnosticsDelayMs: 20, noBackend: true, ...(opts.initOptions ?? {}) },
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    child,
    conn,
    workspace,
    notifications,
    stderr: () => err,
    diagnostics: (uri, pred = () => true) => new Promise((resolve) => waiters.push({ uri, pred, resolve })),
    // Idempotent, and safe after the daemon exited on its own (a test that sends shutdown/exit itself): writing to
    // the closed pipe raised ERR_STREAM_DESTROYED, unhandled, and failed the run.
    close() {
      return (closing ??= (async () => {
        const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
        if (child.exitCode === null && child.signalCode === null && child.stdin.writable) {
          try {
            await conn.sendRequest('shutdown');
            await conn.sendNotification('exit');
          } catch {
            child.kill();
          }
        }
        await exited;
        conn.dispose();
      })());
    },
  };
}

export const uriOf = (p: string) => pathToFileURL(p).href;
