// The status bar item (backend, GPU adapter, running job with progress) and the job queue QuickPick with cancel.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import {
  CancelRequest,
  JobStateNotification,
  QueueCancelRequest,
  QueueStatusRequest,
  ReadyNotification,
  StatusRequest,
  type JobInfo,
  type ReadyParams,
} from '@medad/daemon/protocol';
import type { DaemonClient } from './daemon-client.js';
import { remoteQueueItems, type RemoteItem } from './webview-logic/remote-queue.js';

const ACTIVE = new Set(['queued', 'running']);

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('medad.status', vscode.StatusBarAlignment.Left, 50);
  private ready: ReadyParams | undefined;
  private state: 'starting' | 'up' | 'down' = 'starting';
  readonly jobs = new Map<string, JobInfo>();
  private readonly changed = new vscode.EventEmitter<JobInfo>();
  /** Fires on every job state change (the runs view refreshes when a job finishes). */
  readonly onJob = this.changed.event;

  constructor(private readonly daemon: DaemonClient) {
    this.item.name = 'medad';
    this.item.command = 'medad.showQueue';
    this.render();
    this.item.show();
    daemon.onStarted((c) => this.attach(c));
  }

  private attach(c: LanguageClient): void {
    this.state = 'up';
    c.onNotification(ReadyNotification, (p) => {
      this.ready = p;
      this.render();
    });
    c.onNotification(JobStateNotification, (j) => this.update(j));
    c.onDidChangeState((e) => {
      this.state = e.newState === State.Running ? 'up' : e.newState === State.Stopped ? 'down' : 'starting';
      if (e.newState !== State.Running) this.lost();
      else this.refresh(c);
      this.render();
    });
    this.refresh(c);
    this.render();
  }

  /** The daemon went away (it is restarted on its own): its backend is unknown until the new one reports ready,
   * and its queued/running jobs died with it. */
  private lost(): void {
    this.ready = undefined;
    const now = new Date().toISOString();
    for (const j of [...this.jobs.values()]) {
      if (ACTIVE.has(j.state)) this.update({ ...j, state: 'failed', finishedAt: now, error: 'the daemon stopped' });
    }
  }

  private refresh(c: LanguageClient): void {
    void c.sendRequest(StatusRequest, undefined).then(
      (s) => {
        if (s.backend) this.ready = { backend: s.backend, adapter: s.adapter, capabilities: s.capabilities ?? {} };
        for (const j of s.jobs) this.jobs.set(j.id, j);
        this.render();
      },
      (e: unknown) => this.daemon.log.appendLine(`medad/status failed: ${String(e)}`),
    );
  }

  markDown(): void {
    this.state = 'down';
    this.render();
  }

  private update(j: JobInfo): void {
    this.jobs.set(j.id, j);
    // keep finished jobs for the queue view, but not forever
    const done = [...this.jobs.values()].filter((x) => !ACTIVE.has(x.state));
    for (const old of done.slice(0, Math.max(0, done.length - 20))) this.jobs.delete(old.id);
    this.render();
    this.changed.fire(j);
  }

  private render(): void {
    const running = [...this.jobs.values()].find((j) => j.state === 'running');
    const queued = [...this.jobs.values()].filter((j) => j.state === 'queued').length;
    let text: string;
    if (this.state === 'down') text = '$(error) medad: stopped';
    else if (!this.ready) text = '$(loading~spin) medad: starting';
    // the backend string can carry the whole ladder ("wasm (simd); not used: ..."): its first word goes in the bar
    else text = `$(pulse) medad: ${this.ready.backend.split(/[ ;(]/)[0]}${this.ready.adapter ? ` $(chip) ${this.ready.adapter.slice(0, 24)}` : ''}${this.ready.error ? ' $(warning)' : ''}`;
    if (running) text += ` $(sync~spin) ${running.kind}${running.percentage !== undefined ? ` ${Math.round(running.percentage)}%` : ''}`;
    if (queued) text += ` (+${queued} queued)`;
    this.item.text = text;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**medad daemon**: ${this.state}\n\n`);
    if (this.ready) {
      md.appendMarkdown(`Backend: \`${this.ready.backend}\`\n\n`);
      if (this.ready.adapter) md.appendMarkdown(`GPU adapter: ${this.ready.adapter}\n\n`);
      if (this.ready.error) md.appendMarkdown(`Backend error: ${this.ready.error}\n\n`);
    }
    if (running) md.appendMarkdown(`Running: ${running.kind} ${running.target} ${running.message ?? ''}\n\n`);
    md.appendMarkdown('Click to show the job queue.');
    this.item.tooltip = md;
    this.item.backgroundColor = this.state === 'down' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** QuickPick of queued/running/recent jobs; picking an active one offers to cancel it. */
  async showQueue(): Promise<void> {
    const icon: Record<string, string> = { queued: '$(clock)', running: '$(sync~spin)', succeeded: '$(check)', failed: '$(error)', cancelled: '$(circle-slash)' };
    const jobs = [...this.jobs.values()].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt));
    const items = jobs.map((j) => ({
      label: `${icon[j.state] ?? ''} ${j.kind}: ${vscode.workspace.asRelativePath(j.target)}`,
      description: `${j.state}${j.percentage !== undefined && ACTIVE.has(j.state) ? ` ${Math.round(j.percentage)}%` : ''}`,
      detail: j.error ?? j.message,
      job: j,
    }));
    const restart = { label: '$(debug-restart) Restart the medad daemon', description: '', detail: undefined, job: undefined };
    const log = { label: '$(output) Show the daemon log', description: '', detail: undefined, job: undefined };
    // Jobs and workers of the BullMQ queue, when the daemon has one (MEDAD_QUEUE); an old daemon without the request
    // just shows none.
    const remote: (RemoteItem & { job?: undefined })[] = await this.daemon
      .get()
      .sendRequest(QueueStatusRequest)
      .then(remoteQueueItems, () => []);
    const pick = await vscode.window.showQuickPick([...items, ...remote, restart, log], {
      title: `medad jobs (${jobs.filter((j) => ACTIVE.has(j.state)).length} active)`,
      placeHolder: items.length ? 'Pick a queued or running job to cancel it' : 'No jobs',
    });
    if (!pick) return;
    if (pick === restart) return this.daemon.restart();
    if (pick === log) return this.daemon.log.show();
    if ('remoteJob' in pick && pick.remoteJob) {
      const rj = pick.remoteJob;
      const ok = await vscode.window.showWarningMessage(`Cancel the remote ${rj.kind} job ${rj.label}?`, 'Cancel job');
      if (ok) {
        const r = await this.daemon.get().sendRequest(QueueCancelRequest, { jobId: rj.id });
        if (r.result === 'finished' || r.result === 'unknown') void vscode.window.showInformationMessage('That job had already finished.');
      }
      return;
    }
    if (pick.job && ACTIVE.has(pick.job.state)) {
      const ok = await vscode.window.showWarningMessage(`Cancel ${pick.job.kind} of ${vscode.workspace.asRelativePath(pick.job.target)}?`, 'Cancel job');
      if (ok) {
        const r = await this.daemon.get().sendRequest(CancelRequest, { jobId: pick.job.id });
        if (!r.cancelled) void vscode.window.showInformationMessage('That job had already finished.');
      }
    }
  }

  dispose(): void {
    this.item.dispose();
    this.changed.dispose();
  }
}
