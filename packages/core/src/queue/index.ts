// The BullMQ job queue, for the CLI and the daemon (see docs/distributed.md).
export { resolveQueueUrl, openQueue, type QueueHandle } from './connection.js';
export { runOnQueue } from './remote-run.js';
export { submitJob, waitForJob, cancelJob, type WaitOptions } from './submit.js';
export { listWorkers, type WorkerInfo } from './registry.js';
export type { QueueJob, QueueJobResult, TrainJobResult, EvaluateJobResult, JobProgress } from './jobs.js';
export { listQueueJobs, type QueuedJobInfo } from './status.js';
export { readShardResult, type ShardResultFile } from './shard-files.js';
export type { ScoreShardJob, ScoreShardResult } from './jobs.js';
