// Wires the LSP connection: capability negotiation (answered at once; the backend starts afterwards and
// `medad/ready` says when), documents with incremental sync, diagnostics, hover, completion, code lenses and
// the medad/* requests.
//
// Which documents are medad's: `*.medad.yaml` / `*.medad.yml`, or any YAML whose top level has a `medad:`
// marker (`medad: dataset`, `medad: experiment`). The client's selector should send both kinds of YAML;
// the daemon ignores other YAML files, so a broad selector costs nothing.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, InitializeParams, InitializeResult } from 'vscode-languageserver/node.js';
import { CodeActionKind, CodeLensRefreshRequest, TextDocumentSyncKind, TextDocuments } from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { configKindOf } from './engine/core-adapter.js';
import type { EditorEngine } from './engine/types.js';
import { codeActions } from './features/code-actions.js';
import { codeLenses } from './features/code-lens.js';
import { complete } from './features/completion.js';
import { DiagnosticsScheduler } from './features/diagnostics.js';
import { hover } from './features/hover.js';
import { JobQueue } from './jobs/queue.js';
import { onJobProgress, registerRequests } from './requests.js';
import { registerQueueRequests } from './queue-requests.js';
import { JobStateNotification, ReadyNotification } from './protocol.js';
import type { MedadInitializationOptions, ReadyParams, StatusResult } from './protocol.js';
import { registerConfigRoots } from './safety/data-roots.js';
import { Sandbox, specialFsRoot } from './safety/sandbox.js';
import { filePathOf } from './features/diagnostics.js';
import type { MedadSettings } from './protocol.js';

/** How long shutdown waits for a running job to checkpoint and end before terminating its worker. */
const STOP_GRACE_MS = 5000;

export function isMedadDocument(doc: TextDocument): boolean {
  return /\.medad\.ya?ml$/i.test(doc.uri) || (/\.ya?ml$/i.test(doc.uri) && configKindOf(doc.getText()) !== undefined);
}

export interface ServerHandle {
  /** Stops jobs and timers (checkpoints stay on disk). */
  stop(): Promise<void>;
}

export function startServer(connection: Connection, engine: EditorEngine): ServerHandle {
  const documents = new TextDocuments(TextDocument);
  const sandbox = new Sandbox();
  let options: MedadInitializationOptions = {};
  let supported = new Set<string>();
  let serverProgress = false;
  let runRoot: string | undefined;
  let ready: ReadyParams | undefined;
  let lensRefresh = false;
  // Lenses show the latest run's metrics and whether the config is valid: ask the editor to re-request them when
  // a job ends and when a document's checks have run. VS Code asks once when a file opens; a request that came
  // back empty or was lost (a busy daemon) would otherwise leave the file without lenses until it is edited.
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshLenses = () => {
    if (!lensRefresh || refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, 200);
    refreshTimer.unref();
  };

  const queue = new JobQueue({
    onState: (job) => {
      void connection.sendNotification(JobStateNotification, job);
      if ((job.kind === 'train' || job.kind === 'evaluate') && job.state !== 'queued' && job.state !== 'running') refreshLenses();
      if (job.state === 'running' && job.message !== undefined) onJobProgress.get(job.id)?.(job.percentage, job.message);
    },
    // A training worker that died left its run locked by this (live) process: free it, so the run reads as
    // interrupted now and can be resumed (the trainer lane runs one job at a time, so nothing else holds one).
    onWorkerLost: async (kind, params) => {
      const { runRoot, resume } = (params ?? {}) as { runRoot?: string; resume?: unknown };
      if (kind !== 'train' || !runRoot) return;
      const roots = new Set([runRoot, ...(typeof resume === 'string' ? [path.dirname(resume)] : [])]);
      for (const root of roots) for (const dir of await engine.releaseOwnRunLocks(root)) console.error(`medad: released the lock of ${dir} (its training worker died)`);
    },
  });
  const diagnostics = new DiagnosticsScheduler(connection, engine, () => options.diagnosticsDelayMs ?? 150, () => refreshLenses());

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    options = (params.initializationOptions ?? {}) as MedadInitializationOptions;
    const experimental = (params.capabilities.experimental ?? {}) as { medad?: { supportedCommands?: string[] } };
    supported = new Set([...(options.supportedCommands ?? []), ...(experimental.medad?.supportedCommands ?? [])]);
    serverProgress = params.capabilities.window?.workDoneProgress === true;
    lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    const folders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
    if (folders.length === 0 && params.rootUri) folders.push(fileURLToPath(params.rootUri));
    runRoot = options.runDirectory ? path.resolve(options.runDirectory) : folders[0] ? path.join(folders[0], 'runs') : undefined;
    // a run directory under /proc, /sys or /dev would hang or fail in mkdir: refused up front (no runs, a log line)
    const special = runRoot ? specialFsRoot(runRoot) : undefined;
    if (special) {
      connection.console.error(`runDirectory ${runRoot} is under ${special}; refused, no run directory`);
      runRoot = undefined;
    }
    sandbox.setRoots([...folders, ...(runRoot ? [runRoot] : [])], folders);
    sandbox.configure({ trusted: options.trusted !== false, dataRoots: Array.isArray(options.dataRoots) ? options.dataRoots : [] });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', ' ', '/'] },
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: false } },
      },
      serverInfo: { name: 'medad-daemon', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    // Heavy start-up after the handshake: the editor is usable while the backend loads.
    if (options.noBackend) return;
    void engine
      .initBackend()
      .catch((err: unknown): ReadyParams => ({ backend: 'none', capabilities: {}, error: (err as Error).message }))
      .then((r) => {
        ready = r;
        void connection.sendNotification(ReadyNotification, r);
      });
  });

  // data roots named by dataset configs the user opens (inside the workspace only, see Sandbox.setDatasetRoots)
  // (as saved on disk: unsaved text being typed, `root: ../`, must not widen the sandbox keystroke by keystroke)
  const noteRoots = (doc: TextDocument) => doc.uri.startsWith('file:') && void registerConfigRoots(sandbox, filePathOf(doc.uri));
  documents.onDidOpen((e) => isMedadDocument(e.document) && (noteRoots(e.document), diagnostics.schedule(e.document)));
  documents.onDidSave((e) => isMedadDocument(e.document) && noteRoots(e.document));
  connection.onDidChangeConfiguration((p) => {
    const roots = (p.settings as MedadSettings | undefined)?.medad?.dataRoots;
    if (Array.isArray(roots)) sandbox.configure({ dataRoots: roots });
  });
  documents.onDidChangeContent((e) => isMedadDocument(e.document) && diagnostics.schedule(e.document));
  documents.onDidClose((e) => diagnostics.forget(e.document.uri));

  const withSignal = <T>(token: { onCancellationRequested(cb: () => void): unknown }, fn: (s: AbortSignal) => Promise<T>) => {
    const ctl = new AbortController();
    token.onCancellationRequested(() => ctl.abort());
    return fn(ctl.signal);
  };
  const guard = async <T>(what: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      connection.console.error(`${what} failed: ${(err as Error).stack ?? String(err)}`);
      return fallback;
    }
  };

  // hover summarises the folders a config names (counts, sizes); an untrusted workspace: only its own folders
  connection.onHover((p, token) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isMedadDocument(doc)) return null;
    return guard('hover', () => withSignal(token, (s) => hover(engine, doc, p, s, (abs) => sandbox.trusted || sandbox.contains(abs))), null);
  });
  connection.onCompletion((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isMedadDocument(doc)) return [];
    return guard('completion', () => complete(engine, doc, p, (abs) => sandbox.contains(abs)), []);
  });
  connection.onCodeAction((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isMedadDocument(doc)) return [];
    return guard('code action', async () => codeActions(engine, doc, p), []);
  });
  connection.onCodeLens((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isMedadDocument(doc)) return [];
    return guard('code lens', () => codeLenses(engine, doc, supported, runRoot), []);
  });

  const status = (): StatusResult => ({
    ready: ready !== undefined && !ready.error,
    backend: ready?.backend,
    adapter: ready?.adapter,
    capabilities: ready?.capabilities,
    jobs: queue.list(),
    workspaceFolders: [...sandbox.allowed],
    runDirectory: runRoot,
  });
  registerRequests({ connection, engine, queue, sandbox, serverProgress: () => serverProgress, runRoot: () => runRoot, status });
  registerQueueRequests(connection);

  documents.listen(connection);
  let stopping: Promise<void> | undefined;
  return {
    stop: () => (stopping ??= (async () => {
      diagnostics.dispose();
      // Give a running training a few seconds to stop at a step boundary with a checkpoint and its run marked
      // cancelled; then the workers are terminated, so no thread outlives the process's exit.
      await Promise.all([queue.stop(STOP_GRACE_MS), engine.dispose()]);
    })()),
  };
}
