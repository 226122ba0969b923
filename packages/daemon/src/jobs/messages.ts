// Messages between the daemon's main thread and its compute workers.
import type { JobKind } from '../protocol.js';

export type ToWorker = { type: 'run'; jobId: string; kind: JobKind; params: unknown } | { type: 'abort'; jobId: string };

export type FromWorker =
  | { type: 'progress'; jobId: string; percentage?: number; message: string }
  | { type: 'done'; jobId: string; result: unknown }
  | { type: 'failed'; jobId: string; message: string; cancelled: boolean };
