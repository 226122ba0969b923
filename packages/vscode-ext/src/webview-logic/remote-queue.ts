// The remote part of the job queue QuickPick (pure, so it is tested without VS Code): BullMQ jobs and `medad worker`s
// from medad/queueStatus. A running or waiting remote job can be picked to cancel it.
import type { QueueStatusResult, RemoteJobInfo } from '@medad/daemon/protocol';

export interface RemoteItem {
  label: string;
  description: string;
  detail?: string;
  /** Set for a job that can still be cancelled. */
  remoteJob?: RemoteJobInfo;
}

const CANCELLABLE = new Set(['active', 'waiting', 'delayed', 'prioritized']);

export function remoteQueueItems(s: QueueStatusResult): RemoteItem[] {
  if (!s.configured) return [];
  if (s.error) return [{ label: '$(warning) Job queue unreachable', description: s.url ?? '', detail: s.error }];
  const jobs: RemoteItem[] = s.jobs.map((j) => {
    const worker = s.workers.find((w) => w.jobs.some((x) => x.id === j.id));
    return {
      label: `${j.state === 'active' ? '$(sync~spin)' : '$(clock)'} remote ${j.kind}: ${j.label}`,
      description: `${j.state}${j.percentage !== undefined ? ` ${j.percentage}%` : ''}`,
      detail: [j.message, worker ? `on ${worker.host} (${worker.backend})` : undefined].filter(Boolean).join(' · ') || undefined,
      ...(CANCELLABLE.has(j.state) ? { remoteJob: j } : {}),
    };
  });
  const workers: RemoteItem[] = s.workers.map((w) => ({
    label: `$(server) worker ${w.host}:${w.pid}`,
    description: `${w.backend}, ${w.jobs.length}/${w.concurrency} busy`,
    detail: w.jobs.length ? w.jobs.map((j) => j.label).join('; ') : 'idle',
  }));
  return [...jobs, ...workers];
}
