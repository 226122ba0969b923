// Where the job queue lives: a Redis URL from the command line, MEDAD_QUEUE or the experiment's `queue:` key, in
// that order; none of them means the in-process path (nothing to install). BullMQ keeps its keys under
// `<prefix>:<queue name>`; medad's own keys (workers, cancel marks, run locks) sit beside them.
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

export const QUEUE_NAME = 'medad-jobs';
export const KEY_PREFIX = 'medad';

export interface QueueUrlSources {
  flag?: string;
  env?: Record<string, string | undefined>;
  config?: string;
}

/** The queue URL in effect, or undefined for the in-process default. */
export function resolveQueueUrl(s: QueueUrlSources): string | undefined {
  const v = s.flag ?? s.env?.MEDAD_QUEUE ?? s.config;
  return v && v.trim() ? v.trim() : undefined;
}

/** redis://[user:password@]host[:port][/db] (or rediss:// with TLS) as BullMQ connection options. */
export function parseRedisUrl(url: string): ConnectionOptions & { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`queue URL '${url}' is not a URL (expected redis://host:port)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`queue URL '${url}': only redis:// and rediss:// are supported`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`queue URL '${url}': database '${u.pathname.slice(1)}' is not a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers and waiting clients ride out a Redis restart: commands wait for the reconnection instead of failing.
    maxRetriesPerRequest: null,
  };
}

export type RedisClient = Redis;

/** The BullMQ queue plus a plain Redis connection for medad's own keys (workers, cancel marks, run locks). */
export interface QueueHandle {
  queue: Queue;
  redis: Redis;
  url: string;
  close(): Promise<void>;
}

/** Opens the queue and checks Redis answers, so a wrong URL is a clear error instead of a silent wait. */
export async function openQueue(url: string, timeoutMs = 5000): Promise<QueueHandle> {
  const connection = parseRedisUrl(url);
  const redis = new Redis({ ...connection, lazyConnect: true });
  redis.on('error', () => {
    // ioredis reconnects by itself; failures surface through the calls that need Redis.
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${url} within ${timeoutMs / 1000} s (is redis-server running there?)`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    redis.disconnect();
    const msg = (err as Error).message;
    throw new Error(msg.startsWith('cannot reach') ? msg : `cannot reach Redis at ${url} (${msg}; is redis-server running there?)`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  const queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
  queue.on('error', () => undefined);
  return {
    queue,
    redis,
    url,
    close: async () => {
      await queue.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** medad's own keys next to BullMQ's. */
export const keys = {
  worker: (id: string) => `${KEY_PREFIX}:${QUEUE_NAME}:worker:${id}`,
  workerPattern: () => `${KEY_PREFIX}:${QUEUE_NAME}:worker:*`,
  cancel: (jobId: string) => `${KEY_PREFIX}:${QUEUE_NAME}:cancel:${jobId}`,
  runLock: (runDir: string) => `${KEY_PREFIX}:${QUEUE_NAME}:runlock:${runDir}`,
};
