// Messages between the daemon's main thread and its compute workers.
import type { JobKind } from '../protocol.js';

/** Job kinds of the compute workers, plus the editor's leakage check (check-worker.ts). */
export type WorkerJobKind = JobKind | 'leakage' | 'audit';

export type ToWorker = { type: 'run'; jobId: string; kind: WorkerJobKind; params: unknown } | { type: 'abort'; jobId: string };

export type FromWorker =
  | { type: 'progress'; jobId: string; percentage?: number; message: string }
  | { type: 'done'; jobId: string; result: unknown }
  | { type: 'failed'; jobId: string; message: string; cancelled: boolean };
