// The daemon's stderr, as the extension logs it, without Dawn's native noise: when the webgpu rung probes for a
// GPU, Dawn prints a "Warning: Couldn't load Vulkan …" block (message plus "at …BackendVk.cpp" lines) per backend
// and per probe. They become one line; everything else passes through. Pure (no `vscode`), so it is unit-tested.

const DAWN = /dawn|vulkan|\bvk[A-Z_]|VK_ERROR|BackendVk|libvulkan/i;
const CONTINUATION = /^\s+at\s|^\s*$/;
export const DAWN_SUMMARY = 'webgpu: Dawn found no usable GPU adapter (its Vulkan warnings are not logged; the backend ladder goes on to the next rung)';

export class DawnNoiseFilter {
  private partial = '';
  private inBlock = false;
  private summarised = false;

  /** Filters a chunk of output (lines may be split across chunks); returns what to log. */
  push(chunk: string): string {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.map((l) => this.line(l)).filter((l): l is string => l !== undefined).map((l) => l + '\n').join('');
  }

  /** What is left of an unterminated last line (at the end of output). */
  flush(): string {
    const rest = this.partial;
    this.partial = '';
    const out = rest ? this.line(rest) : undefined;
    return out ?? '';
  }

  private line(l: string): string | undefined {
    if (this.inBlock && CONTINUATION.test(l)) return undefined;
    this.inBlock = false;
    if (!DAWN.test(l) || /^medad/.test(l)) return l;
    this.inBlock = true;
    if (this.summarised) return undefined;
    this.summarised = true;
    return DAWN_SUMMARY;
  }
}
