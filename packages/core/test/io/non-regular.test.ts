// A FIFO, socket or directory named like an image is refused at once with a reason naming the file; before,
// open() of a FIFO blocked a libuv thread forever (`medad score x.png` hung, the daemon never exited).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFile, probeFile, readRegularFile, withFileTimeout } from '../../src/io/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'medad-fifo-'));
const fifo = path.join(dir, 'x.png');
execFileSync('mkfifo', [fifo]);

describe('non-regular files', () => {
  it('refuses a FIFO named x.png in probe, decode and whole-file reads, quickly', async () => {
    const t0 = Date.now();
    await expect(probeFile(fifo)).rejects.toThrow(/x\.png: a FIFO \(named pipe\), not an image file; refused/);
    await expect(decodeFile(fifo)).rejects.toThrow(/FIFO/);
    await expect(readRegularFile(fifo)).rejects.toThrow(/FIFO/);
    // generous: the old code never returned at all
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('refuses a directory named like an image', async () => {
    const d = path.join(dir, 'folder.png');
    mkdirSync(d);
    await expect(decodeFile(d)).rejects.toThrow(/folder\.png: a directory/);
  });

  it('turns a stalled operation into an error naming the file', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withFileTimeout('/data/slow.png', 'read', never, 50)).rejects.toThrow('/data/slow.png: read timed out after 50 ms');
  });
});
