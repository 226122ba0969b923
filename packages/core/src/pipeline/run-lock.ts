// The run-folder lock: one process at a time trains into a run folder. `run.lock` is created atomically (O_EXCL)
// and names its owner (pid, host); its mtime is the owner's heartbeat, touched every few seconds. A lock whose
// owner is gone (same host: the pid no longer exists; any host: the heartbeat is stale) is recovered; a live one
// is refused with a message naming the process. The same test tells a reader that a 'running' run was killed.
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AbortError } from '../detectors/api.js';

export const LOCK_FILE = 'run.lock';
/** How often the owner touches the lock. */
export const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this means the owner is gone (a stopped worker thread, another host, a reused pid). */
export const STALE_MS = 60_000;

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** Tells this acquisition from a later one of the same pid (stale-lock recovery compares it). */
  token: string;
}

export interface LockStatus {
  owner: LockOwner;
  /** Milliseconds since the last heartbeat. */
  ageMs: number;
  live: boolean;
}

/** The error of a run held by another live process. */
export class RunLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    super(`${dir} is in use by process ${owner.pid} on ${owner.host} (since ${owner.startedAt}); stop it first, or wait until it ends`);
    this.name = 'RunLockedError';
  }
}

/** Whether `pid` names a live process on this host (a zombie counts as dead). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: "pid (comm) S ..."; a killed child not yet reaped is 'Z'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

export function ownerLive(owner: LockOwner, ageMs: number, staleMs = STALE_MS): boolean {
  if (ageMs > staleMs) return false;
  return owner.host !== os.hostname() || processAlive(owner.pid);
}

async function readOwner(file: string): Promise<{ owner: LockOwner; mtimeMs: number } | null> {
  try {
    const [text, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    const o = JSON.parse(text) as Partial<LockOwner>;
    const owner: LockOwner = { pid: Number(o.pid), host: String(o.host ?? ''), startedAt: String(o.startedAt ?? ''), token: String(o.token ?? '') };
    return { owner, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Torn or unreadable (a kill between create and write): no owner, so stale once its heartbeat is.
    const st = await fs.stat(file).catch(() => null);
    return st ? { owner: { pid: 0, host: '', startedAt: '', token: '' }, mtimeMs: st.mtimeMs } : null;
  }
}

/** The lock of run folder `dir`, or null when none. */
export async function readRunLock(dir: string, staleMs = STALE_MS): Promise<LockStatus | null> {
  const r = await readOwner(path.join(dir, LOCK_FILE));
  if (!r) return null;
  const ageMs = Math.max(0, Date.now() - r.mtimeMs);
  // A lock written a moment ago but not yet filled in (pid 0) is live until its heartbeat goes stale.
  const live = r.owner.pid === 0 ? ageMs <= Math.min(staleMs, HEARTBEAT_MS) : ownerLive(r.owner, ageMs, staleMs);
  return { owner: r.owner, ageMs, live };
}

export interface RunLock {
  readonly dir: string;
  readonly owner: LockOwner;
  /** Touches the heartbeat now (the timer does it every HEARTBEAT_MS). */
  beat(): Promise<void>;
  /** Stops the heartbeat and removes the lock if it is still this one. */
  release(): Promise<void>;
}

export interface LockOptions {
  heartbeatMs?: number;
  staleMs?: number;
}

/**
 * Takes the lock of run folder `dir`: refuses (RunLockedError) when another live process holds it, recovers a stale
 * one. The heartbeat timer is unref'd, so it never keeps a process alive.
 */
export async function acquireRunLock(dir: string, opts: LockOptions = {}): Promise<RunLock> {
  const file = path.join(dir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await fs.open(file, 'wx');
      try {
        await fh.writeFile(JSON.stringify(owner) + '\n');
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
    }
    const held = await readRunLock(dir, opts.staleMs);
    if (!held) continue; // released meanwhile
    if (held.live) throw new RunLockedError(dir, held.owner);
    await recoverStale(file, held.owner.token);
  }
  const beat = async () => {
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined);
  };
  const timer = setInterval(() => void beat(), opts.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  return {
    dir,
    owner,
    beat,
    release: async () => {
      clearInterval(timer);
      const cur = await readOwner(file);
      if (cur?.owner.token === owner.token) await fs.rm(file, { force: true });
    },
  };
}

export interface ForeignLockWaitOptions {
  signal?: AbortSignal;
  staleMs?: number;
  /** How often the lock is looked at again (default 1 s). */
  pollMs?: number;
  /** Each look that finds the lock held: e.g. `waiting for run lock held by host X pid N, heartbeat 12s ago`. */
  onWait?: (text: string, held: LockStatus) => void;
}

/**
 * Waits while run folder `dir` is locked by a live-looking owner on ANOTHER host: a queue job retried on a second
 * machine less than STALE_MS after its first worker died meets that worker's lock, which no pid test can judge from
 * here; it goes once the heartbeat stops for STALE_MS or the lock is removed. Returns the milliseconds waited (0
 * when free, stale or held on this host: acquireRunLock then decides, and a live local owner is a real conflict).
 * Cancellable: throws AbortError when `signal` aborts.
 */
export async function waitForForeignRunLock(dir: string, opts: ForeignLockWaitOptions = {}): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (opts.signal?.aborted) throw new AbortError();
    const held = await readRunLock(dir, opts.staleMs);
    if (!held || !held.live || held.owner.host === os.hostname() || held.owner.pid === 0) return Date.now() - start;
    opts.onWait?.(`waiting for run lock held by host ${held.owner.host} pid ${held.owner.pid}, heartbeat ${Math.round(held.ageMs / 1000)}s ago`, held);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, opts.pollMs ?? 1000);
      opts.signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/**
 * Moves a stale lock aside, then deletes it. Two recoverers may race: if what was moved is not the stale lock
 * judged (another process recovered it and took a fresh one), the fresh one is put back (link fails if a third
 * took the name meanwhile, and then that one stands).
 */
async function recoverStale(file: string, staleToken: string): Promise<void> {
  const tomb = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(file, tomb);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readOwner(tomb);
  if (moved && moved.owner.token !== staleToken) await fs.link(tomb, file).catch(() => undefined);
  await fs.rm(tomb, { force: true });
}

/**
 * Removes the locks this process holds on run folders directly under `root`: for a host whose training thread
 * died (the daemon's worker) and which knows it trains nothing now; its runs then read as interrupted at once, not
 * after STALE_MS. Returns the run folders released.
 */
export async function releaseOwnRunLocks(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const released: string[] = [];
  for (const n of names) {
    const file = path.join(root, n, LOCK_FILE);
    const r = await readOwner(file);
    if (r && r.owner.pid === process.pid && r.owner.host === os.hostname()) {
      await fs.rm(file, { force: true });
      released.push(path.join(root, n));
    }
  }
  return released;
}

/**
 * Removes what a killed writer left in run folder `dir` (atomic-write temp files and folders, `.x.tmp-*` and
 * `.x.tmpdir-*`, also in stage sub-folders such as `gan/`); call it only while holding the lock. Returns the removed
 * paths.
 */
export async function removeLeftoverTemps(dir: string, depth = 3): Promise<string[]> {
  const removed: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return removed;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (/^\..+\.(tmp|tmpdir)-\d+-[0-9a-f]+$/.test(e.name) || /^run\.lock\.stale-/.test(e.name)) {
      await fs.rm(p, { recursive: true, force: true });
      removed.push(p);
    } else if (e.isDirectory() && depth > 1 && !e.name.startsWith('.')) {
      removed.push(...(await removeLeftoverTemps(p, depth - 1)));
    }
  }
  return removed;
}
