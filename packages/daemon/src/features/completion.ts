// Completion from the schema: keys of the mapping under the cursor, enum/const values (detectors, metrics,
// threshold policies come from core's schema as enums), and files/folders for path values (see pathItems).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CompletionItem, CompletionParams, Position } from 'vscode-languageserver/node.js';
import { CompletionItemKind, MarkupKind } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditorEngine, KeyPath } from '../engine/types.js';
import { documentSchema } from './document-schema.js';
import { configKindOf } from '../engine/core-adapter.js';
import { filePathOf } from './diagnostics.js';
import { isPathValue, keysAt, schemasAt, valuesAt } from './schema-docs.js';
import type { Schema } from './schema-docs.js';

function lineBefore(doc: TextDocument, params: CompletionParams): string {
  return doc.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
}

/**
 * Files and folders for a path value, relative to the config's folder (or absolute), as typed so far: the part up
 * to the last `/` names the folder listed, the rest is replaced by the chosen entry. Nothing outside the sandbox
 * (workspace folders and run directory) is listed, so completion cannot be used to browse the machine.
 */
async function pathItems(doc: TextDocument, typed: string, position: Position, allowed: (abs: string) => boolean): Promise<CompletionItem[]> {
  const base = path.dirname(filePathOf(doc.uri));
  const slash = typed.lastIndexOf('/');
  const folderPart = typed.slice(0, slash + 1);
  const dir = path.resolve(base, folderPart || '.');
  if (!allowed(dir)) return [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const range = { start: { line: position.line, character: position.character - (typed.length - slash - 1) }, end: position };
  return entries
    .filter((e) => !e.name.startsWith('.') && allowed(path.join(dir, e.name)))
    .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name))
    .slice(0, 500)
    .map((e) => {
      const label = e.isDirectory() ? `${e.name}/` : e.name;
      return { label, kind: e.isDirectory() ? CompletionItemKind.Folder : CompletionItemKind.File, textEdit: { range, newText: label }, filterText: label };
    });
}

export async function complete(
  engine: EditorEngine,
  doc: TextDocument,
  params: CompletionParams,
  allowed: (abs: string) => boolean = () => false,
): Promise<CompletionItem[]> {
  const text = doc.getText();
  const kind = configKindOf(text);
  const schema = kind ? (documentSchema(engine, kind, text) as Schema | undefined) : undefined;
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
    if (kind === 'experiment' && keyPath.join('.') === 'detector.name')
      values.push(...engine.detectors().map<CompletionItem>((d) => ({ label: d.name, kind: CompletionItemKind.Class, ...(d.description ? { documentation: d.description } : {}) })));
    if (isPathValue(schema, keyPath)) values.push(...(await pathItems(doc, afterColon[2].replace(/^['"]/, ''), params.position, allowed)));
    return values;
  }
  // A sequence item (`- au`): the enum values of the list's items (e.g. evaluation.metrics).
  const item = /^\s*-\s*([\w.-]*)$/.exec(before);
  if (item && typeof at.path[at.path.length - 1] === 'number') {
    return valuesAt(schema, at.path).map<CompletionItem>((v) => ({ label: v.value, kind: CompletionItemKind.EnumMember }));
  }
  // A key: complete the mapping the cursor is in (the path ends at the mapping, or at a key being typed).
  const typed = /([\w.-]*)$/.exec(before)?.[1] ?? '';
  let mapPath: KeyPath = siblingMapPath(engine, doc, params.position.line, before.length - typed.length) ?? at.path;
  if (at.path.length > 0 && at.path[at.path.length - 1] === typed && typed !== '') mapPath = at.path.slice(0, -1);
  if (!schemasAt(schema, mapPath).some((s) => s.properties)) mapPath = mapPath.slice(0, -1);
  // Keys already in the mapping are not offered again (YAML forbids duplicates), except the one being typed.
  const present = (key: string) => {
    const r = engine.rangeOf(text, [...mapPath, key], 'key');
    return r !== undefined && r.start.line !== params.position.line;
  };
  return keysAt(schema, mapPath)
    .filter((k) => !present(k.key))
    .map<CompletionItem>((k) => ({
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
