// Runs a long daemon request (train, evaluate, scoring) behind a cancellable progress notification. The client
// passes its own work-done token, so the daemon's progress lands in this notification instead of a second one.
import * as vscode from 'vscode';
import { WorkDoneProgress, type RequestType, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import type { JobParams } from '@medad/daemon/protocol';
import type { DaemonClient } from './daemon-client.js';
import { isCancellation } from './run-state.js';

let tokens = 0;

export async function runJob<P extends JobParams, R>(
  daemon: DaemonClient,
  title: string,
  type: RequestType<P, R, void>,
  params: P,
): Promise<R | undefined> {
  const client = daemon.get();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, cancel) => {
      const token = `medad-ext-${process.pid}-${++tokens}`;
      let last = 0;
      const sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
        if (v.kind === 'end') return;
        const p = v as WorkDoneProgressBegin | WorkDoneProgressReport;
        const pct = p.percentage ?? last;
        progress.report({ message: p.message ? `${p.message}${p.percentage !== undefined ? ` (${Math.round(pct)}%)` : ''}` : undefined, increment: Math.max(0, pct - last) });
        last = Math.max(last, pct);
      });
      try {
        return await client.sendRequest(type, { ...params, workDoneToken: token }, cancel);
      } catch (e) {
        if (isCancellation(e, cancel.isCancellationRequested)) {
          void vscode.window.showInformationMessage(`${title}: cancelled.`);
          return undefined;
        }
        throw e;
      } finally {
        sub.dispose();
      }
    },
  );
}

/** Shows a failed request's message with a way to the log, instead of an unhandled rejection. */
export function reportError(daemon: DaemonClient, what: string, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  daemon.log.appendLine(`${what} failed: ${msg}`);
  void vscode.window.showErrorMessage(`medad: ${what} failed: ${msg}`, 'Show log').then((p) => p && daemon.log.show());
}
