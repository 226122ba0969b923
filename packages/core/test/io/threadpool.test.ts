// libuv's pool size must be in the environment a process starts with: the `medad` bin sets it for itself (it is
// CommonJS so that nothing async runs first), and withSizedThreadPool re-runs an ES-module script with it set.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodingThreadPoolSize } from '../../src/io/index.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();
const here = path.dirname(fileURLToPath(import.meta.url));
const binDir = path.resolve(here, '../../bin');
const expected = String(Math.max(2, availableParallelism()));
const envWithout = (extra: Record<string, string> = {}) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('UV_THREADPOOL_SIZE' in extra)) delete env.UV_THREADPOOL_SIZE;
  return env;
};

describe('thread pool sizing', () => {
  it('one thread per CPU, at least 2', () => {
    expect(String(decodingThreadPoolSize())).toBe(expected);
  });

  it('the medad bin sets UV_THREADPOOL_SIZE before it loads the CLI, and keeps a value the user set', async () => {
    // The real bin next to a stand-in for the built CLI that reports what it sees.
    const root = tmp.path('pkg');
    await mkdir(path.join(root, 'bin'), { recursive: true });
    await mkdir(path.join(root, 'dist/cli'), { recursive: true });
    await copyFile(path.join(binDir, 'medad.js'), path.join(root, 'bin/medad.js'));
    await copyFile(path.join(binDir, 'package.json'), path.join(root, 'bin/package.json'));
    await writeFile(path.join(root, 'dist/cli/main.js'), 'console.log(process.env.UV_THREADPOOL_SIZE);\n');
    const run = (env: NodeJS.ProcessEnv) => execFileSync(process.execPath, [path.join(root, 'bin/medad.js')], { env, encoding: 'utf8' }).trim();
    expect(run(envWithout())).toBe(expected);
    expect(run(envWithout({ UV_THREADPOOL_SIZE: '3' }))).toBe('3');
  });

  it('withSizedThreadPool re-runs an ES-module script with the size set, passing its arguments and exit status', async () => {
    const script = tmp.path('entry.mts');
    const src = path.resolve(here, '../../src/io/threadpool.ts');
    await writeFile(
      script,
      `import { withSizedThreadPool } from ${JSON.stringify(src)};\nwithSizedThreadPool();\nconsole.log(process.env.UV_THREADPOOL_SIZE, process.argv.slice(2).join(','));\nprocess.exit(Number(process.argv[2]));\n`,
    );
    const run = (env: NodeJS.ProcessEnv, code: string) => {
      try {
        return { out: execFileSync(process.execPath, ['--import', 'tsx', script, code, 'x'], { env, encoding: 'utf8' }).trim(), status: 0 };
      } catch (e) {
        const err = e as { stdout: string; status: number };
        return { out: err.stdout.trim(), status: err.status };
      }
    };
    expect(run(envWithout(), '0')).toEqual({ out: `${expected} 0,x`, status: 0 });
    expect(run(envWithout(), '5')).toEqual({ out: `${expected} 5,x`, status: 5 });
    expect(run(envWithout({ UV_THREADPOOL_SIZE: '3' }), '0')).toEqual({ out: '3 0,x', status: 0 });
  });
});
