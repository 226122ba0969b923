// A JSON-RPC message reader for stdio that survives garbage. vscode-jsonrpc's stream reader stops for good at a
// bad header (missing, negative or non-numeric Content-Length, raw bytes) and drops invalid JSON without a reply,
// leaving the daemon alive but deaf. This reader:
//   - resynchronises: anything that is not a well-formed header is skipped up to the next `Content-Length:`;
//   - answers a frame whose body is not JSON with -32700 Parse error, and a JSON value that is not a JSON-RPC
//     message with -32600 Invalid Request (id null, as JSON-RPC 2.0 says), through the connection's writer;
//   - caps the header (8 KiB) and body (MAX_BODY_BYTES) sizes, so a lying Content-Length cannot grow the buffer
//     without bound;
//   - notices a Content-Length that is too large: a body cannot contain a raw CRLF header block (JSON escapes
//     control characters in strings), so a header found inside a pending body ends that (broken) frame there.
// Work per byte is linear: each byte is scanned a bounded number of times.
import type { Readable } from 'node:stream';
import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-languageserver/node.js';

export const MAX_BODY_BYTES = 64 * 2 ** 20;
const MAX_HEADER_BYTES = 8192;
const HEADER_END = Buffer.from('\r\n\r\n');
const MARKER = Buffer.from('Content-Length:');

export interface FramingStats {
  frames: number;
  parseErrors: number;
  invalidRequests: number;
  skippedBytes: number;
}

export type ErrorReply = (code: -32700 | -32600, message: string, id: string | number | null) => void;

export class ResilientMessageReader extends AbstractMessageReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Declared body length of the frame being read, when its header was good. */
  private want: number | undefined;
  private callback: DataCallback | undefined;
  readonly stats: FramingStats = { frames: 0, parseErrors: 0, invalidRequests: 0, skippedBytes: 0 };

  constructor(
    private readonly input: Readable,
    private readonly reply: ErrorReply,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (d: Buffer) => this.push(d);
    const onClose = () => this.fireClose();
    const onError = (e: Error) => this.fireError(e);
    this.input.on('data', onData);
    this.input.on('close', onClose);
    this.input.on('end', onClose);
    this.input.on('error', onError);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('close', onClose);
        this.input.off('end', onClose);
        this.input.off('error', onError);
      },
    };
  }

  /** Chunks of a body still incomplete, not yet joined to `buf` (joining each chunk would be quadratic). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Feeds raw bytes (exposed for unit tests). */
  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.want !== undefined && this.buf.length + this.pendingBytes < this.want) {
      // still inside a body: only the new bytes (and a header block's length before them) are searched for a
      // header block; joining and rescanning the whole body per chunk would be quadratic
      const prev = this.pending.length > 1 ? this.pending[this.pending.length - 2] : this.buf;
      const probe = Buffer.concat([prev.subarray(Math.max(0, prev.length - MAX_HEADER_BYTES)), chunk]);
      if (headerBlockAt(probe) < 0) return;
    }
    this.buf = Buffer.concat([this.buf, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
    for (;;) if (!this.step()) break;
  }

  /** Drops bytes up to the next header marker after `from` (or all but a possible partial marker). */
  private resync(from: number): void {
    const at = this.buf.indexOf(MARKER, from);
    const cut = at >= 0 ? at : Math.max(from, this.buf.length - MARKER.length + 1);
    this.stats.skippedBytes += cut;
    this.buf = this.buf.subarray(cut);
    this.want = undefined;
  }

  /** One unit of progress; false when more bytes are needed. */
  private step(): boolean {
    if (this.buf.length === 0) return false;
    if (this.want === undefined) {
      if (this.buf.indexOf(MARKER) !== 0) {
        // not at a header: skip to the next one (raw bytes, a stray body, a header without Content-Length first)
        const at = this.buf.indexOf(MARKER);
        if (at < 0) {
          if (this.buf.length >= MARKER.length) this.resync(1);
          return false;
        }
        this.resync(at);
        return true;
      }
      const end = this.buf.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) this.resync(1);
        return false;
      }
      const length = parseHeader(this.buf.subarray(0, end).toString('latin1'));
      if (length === undefined) {
        this.resync(1);
        return true;
      }
      this.buf = this.buf.subarray(end + HEADER_END.length);
      this.want = length;
    }
    const want = this.want;
    if (this.buf.length < want) {
      // a header block inside the pending body means the declared length was wrong: end the frame there
      const at = headerBlockAt(this.buf);
      if (at >= 0) {
        this.deliver(this.buf.subarray(0, at));
        this.buf = this.buf.subarray(at);
        this.want = undefined;
        return true;
      }
      return false;
    }
    const body = this.buf.subarray(0, want);
    this.buf = this.buf.subarray(want);
    this.want = undefined;
    this.deliver(body);
    return true;
  }

  private deliver(body: Buffer): void {
    this.stats.frames++;
    let msg: unknown;
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch (e) {
      this.stats.parseErrors++;
      this.reply(-32700, `Parse error: ${(e as Error).message.slice(0, 200)}`, null);
      return;
    }
    const problem = invalidRequest(msg);
    if (problem) {
      this.stats.invalidRequests++;
      const id = (msg as { id?: unknown })?.id;
      this.reply(-32600, `Invalid Request: ${problem}`, typeof id === 'string' || typeof id === 'number' ? id : null);
      return;
    }
    this.callback?.(msg as Message);
  }
}

/** Offset of the first complete, valid header block (`Content-Length: N` ... CRLF CRLF) in `b`, or -1. */
export function headerBlockAt(b: Buffer): number {
  let end = -1;
  for (let at = b.indexOf(MARKER); at >= 0; at = b.indexOf(MARKER, at + 1)) {
    // the next CRLF CRLF at or after `at` (reused while markers precede it: linear overall)
    if (end < at) end = b.indexOf(HEADER_END, at);
    if (end < 0) return -1;
    if (end - at <= MAX_HEADER_BYTES && parseHeader(b.subarray(at, end).toString('latin1')) !== undefined) return at;
  }
  return -1;
}

/** Content-Length of a header block (every line `Name: value`), or undefined when it is not a good header. */
export function parseHeader(text: string): number | undefined {
  let length: number | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d{1,10}$/.test(value)) return undefined;
      length = Number(value);
    }
  }
  return length !== undefined && length <= MAX_BODY_BYTES ? length : undefined;
}

/** Why a parsed value is not a JSON-RPC 2.0 request, notification or response (undefined when it is one). */
export function invalidRequest(m: unknown): string | undefined {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return Array.isArray(m) ? 'batches are not supported' : 'not an object';
  const o = m as Record<string, unknown>;
  if (o.jsonrpc !== '2.0') return "jsonrpc must be '2.0'";
  if ('id' in o && o.id !== null && typeof o.id !== 'string' && typeof o.id !== 'number') return 'id must be a string, a number or null';
  if ('method' in o) {
    if (typeof o.method !== 'string') return 'method must be a string';
    if ('params' in o && o.params !== undefined && (o.params === null || typeof o.params !== 'object')) return 'params must be an object or an array';
    return undefined;
  }
  if ('id' in o && ('result' in o || 'error' in o)) return undefined;
  return 'neither a request, a notification nor a response';
}
