// The generic cached check (engine/cached-check.ts) in-process, with a fake runner whose jobs end when the test
// says: cache hits, joining a running check, one run at a time, and aborting a run whose requesters all left.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { RunHandlers } from '../src/jobs/worker-host.js';
import { CachedCheck, type CheckRunner } from '../src/engine/cached-check.js';

interface FakeJob {
  id: string;
  params: unknown;
  handlers: RunHandlers;
  finish(result: { images: number }): void;
}

class FakeRunner implements CheckRunner {
  readonly jobs: FakeJob[] = [];
  readonly aborted: string[] = [];
  private readonly fail = new Map<string, (e: Error) => void>();

  run(jobId: string, _kind: string, params: unknown, handlers: RunHandlers): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.jobs.push({ id: jobId, params, handlers, finish: resolve });
      this.fail.set(jobId, reject);
    });
  }

  abort(jobId: string): void {
    this.aborted.push(jobId);
    this.fail.get(jobId)?.(new Error('cancelled'));
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function makeCheck(releaseGraceMs = 50) {
  const runner = new FakeRunner();
  const check = new CachedCheck<string, { images: number }>({
    kind: 'leakage',
    lane: 'test',
    name: 'fake check',
    imagesOf: (r) => r.images,
    cacheSize: 2,
    releaseGraceMs,
    runner: () => runner,
  });
  return { runner, check };
}

describe('CachedCheck', () => {
  // The daemon's log line per run (integration tests count them); kept off the test output and checked here.
  let log: MockInstance<typeof process.stderr.write>;
  beforeEach(() => {
    log = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => log.mockRestore());

  it('runs once per key, serves the cache afterwards and evicts the oldest key past its size', async () => {
    const { runner, check } = makeCheck();
    const first = check.get('a', 'params-a', new AbortController().signal);
    await tick();
    expect(runner.jobs.map((j) => j.params)).toEqual(['params-a']);
    runner.jobs[0].finish({ images: 3 });
    expect(await first).toEqual({ result: { images: 3 }, cached: false });
    expect(await check.get('a', 'params-a', new AbortController().signal)).toEqual({ result: { images: 3 }, cached: true });
    expect(check.cached('a')).toEqual({ images: 3 });
    expect(check.runs).toBe(1);
    expect(log.mock.calls.map(([line]) => String(line))).toEqual([expect.stringMatching(/^medad-daemon: fake check of 3 images took \d+ ms \(check worker\)\n$/)]);
    // two more keys push 'a' out of a cache of two
    for (const k of ['b', 'c']) {
      const p = check.get(k, k, new AbortController().signal);
      await tick();
      runner.jobs.at(-1)?.finish({ images: 1 });
      await p;
    }
    expect(check.cached('a')).toBeUndefined();
    expect(check.cached('c')).toEqual({ images: 1 });
  });

  it('joins a running check of the same key, with progress for every requester', async () => {
    const { runner, check } = makeCheck();
    const seen: string[] = [];
    const one = check.get('a', 'a', new AbortController().signal, (_, m) => seen.push(`1:${m}`));
    const two = check.get('a', 'a', new AbortController().signal, (_, m) => seen.push(`2:${m}`));
    await tick();
    expect(runner.jobs).toHaveLength(1);
    runner.jobs[0].handlers.onProgress(50, 'half');
    expect(seen).toEqual(['1:half', '2:half']);
    runner.jobs[0].finish({ images: 5 });
    expect(await one).toEqual({ result: { images: 5 }, cached: false });
    expect(await two).toEqual({ result: { images: 5 }, cached: false });
    expect(check.runs).toBe(1);
  });

  it('runs one check at a time: a second key waits for the first', async () => {
    const { runner, check } = makeCheck();
    const a = check.get('a', 'a', new AbortController().signal);
    const b = check.get('b', 'b', new AbortController().signal);
    await tick();
    expect(runner.jobs.map((j) => j.params)).toEqual(['a']);
    runner.jobs[0].finish({ images: 1 });
    await a;
    await tick();
    expect(runner.jobs.map((j) => j.params)).toEqual(['a', 'b']);
    runner.jobs[1].finish({ images: 2 });
    expect((await b).result).toEqual({ images: 2 });
  });

  it('aborts a run once its last requester has gone and the grace has passed; a request within the grace joins it', async () => {
    const { runner, check } = makeCheck(50);
    const first = new AbortController();
    const p1 = check.get('a', 'a', first.signal);
    await tick();
    first.abort(new Error('newer edit'));
    await expect(p1).rejects.toThrow('newer edit');
    // within the grace: the same key joins the running job instead of starting over
    const p2 = check.get('a', 'a', new AbortController().signal);
    await sleep(150);
    expect(runner.aborted).toEqual([]);
    expect(runner.jobs).toHaveLength(1);
    runner.jobs[0].finish({ images: 4 });
    expect((await p2).result).toEqual({ images: 4 });

    // every requester gone and no one back within the grace: the worker job is aborted, nothing is cached
    const gone = new AbortController();
    const p3 = check.get('b', 'b', gone.signal);
    await tick();
    gone.abort(new Error('closed'));
    await expect(p3).rejects.toThrow('closed');
    await sleep(150);
    expect(runner.aborted).toEqual([runner.jobs[1].id]);
    expect(check.cached('b')).toBeUndefined();
    // the next request for that key starts a new run
    const p4 = check.get('b', 'b', new AbortController().signal);
    await tick();
    expect(runner.jobs).toHaveLength(3);
    runner.jobs[2].finish({ images: 6 });
    expect((await p4).result).toEqual({ images: 6 });
  });

  it('never starts a queued run whose requesters all left before its turn', async () => {
    const { runner, check } = makeCheck(10);
    const a = check.get('a', 'a', new AbortController().signal);
    const leave = new AbortController();
    const b = check.get('b', 'b', leave.signal);
    leave.abort(new Error('gone'));
    await expect(b).rejects.toThrow('gone');
    await sleep(60);
    runner.jobs[0].finish({ images: 1 });
    await a;
    await sleep(20);
    expect(runner.jobs.map((j) => j.params)).toEqual(['a']);
    expect(check.runs).toBe(1);
  });
});
