// Every image read starts here: a FIFO, socket or device named `x.png` must be refused up front, not opened.
// A plain open() of a FIFO blocks a libuv pool thread until a writer appears (forever, usually); with O_NONBLOCK
// the open returns at once, and fstat on the handle then says what it really is. On a regular file O_NONBLOCK
// changes nothing. A stalled read (a hung network mount) is bounded by a timeout, so a caller gets an error.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ImageReadError } from './types.js';

/** How long one open or read may take before the file is reported as unreadable (ms). */
export const FILE_IO_TIMEOUT_MS = 30_000;

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Rejects after `ms` with an ImageReadError naming the file and what timed out. */
export function withFileTimeout<T>(file: string, what: string, work: Promise<T>, ms = FILE_IO_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImageReadError(file, `${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Opens a regular file for reading; anything else (FIFO, socket, device, directory) is refused with its kind. */
export async function openRegular(file: string): Promise<{ fh: FileHandle; size: number }> {
  let fh: FileHandle;
  try {
    let timedOut = false;
    const opening = open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    // a handle that arrives after the timeout is closed, not leaked
    opening.then((late) => timedOut && void late.close(), () => undefined);
    fh = await withFileTimeout(file, 'open', opening).catch((e: unknown) => {
      timedOut = true;
      throw e;
    });
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(file, `cannot read: ${(e as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new ImageReadError(file, `${kindOf(st)}, not an image file; refused`);
    return { fh, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** The whole of a regular file (see openRegular), with the read bounded by the timeout. */
export async function readRegularFile(file: string): Promise<Buffer> {
  const { fh } = await openRegular(file);
  try {
    return await withFileTimeout(file, 'read', fh.readFile());
  } finally {
    await fh.close();
  }
}
