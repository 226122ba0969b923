// LSP work-done progress for a job: on the client's token when the request carried one (cancelled through
// $/cancelRequest), else on a server-created token whose cancel button aborts the job.
import type { Connection } from 'vscode-languageserver/node.js';
import { WorkDoneProgress } from 'vscode-languageserver/node.js';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageserver/node.js';

export interface JobProgress {
  report(percentage: number | undefined, message: string): void;
  done(message?: string): void;
  onCancel(cb: () => void): void;
}

export async function startProgress(
  connection: Connection,
  title: string,
  clientToken: string | number | undefined,
  serverProgress: boolean,
): Promise<JobProgress> {
  if (clientToken !== undefined) {
    const send = (v: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) =>
      void connection.sendProgress(WorkDoneProgress.type, clientToken, v);
    send({ kind: 'begin', title, cancellable: false, percentage: 0 });
    return {
      report: (percentage, message) => send({ kind: 'report', message, ...(percentage !== undefined ? { percentage: Math.round(percentage) } : {}) }),
      done: (message) => send({ kind: 'end', ...(message ? { message } : {}) }),
      onCancel: () => undefined,
    };
  }
  if (!serverProgress) return { report: () => undefined, done: () => undefined, onCancel: () => undefined };
  const reporter = await connection.window.createWorkDoneProgress();
  reporter.begin(title, 0, undefined, true);
  return {
    report: (percentage, message) => (percentage !== undefined ? reporter.report(Math.round(percentage), message) : reporter.report(message)),
    done: () => reporter.done(),
    onCancel: (cb) => void reporter.token.onCancellationRequested(cb),
  };
}
