import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliIn } from './run-cli.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-qcli-'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

const cli = (argv: string[], env: Record<string, string> = {}) => runCliIn(root, argv, env);

describe('medad worker / sweep / queue (argument handling)', () => {
  it('help for the new commands, and --queue on train, eval and score', async () => {
    for (const c of ['worker', 'sweep', 'queue']) expect((await cli([c, '--help'])).stdout).toMatch(new RegExp(`^Usage: medad ${c}`));
    for (const c of ['train', 'eval', 'score']) expect((await cli([c, '--help'])).stdout).toContain('--queue URL');
  });

  it('a worker without a queue, a bad --set or --seeds, and an unknown queue subcommand are usage errors (exit 2)', async () => {
    expect(await cli(['worker'])).toMatchObject({ code: 2, stderr: expect.stringContaining('worker needs a queue') as unknown });
    expect(await cli(['sweep', 'x.medad.yaml', '--set', 'lr=1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('dotted config key') as unknown });
    expect(await cli(['sweep', 'x.medad.yaml', '--seeds', '3-1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('backwards') as unknown });
    expect(await cli(['queue', 'list'], { MEDAD_QUEUE: 'redis://127.0.0.1:1' })).toMatchObject({ code: 2 });
  });

  it('an unreachable queue is a clear error, not a hang', async () => {
    const r = await cli(['queue', 'status', '--queue', 'redis://127.0.0.1:1', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatch(/^cannot reach Redis at redis:\/\/127\.0\.0\.1:1 /);
  });
});
