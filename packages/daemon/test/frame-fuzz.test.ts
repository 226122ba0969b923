// JSON-RPC frame fuzz (issue 14, "done when" bullet 4): random bytes, random mutations of valid frames and valid
// frames carrying random JSON are written to a real daemon for a bounded time; after every batch a medad/status
// request must be answered (a few tries, since garbage may legitimately swallow the bytes right after it). 0 crashes
// (the process lives, no uncaught exception), 0 hangs. MEDAD_FUZZ_MS sets the budget (default 20 s); the counts
// are printed and recorded in docs/robustness.md.
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frame, rawDaemon, request } from './raw-daemon.js';

const BUDGET_MS = Number(process.env.MEDAD_FUZZ_MS ?? 20_000);
const SEED = Number(process.env.MEDAD_FUZZ_SEED ?? 20261207);

type Raw = Awaited<ReturnType<typeof rawDaemon>>;
let d: Raw;
beforeAll(async () => {
  d = await rawDaemon();
});
afterAll(() => d.close());

const METHODS = ['medad/status', 'medad/renderImage', 'medad/heatmap', 'medad/scoreImages', 'medad/listRuns', 'medad/runMetrics', 'medad/cancel', 'medad/datasetSummary', 'medad/leakage', 'textDocument/hover', 'medad/nonsense'];

/** A valid frame: a request with params of the right shape or random JSON, or a didOpen with random text. */
const validFrame = (ws: string) =>
  fc.oneof(
    fc.record({ id: fc.nat(), method: fc.constantFrom(...METHODS), params: fc.oneof(fc.jsonValue(), fc.record({ image: fc.constantFrom(path.join(ws, 'x.png'), '/etc/passwd', `file://${ws}/%2e%2e/x`), runDir: fc.string(), files: fc.array(fc.string(), { maxLength: 5 }), slice: fc.integer() }, { requiredKeys: [] })) }).map((r) => request(r.id, r.method, r.params)),
    fc.string({ maxLength: 300 }).map((text) => frame(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: `file://${ws}/f.medad.yaml`, languageId: 'yaml', version: 1, text: `medad: dataset\n${text}` } } }))),
  );

/** Byte-level mutations of a buffer: flip, delete, insert, truncate, duplicate, rewrite the Content-Length. */
const mutated = (base: fc.Arbitrary<Buffer>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.constantFrom('flip', 'delete', 'insert', 'truncate', 'dup', 'length'), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.oneof(fc.integer(), fc.constantFrom('-1', 'abc', '1e3', '', ' 12', '99999999999'))), { minLength: 1, maxLength: 4 })).map(([b, ops]) => {
    let buf = Buffer.from(b);
    for (const [op, at, bytes, len] of ops) {
      const i = buf.length ? at % buf.length : 0;
      if (op === 'flip') buf[i] ^= bytes[0] || 1;
      else if (op === 'delete') buf = Buffer.concat([buf.subarray(0, i), buf.subarray(i + bytes.length)]);
      else if (op === 'insert') buf = Buffer.concat([buf.subarray(0, i), Buffer.from(bytes), buf.subarray(i)]);
      else if (op === 'truncate') buf = buf.subarray(0, i);
      else if (op === 'dup') buf = Buffer.concat([buf, buf.subarray(i)]);
      else buf = Buffer.from(buf.toString('latin1').replace(/Content-Length: \d+/, `Content-Length: ${len}`), 'latin1');
    }
    return buf;
  });

describe('JSON-RPC frame fuzz', () => {
  it(`random and mutated frames for ${BUDGET_MS} ms: no crash, no hang, a valid request answered after each batch`, async () => {
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
      mutated(validFrame(d.workspace)),
      validFrame(d.workspace),
      fc.jsonValue().map((v) => frame(JSON.stringify(v))),
    );
    const counts = { batches: 0, frames: 0, bytes: 0, pings: 0, pingRetries: 0, errorReplies: 0, parseErrors: 0, invalidRequests: 0 };
    const t0 = Date.now();
    let run = 0;
    while (Date.now() - t0 < BUDGET_MS) {
      const batch = fc.sample(garbage, { numRuns: 8, seed: SEED + run++ });
      for (const b of batch) {
        d.write(b);
        counts.frames++;
        counts.bytes += b.length;
      }
      counts.batches++;
      // the next valid request must be answered: a few tries (garbage may swallow the bytes that follow it)
      let answered = false;
      for (let attempt = 0; attempt < 5 && !answered; attempt++) {
        if (attempt) counts.pingRetries++;
        counts.pings++;
        answered = await d.ping(3000).then(() => true, () => false);
      }
      expect(answered, `no answer after batch ${counts.batches} (seed ${SEED + run - 1})`).toBe(true);
      expect(d.child.exitCode).toBeNull();
    }
    for (const r of d.replies) {
      const code = (r.error as { code?: number } | undefined)?.code;
      if (code === undefined) continue;
      counts.errorReplies++;
      if (code === -32700) counts.parseErrors++;
      if (code === -32600) counts.invalidRequests++;
    }
    console.log(`frame fuzz: ${JSON.stringify(counts)} in ${Date.now() - t0} ms`);
    expect(d.stderr()).not.toMatch(/uncaught|unhandled/);
    expect(counts.parseErrors).toBeGreaterThan(0);
    // and it still shuts down cleanly
    await d.close();
    expect(d.child.exitCode).toBe(0);
  });
});
