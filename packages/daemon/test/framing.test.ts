// Framing garbage (issue 14 item 8): bad, negative or non-numeric Content-Length, raw bytes, a lying length and
// invalid JSON. Each is written raw to a real daemon's stdin; then a valid request must be answered. Invalid JSON
// gets a -32700 Parse error with id null. The reader's resynchronisation is also checked in-process.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResilientMessageReader } from '../src/safety/framing.js';
import { frame, rawDaemon, request } from './raw-daemon.js';

type Raw = Awaited<ReturnType<typeof rawDaemon>>;
let d: Raw;
beforeAll(async () => {
  d = await rawDaemon();
});
afterAll(() => d.close());

const GARBAGE: [string, Buffer][] = [
  ['a negative Content-Length', Buffer.from('Content-Length: -5\r\n\r\n{"x":1}')],
  ['a non-numeric Content-Length', Buffer.from('Content-Length: abc\r\n\r\n{}')],
  ['a header without Content-Length', Buffer.from('Content-Type: text/plain\r\n\r\nhello')],
  ['raw bytes', Buffer.from([0, 255, 13, 10, 13, 10, 7, 200, 1, 2, 3])],
  ['a huge Content-Length', Buffer.from('Content-Length: 99999999999999\r\n\r\n{}')],
  ['a Content-Length longer than the body', Buffer.from('Content-Length: 5000\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"medad/status"}')],
];

describe('framing garbage', () => {
  for (const [name, bytes] of GARBAGE)
    it(`${name}: the next valid request is answered`, async () => {
      d.write(bytes);
      const r = await d.ping();
      expect(r.result).toMatchObject({ workspaceFolders: expect.any(Array) });
      expect(d.child.exitCode).toBeNull();
    });

  it('invalid JSON in a well-framed message gets -32700 Parse error, id null; a non-message gets -32600', async () => {
    d.write(frame('{"jsonrpc": "2.0", "id": 7, "method": '));
    const err = await d.next((m) => (m.error as { code?: number } | undefined)?.code === -32700);
    expect(err).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringContaining('Parse error') } });
    d.write(frame('[1,2,3]'));
    expect(await d.next((m) => (m.error as { code?: number } | undefined)?.code === -32600)).toMatchObject({ id: null });
    expect((await d.ping()).result).toBeDefined();
  });

  it('exits on shutdown after the garbage', async () => {
    await d.close();
    expect(d.child.exitCode).toBe(0);
  });
});

describe('ResilientMessageReader (in-process)', () => {
  it('delivers valid frames split at every byte boundary and resynchronises around garbage', () => {
    const input = new PassThrough();
    const errors: number[] = [];
    const reader = new ResilientMessageReader(input, (code) => errors.push(code));
    const got: unknown[] = [];
    reader.listen((m) => got.push(m));
    const stream = Buffer.concat([request(1, 'a'), Buffer.from('garbage\r\n\r\n'), request(2, 'b'), Buffer.from('Content-Length: 3\r\n\r\n{x}'), request(3, 'c')]);
    for (const b of stream) reader.push(Buffer.from([b]));
    expect(got.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3]);
    expect(errors).toEqual([-32700]);
    expect(reader.stats).toMatchObject({ frames: 4, parseErrors: 1 });
  });

  it('reads a large body in many chunks without rescanning it (linear)', () => {
    const reader = new ResilientMessageReader(new PassThrough(), () => undefined);
    const got: unknown[] = [];
    reader.listen((m) => got.push(m));
    const big = request(9, 'didOpen', { text: 'Content-Length: 5\\r\\n'.repeat(200_000) });
    for (let i = 0; i < big.length; i += 4096) reader.push(big.subarray(i, i + 4096));
    expect(got).toHaveLength(1);
  });
});
