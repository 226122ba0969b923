// Check at open time, not before: a path checked and then opened can be swapped for a symlink in between (a
// TOCTOU race). These helpers open first, then ask the kernel where the handle really points
// (readlink /proc/self/fd/N) and check that against the sandbox; work then goes through the handle itself
// (`/proc/self/fd/N` names the opened file, whatever happens to the path afterwards). Opens use O_NONBLOCK and
// fstat, so a FIFO or device is refused instead of blocking a libuv thread, and every open is bounded by a timeout.
import { constants } from 'node:fs';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { ResponseError } from 'vscode-languageserver/node.js';
import { MedadErrorCodes } from '../protocol.js';
import type { Sandbox } from './sandbox.js';

/** Longest an open, stat or mkdir may take before the request fails (ms): a hung mount must not hang a request. */
export const FS_TIMEOUT_MS = 10_000;

export function withTimeout<T>(what: string, work: Promise<T>, ms = FS_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ResponseError(MedadErrorCodes.JobFailed, `${what}: timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export interface CheckedFile {
  fh: FileHandle;
  /** The opened file, for APIs that take a path: stays this file even if `abs` is replaced. */
  procPath: string;
  abs: string;
  real: string;
  size: number;
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Opens `abs` for reading, then checks the handle: a regular file whose real path the sandbox allows. */
export async function openChecked(sandbox: Sandbox, abs: string, what: string): Promise<CheckedFile> {
  const { via } = sandbox.check(abs, what, 'read');
  let timedOut = false;
  const opening = fs.open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  opening.then((late) => timedOut && void late.close(), () => undefined);
  let fh: FileHandle;
  try {
    fh = await withTimeout(`${what}: opening ${abs}`, opening);
  } catch (e) {
    timedOut = true;
    if (e instanceof ResponseError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new ResponseError(MedadErrorCodes.NotFound, `${what}: ${abs} does not exist`);
    throw new ResponseError(MedadErrorCodes.NotFound, `${what}: ${abs} cannot be read (${err.code ?? err.message})`);
  }
  try {
    const st = await withTimeout(`${what}: stat of ${abs}`, fh.stat());
    if (!st.isFile()) throw new ResponseError(MedadErrorCodes.InvalidParams, `${what}: ${abs} is ${kindOf(st)}, not a file; refused`);
    const procPath = `/proc/self/fd/${fh.fd}`;
    const real = await fs.readlink(procPath);
    if (!sandbox.allows(real, 'read', via)) throw sandbox.refusal(abs, `${what} (opened as ${real})`, 'read');
    return { fh, procPath, abs, real, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Runs `fn` on a checked open file and closes it afterwards; errors naming the /proc path name `abs` instead. */
export async function withChecked<T>(sandbox: Sandbox, abs: string, what: string, fn: (f: CheckedFile) => Promise<T>): Promise<T> {
  const f = await openChecked(sandbox, abs, what);
  try {
    return await fn(f);
  } catch (e) {
    if (e instanceof Error && e.message.includes(f.procPath)) e.message = e.message.split(f.procPath).join(abs);
    throw e;
  } finally {
    await f.fh.close();
  }
}

/** An existing regular file or folder the sandbox allows (stat bounded by the timeout); FIFOs and devices refused. */
export async function mustExist(sandbox: Sandbox, abs: string, what: string, want: 'file' | 'dir' | 'any' = 'any'): Promise<void> {
  sandbox.check(abs, what, 'read');
  const st = await withTimeout(`${what}: stat of ${abs}`, fs.stat(abs)).catch((e: unknown) => {
    if (e instanceof ResponseError) throw e;
    throw new ResponseError(MedadErrorCodes.NotFound, `${what}: ${abs} does not exist or cannot be read`);
  });
  const ok = want === 'file' ? st.isFile() : want === 'dir' ? st.isDirectory() : st.isFile() || st.isDirectory();
  if (!ok) throw new ResponseError(MedadErrorCodes.InvalidParams, `${what}: ${abs} is ${kindOf(st)}${want === 'dir' ? ', not a folder' : ''}; refused`);
}

/**
 * A folder the daemon builds inside a run (`<run>/cache/heatmaps`, `<run>/cache/maps`): created step by step with
 * no symlink allowed on the way from the run folder, and its real path checked to lie inside the run.
 */
export async function runSubdir(sandbox: Sandbox, runDir: string, rel: string[], what: string): Promise<string> {
  const runReal = await fs.realpath(runDir);
  sandbox.check(runReal, what, 'write');
  let cur = runReal;
  for (const part of rel) {
    cur = path.join(cur, part);
    await withTimeout(`${what}: mkdir ${cur}`, fs.mkdir(cur).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    }));
    const st = await fs.lstat(cur);
    if (st.isSymbolicLink() || !st.isDirectory())
      throw new ResponseError(MedadErrorCodes.PathOutsideWorkspace, `${what}: ${cur} is ${st.isSymbolicLink() ? 'a symlink' : 'not a folder'}; symlinks inside run folders are refused`);
  }
  return cur;
}

/** The run folder's parts the daemon loads (model, run.json) must be real files and folders inside it, not links. */
export async function checkRunInputs(sandbox: Sandbox, runDir: string, what: string): Promise<void> {
  const runReal = await withTimeout(`${what}: realpath of ${runDir}`, fs.realpath(runDir)).catch((e: unknown) => {
    if (e instanceof ResponseError) throw e;
    throw new ResponseError(MedadErrorCodes.NotFound, `${what}: ${runDir} does not exist`);
  });
  sandbox.check(runReal, what, 'write');
  // the lstats and the model listing are independent: issued together (this runs before every heatmap)
  const parts = ['model', 'run.json', 'cache', 'checkpoint'];
  const model = path.join(runReal, 'model');
  const [stats, entries] = await Promise.all([
    Promise.all(parts.map((part) => fs.lstat(path.join(runReal, part)).catch(() => undefined))),
    fs.readdir(model, { withFileTypes: true }).catch(() => []),
  ]);
  stats.forEach((st, i) => {
    if (st?.isSymbolicLink()) throw new ResponseError(MedadErrorCodes.PathOutsideWorkspace, `${what}: ${path.join(runDir, parts[i])} is a symlink; symlinks inside run folders are refused`);
  });
  for (const e of entries)
    if (!e.isFile() && !e.isDirectory()) throw new ResponseError(MedadErrorCodes.PathOutsideWorkspace, `${what}: ${path.join(model, e.name)} is not a regular file (a symlink?); refused`);
}

/** Writes bytes to `dest` (inside a folder made by runSubdir) through a temp file opened O_EXCL|O_NOFOLLOW, checked, renamed. */
export async function writeInRun(sandbox: Sandbox, dest: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
  const fh = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    const real = await fs.readlink(`/proc/self/fd/${fh.fd}`);
    if (!sandbox.allows(real, 'write')) throw sandbox.refusal(tmp, `writing ${path.basename(dest)} (opened as ${real})`, 'write');
    await fh.writeFile(bytes);
  } catch (e) {
    await fh.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fs.rename(tmp, dest);
}
