// Offset <-> LSP position conversion for a text, and the YAML node lookups the daemon needs for hover,
// completion and for placing semantic problems found after parsing (e.g. a path that does not exist).
import { isMap, isNode, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Position } from './issues.js';

export type KeyPath = (string | number)[];

export interface Range {
  start: Position;
  end: Position;
}

/** Line starts of a text, for repeated offset -> position conversion. */
export class TextLines {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** 0-based line and character of a string offset (clamped into the text). */
  position(offset: number): Position {
    const off = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: off - this.starts[lo] };
  }

  offset(pos: Position): number {
    const line = Math.max(0, Math.min(pos.line, this.starts.length - 1));
    const lineEnd = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return Math.min(this.starts[line] + Math.max(0, pos.character), lineEnd);
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}

function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' || typeof k === 'number' ? String(k) : undefined;
}

export interface PathHit {
  /** The pair (for a mapping key) or undefined (sequence item / root). */
  pair?: Pair;
  node?: Node | null;
}

/** Key -> first pair of a mapping, built once per mapping: a scan per look-up made 60k-key diagnostics quadratic. */
const keyIndex = new WeakMap<object, Map<string, Pair>>();

function pairOf(map: { items: Pair[] }, key: string): Pair | undefined {
  let index = keyIndex.get(map);
  if (!index || index.size === 0) {
    index = new Map();
    for (const p of map.items) {
      const k = keyName(p);
      if (k !== undefined && !index.has(k)) index.set(k, p);
    }
    keyIndex.set(map, index);
  }
  return index.get(key);
}

/** Follows a key path through a parsed document; undefined when a segment does not exist. */
export function findPath(doc: Document, path: KeyPath): PathHit | undefined {
  let node: unknown = doc.contents;
  let hit: PathHit = { node: doc.contents as Node | null };
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairOf(node as { items: Pair[] }, String(seg));
      if (!pair) return undefined;
      node = pair.value;
      hit = { pair, node: isNode(pair.value) ? pair.value : null };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return undefined;
      node = item;
      hit = { node: isNode(item) ? item : null };
    } else return undefined;
  }
  return hit;
}

/** Offsets [start, end) of a path's key (part 'key') or value; a missing value falls back to the key. */
export function offsetsOfHit(hit: PathHit, part: 'key' | 'value'): [number, number] | undefined {
  const keyNode = hit.pair && isNode(hit.pair.key) ? hit.pair.key : undefined;
  const target = part === 'key' && keyNode ? keyNode : (hit.node ?? keyNode);
  const r = target?.range;
  if (!r) return undefined;
  return [r[0], r[1]];
}

// One parsed document kept: checks place many issues on the same text, one rangeOfPath call each, and a parse
// per call made a large config cost seconds per issue. The document is only read (findPath), never changed.
let last: { text: string; doc: Document } | undefined;
function parse(text: string): Document {
  if (last?.text !== text) last = { text, doc: parseDocument(text, { keepSourceTokens: false, uniqueKeys: false }) };
  return last.doc;
}

/** Range of the value (or key) at a key path, or undefined when the path is not in the document. */
export function rangeOfPath(text: string, path: KeyPath, part: 'key' | 'value' = 'value'): Range | undefined {
  const hit = findPath(parse(text), path);
  const offs = hit && offsetsOfHit(hit, part);
  return offs ? new TextLines(text).range(offs[0], offs[1]) : undefined;
}

/** The key path under a cursor, and whether the cursor is on a key (for hover and completion). */
export function pathAtPosition(text: string, pos: Position): { path: KeyPath; isKey: boolean } {
  const offset = new TextLines(text).offset(pos);
  const path: KeyPath = [];
  let node: unknown = parse(text).contents;
  const inside = (n: unknown): boolean => {
    const r = isNode(n) ? n.range : undefined;
    return !!r && offset >= r[0] && offset <= r[1];
  };
  for (;;) {
    if (isMap(node)) {
      let next: unknown;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (inside(pair.key)) return { path: [...path, keyName(pair) ?? ''], isKey: true };
        if (inside(pair.value)) {
          path.push(keyName(pair) ?? '');
          next = pair.value;
          break;
        }
      }
      if (next === undefined) return { path, isKey: true };
      node = next;
    } else if (isSeq(node)) {
      const idx = node.items.findIndex((it) => inside(it));
      if (idx < 0) return { path, isKey: false };
      path.push(idx);
      node = node.items[idx];
    } else return { path, isKey: false };
  }
}
