// The leakage check as the editor sees it: published after the cheap checks, run once per dataset state (edits
// elsewhere in the text re-place the cached report), re-run when the folders change; and hovers on a config
// path that notice new images in the folders the config names.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeGray8Png } from '@medad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node.js';
import type { MarkupContent } from 'vscode-languageserver-protocol/node.js';
import { startDaemon, uriOf } from './helpers.js';
import type { Daemon } from './helpers.js';

let d: Daemon;
let root: string;
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const png = (file: string) => writeGray8Png(file, { width: 8, height: 8, data: Float32Array.from({ length: 64 }, rand) }, { min: 0, max: 1 });

beforeAll(async () => {
  d = await startDaemon();
  root = path.join(d.workspace, 'data');
  for (const [dir, count] of [['train/normal', 6], ['test/normal', 3], ['test/lesion', 3]] as const) {
    mkdirSync(path.join(root, dir), { recursive: true });
    for (let i = 0; i < count; i++) await png(path.join(root, dir, `${dir.replace('/', '_')}_${i}.png`));
  }
  copyFileSync(path.join(root, 'train/normal/train_normal_2.png'), path.join(root, 'test/lesion/planted.png'));
});
afterAll(async () => d.close());

const runs = () => d.stderr().match(/leakage check of \d+ images/g)?.length ?? 0;

describe('leakage in the editor', () => {
  it('runs once per dataset state and re-places cached warnings after edits', async () => {
    const file = path.join(d.workspace, 'ds.medad.yaml');
    const uri = uriOf(file);
    const text = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./data\n';
    writeFileSync(file, text);
    const leak = (version: number) => d.diagnostics(uri, (p) => p.version === version && p.diagnostics.some((x) => x.code === 'leakage'));

    const first = leak(1);
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const a = (await first).diagnostics.find((x) => x.code === 'leakage');
    expect(a?.range.start.line).toBe(4);
    expect(a?.relatedInformation?.map((r) => path.basename(r.location.uri)).sort()).toEqual(['planted.png', 'train_normal_2.png']);
    expect(runs()).toBe(1);

    // Two lines above the source: the same report, moved with its key, without a second run.
    const edited = text.replace('sources:', 'name: moved\nseed: 1\nsources:');
    const second = leak(2);
    await d.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
    expect((await second).diagnostics.find((x) => x.code === 'leakage')?.range.start.line).toBe(6);
    expect(runs()).toBe(1);

    // A new image in a test folder changes the dataset: the check runs again.
    await png(path.join(root, 'test/normal/new.png'));
    const third = leak(3);
    await d.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: edited + '\n' }] });
    await third;
    expect(runs()).toBe(2);
  });

  it('refreshes a hover on a config path when images are added to the folders it names', async () => {
    const exp = path.join(d.workspace, 'e.medad.yaml');
    const text = 'medad: experiment\ndataset: ds.medad.yaml\n';
    writeFileSync(exp, text);
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(exp), languageId: 'yaml', version: 1, text } });
    const hover = async () => {
      const h = await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(exp) }, position: { line: 1, character: 12 } });
      return (h?.contents as MarkupContent).value;
    };
    const before = await hover();
    expect(before).toContain('- test: 8 (lesion 4, normal 4)');
    await png(path.join(root, 'test/lesion/later.png'));
    expect(await hover()).toContain('- test: 9 (lesion 5, normal 4)');
  });
});
