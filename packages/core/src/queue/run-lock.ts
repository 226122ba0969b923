// "One worker writes a run folder at a time", kept in Redis beside BullMQ's own job locks: a key per run folder
// holding the owner's token, set only if absent and expiring unless renewed. A worker that dies stops renewing, so
// the lock lapses about when BullMQ declares its job stalled and hands it to another worker. A worker that finds it
// lost its lock (another worker owns the run now, e.g. after a network partition) aborts its job.
import type { RedisClient } from './connection.js';
import { keys } from './connection.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Renew our own lock; re-take it if it lapsed while Redis was away and nobody else took it; 0 when someone else has it.
const RENEW = `local v = redis.call('get', KEYS[1])
if v == ARGV[1] or not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

export interface RunLock {
  readonly runDir: string;
  release(): Promise<void>;
}

export interface RunLockOptions {
  ttlMs: number;
  /** How long to wait for another owner's lock to lapse before giving up. */
  waitMs?: number;
  /** Called when the lock turned out to belong to someone else (the job must stop writing). */
  onLost?: () => void;
  signal?: AbortSignal;
}

export async function acquireRunLock(client: RedisClient, runDir: string, token: string, opts: RunLockOptions): Promise<RunLock> {
  const key = keys.runLock(runDir);
  const deadline = Date.now() + (opts.waitMs ?? opts.ttlMs * 2);
  for (;;) {
    const ok = await client.set(key, token, 'PX', opts.ttlMs, 'NX');
    if (ok === 'OK' || (await client.get(key)) === token) break;
    if (Date.now() > deadline) {
      const owner = await client.get(key);
      throw new Error(`${runDir}: the run folder is locked by another worker (${owner ?? 'unknown'}); not writing it`);
    }
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted');
    await new Promise((r) => setTimeout(r, Math.min(500, opts.ttlMs / 4)));
  }
  let stopped = false;
  const timer = setInterval(() => {
    void (client.eval(RENEW, 1, key, token, String(opts.ttlMs)) as Promise<number>).then(
      (held) => {
        if (!held && !stopped) {
          stopped = true;
          clearInterval(timer);
          opts.onLost?.();
        }
      },
      () => undefined, // Redis away: try again next tick (the lock is re-taken if it lapsed meanwhile)
    );
  }, Math.max(100, Math.floor(opts.ttlMs / 3)));
  return {
    runDir,
    release: async () => {
      stopped = true;
      clearInterval(timer);
      await client.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
