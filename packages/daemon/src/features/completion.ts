// Completion from the schema: keys of the mapping under the cursor, enum/const values (detectors, metrics,
// threshold policies come from core's schema as enums), and file names for path values.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CompletionItem, CompletionParams } from 'vscode-languageserver/node.js';
import { CompletionItemKind, MarkupKind } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditorEngine, KeyPath } from '../engine/types.js';
import { configKindOf } from '../engine/core-adapter.js';
import { filePathOf } from './diagnostics.js';
import { isPathValue, keysAt, schemasAt, valuesAt } from './schema-docs.js';
import type { Schema } from './schema-docs.js';

function lineBefore(doc: TextDocument, params: CompletionParams): string {
  return doc.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
}

async function pathItems(doc: TextDocument, typed: string): Promise<CompletionItem[]> {
  const base = path.dirname(filePathOf(doc.uri));
  const dir = path.resolve(base, typed.endsWith('/') ? typed : path.dirname(typed || '.'));
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => !e.name.startsWith('.'))
    .slice(0, 500)
    .map((e) => ({ label: e.isDirectory() ? `${e.name}/` : e.name, kind: e.isDirectory() ? CompletionItemKind.Folder : CompletionItemKind.File }));
}

export async function complete(engine: EditorEngine, doc: TextDocument, params: CompletionParams): Promise<CompletionItem[]> {
  const text = doc.getText();
  const kind = configKindOf(text);
  const schema = kind ? (engine.jsonSchema(kind) as Schema | undefined) : undefined;
  if (!schema) return [];
  const before = lineBefore(doc, params);
  const afterColon = /^\s*(-\s+)?[\w.-]+:\s*(\S*)$/.exec(before);
  const at = engine.pathAt(text, params.position);

  if (afterColon) {
    // A value: the key is on this line, so the path's last segment names it.
    const key = /([\w.-]+):\s*\S*$/.exec(before)?.[1] ?? '';
    const keyPath: KeyPath = at.path[at.path.length - 1] === key ? at.path : [...at.path, key];
    const values = valuesAt(schema, keyPath).map<CompletionItem>((v) => ({
      label: v.value,
      kind: CompletionItemKind.EnumMember,
      ...(v.description ? { documentation: v.description } : {}),
    }));
    if (isPathValue(schema, keyPath)) values.push(...(await pathItems(doc, afterColon[2].replace(/^['"]/, ''))));
    return values;
  }
  // A key: complete the mapping the cursor is in (the path ends at the mapping, or at a key being typed).
  const typed = /([\w.-]*)$/.exec(before)?.[1] ?? '';
  let mapPath: KeyPath = siblingMapPath(engine, doc, params.position.line, before.length - typed.length) ?? at.path;
  if (at.path.length > 0 && at.path[at.path.length - 1] === typed && typed !== '') mapPath = at.path.slice(0, -1);
  if (!schemasAt(schema, mapPath).some((s) => s.properties)) mapPath = mapPath.slice(0, -1);
  return keysAt(schema, mapPath).map<CompletionItem>((k) => ({
      label: k.key,
      kind: CompletionItemKind.Property,
      insertText: `${k.key}: `,
      detail: k.required ? 'required' : 'optional',
      ...(k.description ? { documentation: { kind: MarkupKind.Markdown, value: k.description } } : {}),
    }));
}


/**
 * On a blank or half-typed line the YAML tree has no node at the cursor; the mapping is the one holding the
 * nearest sibling key above at the same indentation (`- ` of a sequence item counts as indentation).
 */
function siblingMapPath(engine: EditorEngine, doc: TextDocument, line: number, indent: number): KeyPath | undefined {
  const lines = doc.getText().split('\n');
  for (let l = line - 1; l >= 0; l--) {
    const m = /^(\s*(?:-\s+)?)([\w.-]+):/.exec(lines[l]);
    if (!m) continue;
    if (m[1].length < indent) return undefined;
    if (m[1].length === indent) {
      const at = engine.pathAt(doc.getText(), { line: l, character: indent });
      return at.isKey ? at.path.slice(0, -1) : undefined;
    }
  }
  return undefined;
}
