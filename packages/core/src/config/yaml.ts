// Parse a YAML config and validate it with a zod schema, mapping every problem to the exact range of the
// offending key or value so editors can underline it: unknown keys -> the key, wrong type/value -> the value,
// missing required key -> the key of the mapping that lacks it.
import { isMap, isScalar, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import type { ConfigIssue } from './issues.js';
import { TextLines, findPath, offsetsOfHit } from './positions.js';
import type { KeyPath, Range } from './positions.js';

export interface ParsedConfig<T> {
  value?: T;
  issues: ConfigIssue[];
}

type ZodIssue = z.core.$ZodIssue;

/** Schema problems located and reported per document; the rest are counted in one closing issue. */
export const MAX_ISSUES = 200;

function describePath(path: KeyPath): string {
  return path.length === 0
    ? 'document'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[');
}

/** The range of the longest existing prefix of `path`: its key for 'key', its value otherwise. */
function locate(
  doc: Document,
  lines: TextLines,
  path: KeyPath,
  part: 'key' | 'value',
): { range: Range; exact: boolean } {
  for (let n = path.length; n >= 0; n--) {
    const hit = findPath(doc, path.slice(0, n));
    if (!hit) continue;
    const exact = n === path.length;
    // A missing key is reported on the key of its parent mapping (the value may span many lines).
    const offs = offsetsOfHit(hit, exact ? part : 'key');
    if (offs) return { range: lines.range(offs[0], offs[1]), exact };
  }
  return { range: lines.range(0, Math.max(0, lines.text.indexOf('\n'))), exact: false };
}

/** For a union, report the branch that came closest (fewest issues) rather than a bare "Invalid input". */
function flatten(issue: ZodIssue): ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
  return best.flatMap((sub) => flatten({ ...sub, path: [...issue.path, ...sub.path] } as ZodIssue));
}

function toConfigIssues(issue: ZodIssue, doc: Document, lines: TextLines): ConfigIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const where = describePath(path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const at = locate(doc, lines, [...path, key], 'key');
      return {
        message: `Unknown key '${key}' in ${where}`,
        severity: 'error',
        path: [...path, key],
        ...at.range,
        code: 'schema',
      };
    });
  }
  const at = locate(doc, lines, path, 'value');
  let message = issue.message;
  if (!at.exact && path.length === 0) message = `document: ${message.replace(/^Invalid input: /, '')}`;
  else if (!at.exact)
    message = `Missing required key '${String(path[path.length - 1])}' in ${describePath(path.slice(0, -1))}`;
  else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options))
    message = `${where}: must be one of ${issue.options.map((o: unknown) => `'${String(o)}'`).join(', ')}`;
  else message = `${where}: ${message.replace(/^Invalid input: /, '')}`;
  return [{ message, severity: 'error', path, ...at.range, code: 'schema' }];
}

/** 'Map keys must be unique' at each repeated scalar key, in one pass (yaml's uniqueKeys semantics, linear). */
function duplicateKeys(doc: Document, lines: TextLines): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (!seen.has(pair.key.value)) {
          seen.add(pair.key.value);
          continue;
        }
        if (out.length >= MAX_ISSUES) return visit.BREAK;
        const [a, b] = pair.key.range ?? [0, 0];
        out.push({ message: 'Map keys must be unique', severity: 'error', path: [], ...lines.range(a, Math.max(a, b)), code: 'yaml-syntax' });
      }
    },
  });
  return out;
}

/** Where the first alias without an earlier anchor is (else the first alias, else the document start). */
function aliasRange(doc: Document, lines: TextLines): Range {
  let first: [number, number] | undefined;
  let unresolved: [number, number] | undefined;
  visit(doc, {
    Alias(_key, node) {
      const r = node.range ? ([node.range[0], node.range[1]] as [number, number]) : undefined;
      first ??= r;
      if (!unresolved && r && node.resolve(doc) === undefined) unresolved = r;
    },
  });
  const r = unresolved ?? first ?? [0, 0];
  return lines.range(r[0], r[1]);
}

/** Parses YAML text and validates it; `value` is set only when there are no errors. */
export function parseYamlDocument<T>(text: string, schema: z.ZodType<T>, _file: string): ParsedConfig<T> {
  const lines = new TextLines(text);
  // yaml's own uniqueKeys check scans every earlier key of a mapping per key (quadratic: 60k keys took 80 s);
  // duplicateKeys does the same check with a set.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const issues: ConfigIssue[] = duplicateKeys(doc, lines);
  for (const e of [...doc.errors, ...doc.warnings]) {
    const [a, b] = e.pos;
    issues.push({
      message: e.message.split('\n')[0],
      severity: e.name === 'YAMLWarning' ? 'warning' : 'error',
      path: [],
      ...lines.range(a, Math.max(b, a)),
      code: 'yaml-syntax',
    });
  }
  if (doc.errors.length > 0 || issues.some((i) => i.severity === 'error')) return { issues };
  // Empty (or comments only): say so, rather than the schema's complaint about a missing top-level mapping.
  if (doc.contents === null || doc.contents === undefined) {
    issues.push({
      message: "empty config: the file has no YAML content; a medad config is a mapping that starts with 'medad: dataset' or 'medad: experiment'",
      severity: 'error',
      path: [],
      ...lines.range(0, 0),
      code: 'empty',
    });
    return { issues };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // The yaml library reports an alias with no anchor (`*a`) or an alias bomb only here, as a ReferenceError.
    issues.push({ message: `YAML: ${(e as Error).message}`, severity: 'error', path: [], ...aliasRange(doc, lines), code: 'yaml-syntax' });
    return { issues };
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return { value: parsed.data, issues };
  const flat = parsed.error.issues.flatMap(flatten);
  // Each located problem costs a path look-up; a file with 60k unknown keys gets the first MAX_ISSUES and a count.
  let total = 0;
  for (const issue of flat) {
    const n = issue.code === 'unrecognized_keys' ? issue.keys.length : 1;
    if (total < MAX_ISSUES) {
      const room = MAX_ISSUES - total;
      const capped = issue.code === 'unrecognized_keys' && n > room ? { ...issue, keys: issue.keys.slice(0, room) } : issue;
      issues.push(...toConfigIssues(capped, doc, lines));
    }
    total += n;
  }
  issues.sort((x, y) => x.start.line - y.start.line || x.start.character - y.start.character);
  if (total > MAX_ISSUES) {
    const at = lines.range(0, 0);
    issues.push({ message: `${total - MAX_ISSUES} more problems not shown (only the first ${MAX_ISSUES} are reported)`, severity: 'error', path: [], ...at, code: 'too-many-problems' });
  }
  return { issues };
}

/** `file:line:col: severity: message`, 1-based for humans. */
export function formatIssues(file: string, issues: ConfigIssue[]): string {
  return issues
    .map((i) => `${file}:${i.start.line + 1}:${i.start.character + 1}: ${i.severity}: ${i.message}`)
    .join('\n');
}
