// Starts the medad daemon (an LSP server over stdio) and keeps it running: if it dies it is restarted (up to
// MAX_RESTARTS within RESTART_WINDOW_MS), with a notification offering the log.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { Commands, type MedadInitializationOptions } from '@medad/daemon/protocol';
import { locateDaemon } from './daemon-location.js';
import { DawnNoiseFilter } from './log-filter.js';

const MAX_RESTARTS = 5;

/** The `medad.dataRoots` setting as absolute folders (relative entries resolve against the first workspace folder). */
export function dataRoots(cfg: vscode.WorkspaceConfiguration, root: string | undefined): string[] {
  const raw = cfg.get<unknown>('dataRoots', []);
  if (!Array.isArray(raw)) return [];
  return raw.filter((r): r is string => typeof r === 'string' && r.length > 0).map((r) => (path.isAbsolute(r) || !root ? r : path.join(root, r)));
}
const RESTART_WINDOW_MS = 3 * 60_000;

export class DaemonClient implements vscode.Disposable {
  client: LanguageClient | undefined;
  private restarts: number[] = [];
  private readonly listeners: ((c: LanguageClient) => void)[] = [];

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    readonly log: vscode.OutputChannel,
  ) {}

  /** Called with every (re)started client, to re-register notification handlers. */
  onStarted(fn: (c: LanguageClient) => void): void {
    this.listeners.push(fn);
    if (this.client?.isRunning()) fn(this.client);
  }

  async start(): Promise<void> {
    const cfg = vscode.workspace.getConfiguration('medad');
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const module = locateDaemon(this.ctx.extensionPath, cfg.get<string>('daemon.path', ''), root);
    const run = {
      module,
      transport: TransportKind.stdio,
      args: cfg.get<string[]>('daemon.args', []),
      options: {
        execArgv: cfg.get<string[]>('daemon.execArgv', []),
        cwd: root,
        // UV_THREADPOOL_SIZE: one image-decoding thread per CPU (core's io/threadpool.ts); it must be set at spawn.
        env: { UV_THREADPOOL_SIZE: String(Math.max(2, os.availableParallelism())), ...process.env, MEDAD_BACKEND: cfg.get<string>('backend', 'auto'), ...(cfg.get<string>('queue', '') ? { MEDAD_QUEUE: cfg.get<string>('queue', '') } : {}) },
      },
    };
    const serverOptions: ServerOptions = { run, debug: run };
    const runDirectory = cfg.get<string>('runDirectory', '') || undefined;
    const initializationOptions: MedadInitializationOptions & { backend: string } = {
      supportedCommands: Object.values(Commands),
      runDirectory: runDirectory && root && !path.isAbsolute(runDirectory) ? path.join(root, runDirectory) : runDirectory,
      backend: cfg.get<string>('backend', 'auto'),
      // workspace trust: an untrusted workspace gets no training and no reading outside it (daemon sandbox)
      trusted: vscode.workspace.isTrusted,
      dataRoots: dataRoots(cfg, root),
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', pattern: '**/*.medad.{yaml,yml}' }],
      // stderr goes through a filter: Dawn's Vulkan warnings become one line (log-filter.ts)
      outputChannel: filteredChannel(this.log),
      initializationOptions,
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
        closed: (): CloseHandlerResult => this.onClosed(),
      },
    };
    this.log.appendLine(`starting daemon ${module} ${run.args.join(' ')}`);
    this.client = new LanguageClient('medad', 'medad daemon', serverOptions, clientOptions);
    await this.client.start();
    for (const fn of this.listeners) fn(this.client);
  }

  private onClosed(): CloseHandlerResult {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    const show = (msg: string, ...items: string[]) =>
      void vscode.window.showWarningMessage(msg, 'Show log', ...items).then((pick) => {
        if (pick === 'Show log') this.log.show();
        if (pick === 'Restart') void this.restart();
      });
    if (this.restarts.length >= MAX_RESTARTS) {
      show(`The medad daemon stopped ${MAX_RESTARTS} times in 3 minutes; it was not restarted.`, 'Restart');
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.restarts.push(now);
    show('The medad daemon stopped and is being restarted.');
    // the same LanguageClient restarts: its notification handlers stay registered
    return { action: CloseAction.Restart, handled: true };
  }

  async restart(): Promise<void> {
    this.restarts = [];
    await this.client?.stop().catch(() => undefined);
    this.client = undefined;
    await this.start();
  }

  /** The running client, or a clear error when the daemon is not up. */
  get(): LanguageClient {
    if (!this.client || !this.client.isRunning()) throw new Error('the medad daemon is not running (see the "medad" output)');
    return this.client;
  }

  dispose(): void {
    void this.client?.stop();
  }
}

/** The log with Dawn's native Vulkan warnings (daemon stderr) folded into one line; the client's own lines pass. */
function filteredChannel(log: vscode.OutputChannel): vscode.OutputChannel {
  const f = new DawnNoiseFilter();
  const write = (text: string) => {
    const out = f.push(text);
    if (out) log.append(out);
  };
  return {
    name: log.name,
    append: write,
    appendLine: (v: string) => write(`${v}\n`),
    replace: (v: string) => log.replace(v),
    clear: () => log.clear(),
    show: (a?: unknown, b?: boolean) => (typeof a === 'boolean' ? log.show(a) : log.show(a as vscode.ViewColumn | undefined, b)),
    hide: () => log.hide(),
    // the real channel belongs to the extension (it outlives a daemon restart)
    dispose: () => undefined,
  };
}
