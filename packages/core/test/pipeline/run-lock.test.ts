import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveState, listRuns } from '../../src/pipeline/run-dir.js';
import { LOCK_FILE, RunLockedError, STALE_MS, acquireRunLock, processAlive, readRunLock, removeLeftoverTemps } from '../../src/pipeline/run-lock.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-lock-'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

/** A pid that existed and is gone: a child that ran and was reaped. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  expect(r.pid).toBeGreaterThan(0);
  return r.pid as number;
}

async function runFolder(name: string, state = 'running'): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'run.json'), JSON.stringify({ format: 'medad-run/1', experiment: 'x', detector: 'ae', state, startedAt: new Date().toISOString(), counts: { train: 1, validation: 0, test: 0 } }));
  return dir;
}

async function writeForeignLock(dir: string, pid: number, host = os.hostname()): Promise<void> {
  await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host, startedAt: '2020-01-01T00:00:00.000Z', token: 'foreign' }));
}

describe('run-folder lock', () => {
  it('processAlive tells this process from a reaped child', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
    expect(processAlive(0)).toBe(false);
  });

  it('is exclusive while held, names the holder, and is free again after release', async () => {
    const dir = await runFolder('exclusive');
    const lock = await acquireRunLock(dir);
    const err = await acquireRunLock(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunLockedError);
    expect((err as Error).message).toContain(`process ${process.pid}`);
    expect((await readRunLock(dir))?.live).toBe(true);
    expect(await effectiveState(dir, { state: 'running' })).toBe('running');
    await lock.release();
    await expect(fs.access(path.join(dir, LOCK_FILE))).rejects.toThrow();
    expect(await effectiveState(dir, { state: 'running' })).toBe('interrupted');
    const again = await acquireRunLock(dir);
    await again.release();
  });

  it('recovers a lock whose process is gone', async () => {
    const dir = await runFolder('dead-pid');
    await writeForeignLock(dir, deadPid());
    expect((await readRunLock(dir))?.live).toBe(false);
    expect(await effectiveState(dir, { state: 'running' })).toBe('interrupted');
    const lock = await acquireRunLock(dir);
    expect(JSON.parse(await fs.readFile(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('recovers a lock of a live pid whose heartbeat is stale (a stopped worker thread, a reused pid)', async () => {
    const dir = await runFolder('stale-heartbeat');
    await writeForeignLock(dir, process.pid);
    expect((await readRunLock(dir))?.live).toBe(true);
    const old = new Date(Date.now() - STALE_MS - 5_000);
    await fs.utimes(path.join(dir, LOCK_FILE), old, old);
    expect((await readRunLock(dir))?.live).toBe(false);
    const lock = await acquireRunLock(dir);
    await lock.release();
  });

  it('trusts a fresh heartbeat from another host (its pid cannot be checked here)', async () => {
    const dir = await runFolder('other-host');
    await writeForeignLock(dir, deadPid(), 'some-other-host.invalid');
    await expect(acquireRunLock(dir)).rejects.toThrow(/in use by process \d+ on some-other-host\.invalid/);
    const old = new Date(Date.now() - STALE_MS - 5_000);
    await fs.utimes(path.join(dir, LOCK_FILE), old, old);
    await (await acquireRunLock(dir)).release();
  });

  it('the heartbeat moves the lock mtime forward', async () => {
    const dir = await runFolder('heartbeat');
    const lock = await acquireRunLock(dir, { heartbeatMs: 60_000 });
    const old = new Date(Date.now() - 30_000);
    await fs.utimes(path.join(dir, LOCK_FILE), old, old);
    expect((await readRunLock(dir))!.ageMs).toBeGreaterThan(20_000);
    await lock.beat();
    expect((await readRunLock(dir))!.ageMs).toBeLessThan(10_000);
    await lock.release();
  });

  it('listRuns shows a running run without a live owner as interrupted, and one with a live owner as running', async () => {
    const sub = path.join(root, 'listing');
    const killed = path.join(sub, 'killed');
    const live = path.join(sub, 'live');
    await fs.mkdir(sub);
    await runFolder('listing/killed');
    await runFolder('listing/live');
    await writeForeignLock(killed, deadPid());
    const lock = await acquireRunLock(live);
    try {
      const states = Object.fromEntries((await listRuns(sub)).map((r) => [r.id, r.meta?.state]));
      expect(states).toEqual({ killed: 'interrupted', live: 'running' });
    } finally {
      await lock.release();
    }
  });

  it('removeLeftoverTemps removes temp files and folders of atomic writes, also in stage folders, and nothing else', async () => {
    const dir = await runFolder('temps');
    const junk = [
      '.checkpoint.tmpdir-123-deadbeef/weights.bin',
      '.run.json.tmp-9-0a0b0c0d',
      'gan/.checkpoint.tmpdir-77-0123abcd/checkpoint.json',
    ];
    const keep = ['checkpoint/checkpoint.json', '.checkpoint.previous/checkpoint.json', 'gan/checkpoint/weights.bin', 'train.log'];
    for (const f of [...junk, ...keep]) {
      await fs.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await fs.writeFile(path.join(dir, f), 'x');
    }
    const removed = (await removeLeftoverTemps(dir)).map((p) => path.relative(dir, p)).sort();
    expect(removed).toEqual(['.checkpoint.tmpdir-123-deadbeef', '.run.json.tmp-9-0a0b0c0d', 'gan/.checkpoint.tmpdir-77-0123abcd'].sort());
    for (const f of keep) await fs.access(path.join(dir, f));
  });
});
