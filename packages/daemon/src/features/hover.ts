// Hover: the schema's description of the key under the cursor; on a path value, a live look at the dataset
// (core's summary: counts per split and class, image sizes) or, for other folders, the image files in it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Hover, HoverParams } from 'vscode-languageserver/node.js';
import { MarkupKind } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditorEngine } from '../engine/types.js';
import { documentSchema } from './document-schema.js';
import { configKindOf } from '../engine/core-adapter.js';
import { filePathOf } from './diagnostics.js';
import { formatFolderSummary, summariseFolder } from './folder-summary.js';
import { docsAt, isPathValue } from './schema-docs.js';
import type { Schema } from './schema-docs.js';

export async function hover(engine: EditorEngine, doc: TextDocument, params: HoverParams, signal: AbortSignal, readable: (abs: string) => boolean = () => true): Promise<Hover | null> {
  const text = doc.getText();
  const kind = configKindOf(text);
  if (!kind) return null;
  const schema = documentSchema(engine, kind, text) as Schema | undefined;
  const { path: keyPath, isKey } = engine.pathAt(text, params.position);
  if (keyPath.length === 0) return null;
  const parts: string[] = [];
  if (schema) parts.push(...docsAt(schema, keyPath));
  const range = engine.rangeOf(text, keyPath, isKey ? 'key' : 'value');

  if (!isKey && schema && isPathValue(schema, keyPath)) {
    const value = text.slice(doc.offsetAt(range?.start ?? params.position), doc.offsetAt(range?.end ?? params.position)).replace(/^['"]|['"]$/g, '');
    const abs = path.resolve(path.dirname(filePathOf(doc.uri)), value);
    // the sandbox decides what may be looked at (an untrusted workspace: nothing outside it)
    const stat = readable(abs) ? await fs.stat(abs).catch(() => undefined) : undefined;
    if (!readable(abs)) parts.push(`\`${abs}\` is outside the folders medad may read; not shown.`);
    else if (!stat) parts.push(`\`${abs}\` does not exist.`);
    else {
      // A dataset folder or config gets the live summary (counts, classes, sizes); anything else plain counts.
      const summary = await engine.summarisePath(abs, signal).catch(() => undefined);
      if (summary) parts.push(summary);
      else if (stat.isDirectory()) parts.push(formatFolderSummary(abs, await summariseFolder(abs, signal)));
      else parts.push(`\`${abs}\`: ${stat.size} bytes`);
    }
  }
  // On a dataset config's `sources` key: the shortcut audit's summary, when the diagnostics pass has one cached.
  if (kind === 'dataset' && isKey && keyPath.length === 1 && keyPath[0] === 'sources') {
    const audit = await engine.auditSummary?.(filePathOf(doc.uri)).catch(() => undefined);
    if (audit) parts.push(audit);
  }
  if (parts.length === 0) return null;
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') }, ...(range ? { range } : {}) };
}
