// The worker thread a `medad worker` runs its jobs in. Training on wasm or the CPU runs step after step without
// yielding to the event loop's timers, which would starve BullMQ's job-lock renewal on the same thread (the job
// would look stalled and be handed to a second worker). So the compute lives here and the main thread stays free
// for Redis: locks, heartbeats, cancel marks.
import { parentPort, workerData } from 'node:worker_threads';
import { describeBackend, initBackend, type BackendName } from '../compute/index.js';
import type { QueueJob } from './jobs.js';
import { runJob } from './run-job.js';

export type ToThread = { type: 'run'; job: QueueJob; by: string } | { type: 'abort'; reason: string };
export type FromThread =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; progress: unknown }
  | { type: 'runDir'; dir: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; message: string; name: string };

const port = parentPort;
if (port) {
  const post = (m: FromThread) => port.postMessage(m);
  const backend = await initBackend({ prefer: (workerData as { backend?: BackendName | 'auto' } | undefined)?.backend });
  post({ type: 'ready', backend: describeBackend(backend) });
  let controller: AbortController | undefined;
  port.on('message', (m: ToThread) => {
    if (m.type === 'abort') {
      controller?.abort(new Error(m.reason));
      return;
    }
    controller = new AbortController();
    const signal = controller.signal;
    runJob(m.job, {
      signal,
      by: m.by,
      onProgress: (p) => post({ type: 'progress', progress: p }),
      onRunDir: async (dir) => post({ type: 'runDir', dir }),
    }).then(
      (result) => post({ type: 'done', result }),
      (err: Error) => post({ type: 'failed', message: err?.message ?? String(err), name: signal.aborted ? 'AbortError' : (err?.name ?? 'Error') }),
    );
  });
}
