import { describe, expect, it } from 'vitest';
import { SizedLru, ThumbnailQueue, type ThumbnailResult } from '../src/thumbnails.js';

/** A render source whose renders finish only when the test releases them. */
function source() {
  const started: string[] = [];
  const release = new Map<string, (png: string) => void>();
  const fail = new Set<string>();
  return {
    started,
    fail,
    release: async (file: string) => {
      release.get(file)?.(`png-of-${file}`);
      await new Promise((r) => setTimeout(r, 0));
    },
    src: {
      key: async (file: string) => (file === 'gone' ? undefined : `${file}@1`),
      render: (file: string) => {
        started.push(file);
        if (fail.has(file)) return Promise.reject(new Error(`${file}: not an image`));
        return new Promise<string>((r) => release.set(file, r));
      },
    },
  };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SizedLru', () => {
  it('evicts the least recently used entries beyond its size', () => {
    const c = new SizedLru(10);
    c.set('a', '1234');
    c.set('b', '1234');
    expect(c.get('a')).toBe('1234'); // a is now the most recent
    c.set('c', '1234');
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual(['1234', undefined, '1234']);
    c.set('big', '12345678901');
    expect(c.size).toBe(1); // an entry larger than the cache still stays (the one just rendered)
  });
});

describe('ThumbnailQueue', () => {
  it('renders at most `concurrency` at once, and a new window replaces the files still waiting', async () => {
    const s = source();
    const out: ThumbnailResult[] = [];
    const q = new ThumbnailQueue(s.src, new SizedLru(1e6), (r) => out.push(r), 2);
    q.want(['a', 'b', 'c', 'd']);
    await tick();
    expect(s.started).toEqual(['a', 'b']);
    q.want(['x', 'b', 'y']); // scrolled: c and d are no longer visible; b is already rendering
    expect(q.waiting).toEqual(['x', 'y']);
    await s.release('a');
    await tick();
    expect(s.started).toEqual(['a', 'b', 'x']);
    await s.release('b');
    await s.release('x');
    await tick();
    await s.release('y');
    expect(s.started).toEqual(['a', 'b', 'x', 'y']);
    expect(out.map((r) => r.file)).toEqual(['a', 'b', 'x', 'y']);
    expect(out[0]).toEqual({ file: 'a', src: 'data:image/png;base64,png-of-a' });
  });
  it('serves a file rendered before from the cache, and reports failures without stopping', async () => {
    const s = source();
    const out: ThumbnailResult[] = [];
    const cache = new SizedLru(1e6);
    const q = new ThumbnailQueue(s.src, cache, (r) => out.push(r), 1);
    s.fail.add('bad');
    q.want(['bad', 'a', 'gone']);
    await tick();
    await s.release('a');
    await tick();
    q.want(['a']);
    await tick();
    expect(s.started).toEqual(['bad', 'a']); // 'a' rendered once; 'gone' never reaches the daemon
    expect(out).toEqual([
      { file: 'bad', error: 'bad: not an image' },
      { file: 'a', src: 'data:image/png;base64,png-of-a' },
      { file: 'gone', error: 'the file is gone' },
      { file: 'a', src: 'data:image/png;base64,png-of-a' },
    ]);
  });
});
