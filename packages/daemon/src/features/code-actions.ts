// Quick fixes for medad diagnostics: "did you mean" for unknown keys (the keys the schema allows in that mapping),
// enum values (the options the message lists) and detector names (registered detectors and common aliases).
import type { CodeAction, CodeActionParams, Diagnostic } from 'vscode-languageserver/node.js';
import { CodeActionKind } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditorEngine, KeyPath } from '../engine/types.js';
import { documentSchema } from './document-schema.js';
import { filePathOf } from './diagnostics.js';
import { keysAt } from './schema-docs.js';

type Schema = Parameters<typeof keysAt>[0];

/** What a diagnostic's text offers to replace, and with which candidates. */
function candidatesFor(engine: EditorEngine, doc: TextDocument, d: Diagnostic): { word: string; options: string[]; what?: 'detector' } | undefined {
  const text = doc.getText(d.range).replace(/^['"]|['"]$/g, '');
  const path = ((d.data as { path?: KeyPath } | undefined)?.path ?? []) as KeyPath;
  const unknownKey = /^Unknown key '([^']+)'/.exec(d.message);
  if (unknownKey) {
    const kind = engine.analyse(doc.getText(), filePathOf(doc.uri)).kind;
    const schema = kind ? (documentSchema(engine, kind, doc.getText()) as Schema | undefined) : undefined;
    if (!schema) return undefined;
    return { word: unknownKey[1], options: keysAt(schema, path.slice(0, -1)).map((k) => k.key) };
  }
  if (d.code === 'unknown-detector') return { word: text, options: engine.detectors().map((x) => x.name), what: 'detector' };
  // enum / literal errors list their options in quotes ("must be one of 'a', 'b'" or 'expected one of "a"|"b"')
  const listed = /one of (.+)$/.exec(d.message);
  if (listed) {
    const options = [...listed[1].matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]);
    if (options.length) return { word: text, options };
  }
  return undefined;
}

export function codeActions(engine: EditorEngine, doc: TextDocument, p: CodeActionParams): CodeAction[] {
  if (!engine.suggest) return [];
  const out: CodeAction[] = [];
  for (const d of p.context.diagnostics) {
    if (d.source !== 'medad') continue;
    const c = candidatesFor(engine, doc, d);
    if (!c || !c.word) continue;
    const fixes = engine.suggest(c.word, c.options, c.what).slice(0, 3);
    fixes.forEach((fix, i) => {
      out.push({
        title: `Change '${c.word}' to '${fix}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: i === 0,
        edit: { changes: { [doc.uri]: [{ range: d.range, newText: fix }] } },
      });
    });
  }
  return out;
}
