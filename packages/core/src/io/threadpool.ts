// libuv's thread pool runs sharp's decodes (and async file reads). Its default of 4 threads is wrong both ways for
// a data loader: on 2 cores, 4 decoding threads plus the JS thread that resizes and normalises preempt each other
// (streamBatches gave 860-950 images/s with 4 threads, 1,100 with 2); on 16 cores, 4 leave most of the machine idle.
// The size is read once, when the pool starts, and loading an ES module already starts it: so the variable has to
// be in the environment the process starts with. The `medad` bin (CommonJS, bin/medad.js) sets it for itself, the
// VS Code extension for the daemon it spawns, and the benchmark re-executes itself with it (withSizedThreadPool).
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The pool size medad wants: one thread per CPU, at least 2. */
export function decodingThreadPoolSize(): number {
  return Math.max(2, availableParallelism());
}

/**
 * Call first in an ES-module entry point: if UV_THREADPOOL_SIZE is unset, runs this same script again in a child with
 * it set to decodingThreadPoolSize() and exits with the child's status; otherwise returns and the script goes on.
 */
export function withSizedThreadPool(): void {
  if (process.env.UV_THREADPOOL_SIZE !== undefined) return;
  const env = { ...process.env, UV_THREADPOOL_SIZE: String(decodingThreadPoolSize()) };
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
