// Workers announce themselves in Redis (host, pid, backend, concurrency, current jobs) under a key that expires
// unless refreshed, so a killed worker disappears from the list by itself. Cancellation of a remote job is a mark
// the worker running it polls (a mark survives a Redis restart with persistence, unlike a pub/sub message).
import type { RedisClient } from './connection.js';
import { keys } from './connection.js';

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  backend: string;
  concurrency: number;
  startedAt: string;
  /** Jobs it runs now. */
  jobs: { id: string; kind: string; label: string; runDir?: string; since: string }[];
  seenAt: string;
}

export async function publishWorker(client: RedisClient, info: WorkerInfo, ttlMs: number): Promise<void> {
  await client.set(keys.worker(info.id), JSON.stringify({ ...info, seenAt: new Date().toISOString() }), 'PX', ttlMs);
}

export async function removeWorker(client: RedisClient, id: string): Promise<void> {
  await client.del(keys.worker(id));
}

export async function listWorkers(client: RedisClient): Promise<WorkerInfo[]> {
  const out: WorkerInfo[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', keys.workerPattern(), 'COUNT', 100);
    cursor = next;
    for (const k of found) {
      const v = await client.get(k);
      if (v) out.push(JSON.parse(v) as WorkerInfo);
    }
  } while (cursor !== '0');
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Marks a job cancelled (kept a day: a worker that picks it up later still sees it). */
export async function markCancelled(client: RedisClient, jobId: string): Promise<void> {
  await client.set(keys.cancel(jobId), '1', 'EX', 86400);
}

export async function isCancelled(client: RedisClient, jobId: string): Promise<boolean> {
  return (await client.exists(keys.cancel(jobId))) === 1;
}
