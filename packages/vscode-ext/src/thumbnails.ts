// Thumbnails of images the browser cannot show (TIFF, DICOM, NIfTI, 16-bit PNG), rendered by the daemon
// (medad/renderImage) on demand: the gallery asks for the files of its visible window only, and each new request
// replaces the files still waiting, so scrolling through 10,000 images renders what is looked at, not everything
// scrolled past. Renders are cached (by file and modification time) in a size-bounded LRU shared by all galleries.
// Pure (no `vscode`), so it is unit-tested.

export interface Rendered {
  /** data: URL of the rendered PNG. */
  src: string;
}

/** Least-recently-used cache bounded by the total length of its values. */
export class SizedLru {
  private readonly map = new Map<string, string>();
  private total = 0;
  constructor(private readonly maxChars: number) {}

  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: string): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.total -= old.length;
      this.map.delete(key);
    }
    this.map.set(key, value);
    this.total += value.length;
    for (const [k, v] of this.map) {
      if (this.total <= this.maxChars || k === key) break;
      this.map.delete(k);
      this.total -= v.length;
    }
  }

  get size(): number {
    return this.map.size;
  }
}

export interface ThumbnailSource {
  /** Cache key of the file's current content (e.g. path + mtime); undefined when the file is gone. */
  key(file: string): Promise<string | undefined>;
  /** Renders the file as a PNG, base64. */
  render(file: string): Promise<string>;
}

export type ThumbnailResult = { file: string; src: string } | { file: string; error: string };

export class ThumbnailQueue {
  private pending: string[] = [];
  private running = 0;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly source: ThumbnailSource,
    private readonly cache: SizedLru,
    private readonly deliver: (r: ThumbnailResult) => void,
    private readonly concurrency = 2,
  ) {}

  /** The files the gallery shows now, most wanted first: replaces every file still waiting from earlier calls. */
  want(files: readonly string[]): void {
    this.pending = [...new Set(files)].filter((f) => !this.inFlight.has(f));
    this.pump();
  }

  /** Files waiting (not yet started). */
  get waiting(): readonly string[] {
    return this.pending;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.pending.length) {
      const file = this.pending.shift() as string;
      this.running++;
      this.inFlight.add(file);
      void this.one(file).finally(() => {
        this.running--;
        this.inFlight.delete(file);
        this.pump();
      });
    }
  }

  private async one(file: string): Promise<void> {
    try {
      const key = await this.source.key(file);
      if (key === undefined) throw new Error('the file is gone');
      let src = this.cache.get(key);
      if (src === undefined) {
        src = `data:image/png;base64,${await this.source.render(file)}`;
        this.cache.set(key, src);
      }
      this.deliver({ file, src });
    } catch (e) {
      this.deliver({ file, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
