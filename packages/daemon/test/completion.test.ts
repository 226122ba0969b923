// Completion of paths (relative to the config, confined to the workspace) and of keys not yet in the mapping;
// and code lenses for a client that declares no commands.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeLensRequest, CompletionRequest, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node.js';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-protocol/node.js';
import { startDaemon, uriOf } from './helpers.js';
import type { Daemon } from './helpers.js';

let d: Daemon;
beforeAll(async () => {
  d = await startDaemon();
  mkdirSync(path.join(d.workspace, 'cfg'));
  mkdirSync(path.join(d.workspace, 'data/train/normal'), { recursive: true });
  mkdirSync(path.join(d.workspace, 'data/test'), { recursive: true });
  mkdirSync(path.join(d.workspace, 'teachers/t17'), { recursive: true });
  writeFileSync(path.join(d.workspace, 'data/list.csv'), 'path,label\n');
  writeFileSync(path.join(d.workspace, 'ds.medad.yaml'), 'medad: dataset\n');
});
afterAll(async () => d.close());

let n = 0;
/** Opens `text` as a new document in `dir` (relative to the workspace) and completes at the end of line `line`. */
async function completeAt(dir: string, text: string, line: number): Promise<CompletionItem[]> {
  const uri = uriOf(path.join(d.workspace, dir, `doc${++n}.medad.yaml`));
  await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const character = text.split('\n')[line].length;
  const r = (await d.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } })) as CompletionItem[] | CompletionList | null;
  return Array.isArray(r) ? r : (r?.items ?? []);
}
const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const ds = (root: string) => `medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ${root}`;

describe('path completion', () => {
  it('lists folders and files relative to the config file, replacing only the last segment', async () => {
    const top = await completeAt('cfg', ds('../'), 4);
    expect(labels(top)).toEqual(expect.arrayContaining(['data/', 'teachers/', 'cfg/', 'ds.medad.yaml']));
    const inData = await completeAt('cfg', ds('../data/tr'), 4);
    expect(labels(inData)).toEqual(['test/', 'train/', 'list.csv']);
    const edit = inData[0].textEdit as TextEdit;
    expect(edit.range).toEqual({ start: { line: 4, character: 18 }, end: { line: 4, character: 20 } });
  });

  it('completes a manifest file, an experiment dataset and a detector teacherModel', async () => {
    const manifest = await completeAt('.', 'medad: dataset\nversion: 1\nsources:\n  - layout: manifest\n    file: data/', 4);
    expect(labels(manifest)).toContain('list.csv');
    const exp = await completeAt('.', 'medad: experiment\ndataset: ', 1);
    expect(labels(exp)).toEqual(expect.arrayContaining(['ds.medad.yaml', 'data/']));
    const teacher = await completeAt('.', 'medad: experiment\ndetector:\n  name: student-teacher\n  params:\n    teacherModel: teachers/', 4);
    expect(labels(teacher)).toEqual(['t17/']);
  });

  it('lists nothing outside the workspace (../ past its root, absolute paths elsewhere)', async () => {
    expect(await completeAt('.', ds('../'), 4)).toEqual([]);
    expect(await completeAt('cfg', ds('../../'), 4)).toEqual([]);
    expect(await completeAt('.', ds('/etc/'), 4)).toEqual([]);
    expect(labels(await completeAt('.', ds(`${d.workspace}/data/`), 4))).toContain('train/');
  });

  it('does not treat folder names under a root (train/test/masks) as paths', async () => {
    const items = await completeAt('.', 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: data\n    test: ', 5);
    expect(items.filter((i) => i.kind === 17 || i.kind === 19)).toEqual([]);
  });
});

describe('key completion', () => {
  it('offers only keys the mapping does not have yet', async () => {
    const items = await completeAt('.', `${ds('data')}\n    masks: m\n    `, 6);
    const got = labels(items);
    expect(got).toEqual(expect.arrayContaining(['train', 'test', 'normalClass']));
    expect(got).not.toContain('root');
    expect(got).not.toContain('layout');
    expect(got).not.toContain('masks');
    const top = labels(await completeAt('.', 'medad: dataset\nversion: 1\n', 2));
    expect(top).toEqual(expect.arrayContaining(['sources', 'name', 'seed']));
    expect(top).not.toContain('version');
    expect(top).not.toContain('medad');
  });
});

describe('code lenses', () => {
  it('emits none for a client that declares no commands', async () => {
    const bare = await startDaemon();
    try {
      const uri = uriOf(path.join(bare.workspace, 'e.medad.yaml'));
      await bare.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: 'medad: experiment\nversion: 1\n' } });
      expect(await bare.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});

describe('value completion', () => {
  it('offers registered detectors, metric names in a list and threshold policies', async () => {
    const det = labels(await completeAt('.', 'medad: experiment\ndataset: ds.medad.yaml\ndetector:\n  name: ', 3));
    expect(det).toEqual(expect.arrayContaining(['ae', 'vae']));
    const metrics = labels(await completeAt('.', 'medad: experiment\ndataset: ds.medad.yaml\nevaluation:\n  metrics:\n    - auroc\n    - ', 5));
    expect(metrics).toEqual(expect.arrayContaining(['auroc', 'ap']));
    const policy = labels(await completeAt('.', 'medad: experiment\ndataset: ds.medad.yaml\nevaluation:\n  threshold:\n    policy: ', 4));
    expect(policy).toEqual(expect.arrayContaining(['max-f1', 'youden', 'target-fpr', 'normal-quantile']));
  });
});
