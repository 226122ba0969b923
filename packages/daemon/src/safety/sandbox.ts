// Requests name files; the daemon reads only inside its read roots and writes only inside its write roots.
//   write roots: the workspace folders and the run directory.
//   read roots:  the write roots, plus (trusted workspaces only) the `medad.dataRoots` setting, the data folders
//                named by dataset configs inside the workspace, and the target folders of symlinks placed in a
//                workspace folder outside the run directory (`ws/busi -> /data/busi`; not `/`, system trees or ~).
// Escapes stay refused: a link to a file outside, a link inside a run folder, a link inside linked data leading
// elsewhere, and every write outside the write roots.
// Paths are resolved through symlinks (realpath of the longest existing prefix) so `..`, encoded `..` and links
// cannot escape; a refused path gets an error naming it, the roots, and how to allow it. Checks are linear in the
// path's length (a binary search over its existing prefix), and paths longer than PATH_MAX are refused at once.
// open-checked.ts re-checks at open time, on the handle, against the same rules (`allows`).
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResponseError } from 'vscode-languageserver/node.js';
import { MedadErrorCodes } from '../protocol.js';

/** Linux PATH_MAX: no longer path can be opened, so none is worth resolving. */
export const MAX_PATH_CHARS = 4096;

export type Access = 'read' | 'write';

const bad = (what: string, msg: string) => new ResponseError(MedadErrorCodes.InvalidParams, `${what}: ${msg}`);

/** `file://` URI or absolute path -> normalised absolute path; anything else is refused. */
export function toPath(ref: unknown, what: string): string {
  if (typeof ref !== 'string' || ref.length === 0) throw bad(what, 'expected a file URI or an absolute path');
  // checked before any parsing: nothing below may cost more than the length allows
  if (ref.length > MAX_PATH_CHARS * 3) throw bad(what, `path is ${ref.length} characters long; the limit is ${MAX_PATH_CHARS}`);
  if (ref.includes('\0')) throw bad(what, 'path contains a NUL byte');
  let abs: string;
  if (ref.startsWith('file:')) {
    try {
      abs = fileURLToPath(ref);
    } catch {
      throw bad(what, `not a valid file URI: ${ref.slice(0, 200)}`);
    }
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) {
    throw bad(what, `only file URIs are supported: ${ref.slice(0, 200)}`);
  } else if (!path.isAbsolute(ref)) throw bad(what, `path must be absolute: ${ref.slice(0, 200)}`);
  else abs = ref;
  if (abs.includes('\0')) throw bad(what, 'path contains a NUL byte');
  const out = path.resolve(abs);
  if (out.length > MAX_PATH_CHARS) throw bad(what, `path is ${out.length} characters long; the limit is ${MAX_PATH_CHARS}`);
  return out;
}

/**
 * realpath of the longest existing prefix, with the missing tail appended. Prefix existence is monotonic (a
 * prefix resolves only if its parent does), so a binary search finds it in O(log n) realpath calls.
 */
export function realish(p: string): string {
  const parts = p.split(path.sep).filter(Boolean);
  const prefix = (k: string) => (k ? k : path.sep);
  const join = (n: number) => prefix(path.sep + parts.slice(0, n).join(path.sep));
  const real = (n: number): string | undefined => {
    try {
      return realpathSync(join(n));
    } catch {
      return undefined;
    }
  };
  const whole = real(parts.length);
  if (whole !== undefined) return whole;
  let lo = 0; // resolves (the root)
  let hi = parts.length; // does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (real(mid) !== undefined) lo = mid;
    else hi = mid;
  }
  return path.join(real(lo) ?? path.sep, ...parts.slice(lo));
}

export const within = (real: string, root: string): boolean => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** Folders a workspace symlink may never open up: the root, system trees and the home folder itself. */
const SYSTEM = ['/proc', '/sys', '/dev', '/etc', '/boot', '/run', '/var/run'];

/** The real folder a workspace symlink leads to, when it is a data folder (a directory, not a system tree). */
function linkedDataRoot(link: string): string | undefined {
  const real = realish(link);
  try {
    if (!statSync(real).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  return safeDataRoot(real) ? real : undefined;
}

/** A folder that may become a read root: not `/`, a system tree or the home folder itself. */
export function safeDataRoot(real: string): boolean {
  return !(real === path.sep || real === homedir() || SYSTEM.some((s) => within(real, s)));
}

/** `/proc`, `/sys` or `/dev` when `abs` lies under one: no run folder, cache or output may go there. */
export function specialFsRoot(abs: string): string | undefined {
  const real = realish(path.resolve(abs));
  return ['/proc', '/sys', '/dev'].find((r) => within(real, r) || within(path.resolve(abs), r));
}

export interface SandboxOptions {
  /** VS Code workspace trust; an untrusted workspace reads only inside its own folders and the run directory. */
  trusted?: boolean;
  dataRoots?: string[];
}

export class Sandbox {
  private writeRoots: string[] = [];
  private workspaceFolders: string[] = [];
  private dataRoots: string[] = [];
  private datasetRoots = new Map<string, string[]>();
  private trustedWs = true;

  setRoots(roots: string[], workspaceFolders: string[] = roots): void {
    this.writeRoots = [...new Set(roots.map((r) => realish(path.resolve(r))))];
    this.workspaceFolders = workspaceFolders.map((r) => path.resolve(r));
  }

  configure(opts: SandboxOptions): void {
    if (opts.trusted !== undefined) this.trustedWs = opts.trusted;
    if (opts.dataRoots) this.dataRoots = [...new Set(opts.dataRoots.filter((r) => typeof r === 'string' && path.isAbsolute(r)).map((r) => realish(path.resolve(r))))];
  }

  get trusted(): boolean {
    return this.trustedWs;
  }

  /** The write roots (workspace folders and run directory, real paths). */
  get allowed(): readonly string[] {
    return this.writeRoots;
  }

  /** Every folder reads may come from (without the per-path symlink rule). */
  get readRoots(): readonly string[] {
    return this.trustedWs ? [...this.writeRoots, ...this.dataRoots, ...[...this.datasetRoots.values()].flat()] : this.writeRoots;
  }

  /**
   * Registers the data folders a dataset config names (its sources, validation and pool folders), so images
   * outside the workspace that it uses can be read. Only a config inside the workspace counts.
   */
  setDatasetRoots(configFile: string, roots: string[]): void {
    if (!this.workspaceFolders.some((w) => within(path.resolve(configFile), w)) && !this.writeRoots.some((w) => within(realish(configFile), w))) return;
    this.datasetRoots.set(configFile, [...new Set(roots.map((r) => realish(path.resolve(r))))].filter(safeDataRoot));
  }

  /**
   * The target root of a symlink placed inside a workspace folder that `abs` goes through, when `abs` is
   * lexically inside a workspace folder: reading through such a link is the user's intent (trusted only).
   */
  private linkRootOf(abs: string): string | undefined {
    if (!this.trustedWs) return undefined;
    const ws = this.workspaceFolders.find((w) => within(abs, w));
    if (!ws) return undefined;
    const rest = path.relative(ws, abs).split(path.sep).filter(Boolean);
    let cur = ws;
    for (const part of rest) {
      cur = path.join(cur, part);
      let isLink: boolean;
      try {
        isLink = lstatSync(cur).isSymbolicLink();
      } catch {
        return undefined;
      }
      // a link inside the run directory is never a data root (cache/model links must not escape)
      if (isLink) return this.writeRoots.some((r) => r !== realish(ws) && within(realish(path.dirname(cur)), r)) ? undefined : linkedDataRoot(cur);
    }
    return undefined;
  }

  /** Whether a real path may be accessed; `via` is the root a workspace symlink grants (see linkRootOf). */
  allows(real: string, access: Access, via?: string): boolean {
    const roots = access === 'write' ? this.writeRoots : this.readRoots;
    return roots.some((r) => within(real, r)) || (access === 'read' && via !== undefined && within(real, via));
  }

  contains(abs: string, access: Access = 'read'): boolean {
    return this.allows(realish(abs), access) || (access === 'read' && this.allows(realish(abs), access, this.linkRootOf(abs)));
  }

  /** Resolves a request's file reference, refusing anything outside the roots for that access. */
  resolve(ref: unknown, what: string, access: Access = 'read'): string {
    return this.check(toPath(ref, what), what, access).abs;
  }

  /**
   * resolve for a list (scoreImages files): a missing file's real path is its folder's (cached) plus its name, so
   * 10k files in one folder cost ~10k realpath calls, not 10k binary searches.
   */
  resolveOneOfMany(ref: unknown, what: string, dirCache: Map<string, string>): string {
    const abs = toPath(ref, what);
    let real: string | undefined;
    try {
      real = realpathSync(abs);
    } catch {
      const dir = path.dirname(abs);
      let realDir = dirCache.get(dir);
      if (realDir === undefined) dirCache.set(dir, (realDir = realish(dir)));
      real = path.join(realDir, path.basename(abs));
    }
    return this.check(abs, what, 'read', real).abs;
  }

  /** Like resolve, for a path already absolute; returns the real path and the symlink root that allowed it. */
  check(abs: string, what: string, access: Access, knownReal?: string): { abs: string; real: string; via?: string } {
    const real = knownReal ?? realish(abs);
    if (this.allows(real, access)) return { abs, real };
    const via = access === 'read' ? this.linkRootOf(abs) : undefined;
    if (via !== undefined && this.allows(real, access, via)) return { abs, real, via };
    throw this.refusal(abs, what, access);
  }

  refusal(abs: string, what: string, access: Access): ResponseError<void> {
    const shown = abs.length > 300 ? `${abs.slice(0, 300)}…` : abs;
    if (access === 'write')
      return new ResponseError(MedadErrorCodes.PathOutsideWorkspace, `${what}: ${shown} is outside the workspace folders and the run directory (${this.writeRoots.join(', ') || 'none'}); writing there is refused`);
    const how = this.trustedWs
      ? "to allow reading it, add its folder to the 'medad.dataRoots' setting, or name it in a dataset config inside the workspace"
      : 'this workspace is not trusted, so nothing outside it is read (trust the workspace to use medad.dataRoots)';
    return new ResponseError(MedadErrorCodes.PathOutsideWorkspace, `${what}: ${shown} is outside the workspace folders, the run directory and the data roots (${this.readRoots.join(', ') || 'none'}); refused: ${how}`);
  }
}
