// Requests name files; the daemon only touches files inside the workspace folders and the run directory.
// Paths are resolved through symlinks (realpath of the longest existing prefix) so `..` and links cannot
// escape, and a refused path gets an error that names it and the allowed roots.
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResponseError } from 'vscode-languageserver/node.js';
import { MedadErrorCodes } from '../protocol.js';

/** `file://` URI or absolute path -> absolute path; anything else is refused. */
export function toPath(ref: unknown, what: string): string {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new ResponseError(MedadErrorCodes.InvalidParams, `${what}: expected a file URI or an absolute path`);
  }
  if (ref.startsWith('file:')) {
    try {
      return fileURLToPath(ref);
    } catch {
      throw new ResponseError(MedadErrorCodes.InvalidParams, `${what}: not a valid file URI: ${ref}`);
    }
  }
  if (/^[a-z][a-z0-9+.-]+:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) {
    throw new ResponseError(MedadErrorCodes.InvalidParams, `${what}: only file URIs are supported: ${ref}`);
  }
  if (!path.isAbsolute(ref)) throw new ResponseError(MedadErrorCodes.InvalidParams, `${what}: path must be absolute: ${ref}`);
  return path.resolve(ref);
}

/** realpath of the longest existing prefix, with the missing tail appended. */
function realish(p: string): string {
  const tail: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...tail.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      tail.push(path.basename(cur));
      cur = parent;
    }
  }
}

export class Sandbox {
  private roots: string[] = [];

  setRoots(roots: string[]): void {
    this.roots = [...new Set(roots.map((r) => realish(path.resolve(r))))];
  }

  get allowed(): readonly string[] {
    return this.roots;
  }

  contains(abs: string): boolean {
    const real = realish(abs);
    return this.roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  }

  /** Resolves a request's file reference, refusing anything outside the roots. */
  resolve(ref: unknown, what: string): string {
    const abs = toPath(ref, what);
    if (!this.contains(abs)) {
      throw new ResponseError(
        MedadErrorCodes.PathOutsideWorkspace,
        `${what}: ${abs} is outside the workspace folders and the run directory (${this.roots.join(', ') || 'none'}); refused`,
      );
    }
    return abs;
  }
}
