// Editor features through the real daemon process: diagnostics, hover, completion, code lenses.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
} from 'vscode-languageserver-protocol/node.js';
import type { CompletionItem, CompletionList, MarkupContent } from 'vscode-languageserver-protocol/node.js';
import { startDaemon, uriOf } from './helpers.js';
import type { Daemon } from './helpers.js';

const BAD = ['medad: dataset', 'version: 1', 'sources:', '  - layout: folder', '    root: ./data', '    colour: red', ''].join('\n');
const GOOD = BAD.replace('    colour: red\n', '');

let d: Daemon;
let file: string;
let uri: string;
let version = 1;

beforeAll(async () => {
  d = await startDaemon({ initOptions: { supportedCommands: ['medad.train', 'medad.evaluate'] } });
  mkdirSync(path.join(d.workspace, 'data/train/normal'), { recursive: true });
  writeFileSync(path.join(d.workspace, 'data/train/normal/a.png'), '');
  file = path.join(d.workspace, 'ds.medad.yaml');
  writeFileSync(file, BAD);
  uri = uriOf(file);
});
afterAll(async () => d.close());

/** Diagnostics for the next version (call before `change`). */
function next() {
  const want = version + 1;
  return d.diagnostics(uri, (p) => p.version === want);
}

function change(text: string) {
  return d.conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: ++version },
    contentChanges: [{ text }],
  });
}

describe('diagnostics', () => {
  it('reports an unknown key at its exact range, then clears when fixed', async () => {
    const first = d.diagnostics(uri);
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text: BAD } });
    const diags = (await first).diagnostics;
    expect(diags).toHaveLength(1);
    expect(diags[0].message).toMatch(/colour/);
    expect(diags[0].range).toEqual({ start: { line: 5, character: 4 }, end: { line: 5, character: 10 } });

    const cleared = next();
    await change(GOOD);
    expect((await cleared).diagnostics).toEqual([]);
  });

  it('flags a source root that does not exist (semantic check, after the schema pass)', async () => {
    const text = GOOD.replace('./data', './nowhere');
    // Wait for this text's finding: a semantic pass of an earlier text may still be publishing.
    const semantic = d.diagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'path-missing' && x.message.includes('nowhere')));
    await change(text);
    const diag = (await semantic).diagnostics.find((x) => x.code === 'path-missing');
    expect(diag?.message).toContain('nowhere');
    expect(diag?.range.start).toEqual({ line: 4, character: 10 });
    const back = next();
    await change(GOOD);
    expect((await back).diagnostics).toEqual([]);
  });

  it('reports YAML syntax errors instead of failing', async () => {
    const bad = next();
    await change('medad: dataset\nversion: [1\n');
    const diags = (await bad).diagnostics;
    expect(diags.length).toBeGreaterThan(0);
    expect(diags.every((x) => x.severity === 1)).toBe(true);
    const back = next();
    await change(GOOD);
    expect((await back).diagnostics).toEqual([]);
  });
});

describe('hover and completion', () => {
  it('hovers a key with its schema description', async () => {
    const h = await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 6 } });
    expect((h?.contents as MarkupContent).value).toMatch(/layout|folder/i);
  });

  it('hovers a dataset path with a live summary (counts per split and class, unreadable files)', async () => {
    const h = await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 12 } });
    const text = (h?.contents as MarkupContent).value;
    expect(text).toContain('**1 images**');
    expect(text).toContain('- train: 1 (normal 1)');
    expect(text).toMatch(/unreadable: 1, e\.g\. `a\.png`: empty file/);
  });

  it('completes keys of a source and enum values of layout', async () => {
    const text = GOOD + '    \n';
    await change(text);
    const keys = (await d.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 5, character: 4 } })) as CompletionItem[] | CompletionList;
    const labels = (Array.isArray(keys) ? keys : keys.items).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['masks', 'normalClass']));
    const values = (await d.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 3, character: 12 } })) as CompletionItem[];
    expect(values.map((v) => v.label)).toEqual(expect.arrayContaining(['folder', 'manifest', 'dicom', 'nifti']));
    await change(GOOD);
  });
});

describe('code lenses', () => {
  it('offers only the commands the client declared, on experiments only', async () => {
    const exp = path.join(d.workspace, 'e.medad.yaml');
    const expUri = uriOf(exp);
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: expUri, languageId: 'yaml', version: 1, text: 'medad: experiment\nversion: 1\ndataset: ds.medad.yaml\ndetector:\n  name: ae\n' },
    });
    const lenses = await d.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: expUri } });
    expect(lenses?.map((l) => l.command?.command).sort()).toEqual(['medad.evaluate', 'medad.train']);
    expect(lenses?.[0].range.start.line).toBe(0);
    expect(await d.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })).toEqual([]);
  });

  it('shows a disabled Train lens that says why on an invalid config', async () => {
    const bad = uriOf(path.join(d.workspace, 'bad-lens.medad.yaml'));
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: bad, languageId: 'yaml', version: 1, text: 'medad: experiment\nversion: 1\n' },
    });
    const lenses = await d.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: bad } });
    const train = lenses?.find((l) => /Train/.test(l.command?.title ?? ''));
    expect(train?.command?.command).toBe('');
    expect(train?.command?.title).toMatch(/^⊘ Train: fix \d+ errors? first \(line \d+: /);
  });
});

describe('semantic checks beside schema errors, and did-you-mean fixes', () => {
  it('reports an unknown detector while a training key is mistyped, and offers both fixes', async () => {
    const expUri = uriOf(path.join(d.workspace, 'typo.medad.yaml'));
    const text = 'medad: experiment\nversion: 1\ndataset: ds.medad.yaml\ndetector:\n  name: autoencoder\ntraining:\n  batchsize: 8\n';
    const got = d.diagnostics(expUri, (p) => p.diagnostics.some((x) => x.code === 'unknown-detector'));
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: expUri, languageId: 'yaml', version: 1, text } });
    const diags = (await got).diagnostics;
    const key = diags.find((x) => /Unknown key 'batchsize'/.test(x.message));
    const det = diags.find((x) => x.code === 'unknown-detector');
    expect(key?.range.start.line).toBe(6);
    expect(det?.message).toMatch(/did you mean 'ae'\?/);
    expect(det?.range.start).toEqual({ line: 4, character: 8 });
    const actions = await d.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: expUri }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } }, context: { diagnostics: [key, det].filter((x) => x !== undefined) } });
    const titles = (actions ?? []).map((a) => ('title' in a ? a.title : ''));
    expect(titles).toContain("Change 'batchsize' to 'batchSize'");
    expect(titles).toContain("Change 'autoencoder' to 'ae'");
    const fix = (actions ?? []).find((a) => 'edit' in a && a.title === "Change 'batchsize' to 'batchSize'");
    expect(fix && 'edit' in fix ? fix.edit?.changes?.[expUri]?.[0] : undefined).toEqual({ range: key?.range, newText: 'batchSize' });
  });

  it('reports a dataset source folder that does not exist while another source has a schema error', async () => {
    const dsUri = uriOf(path.join(d.workspace, 'typo.dataset.medad.yaml'));
    const text = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./no-such-folder\n  - layout: folder\n    rot: ./typo\n';
    const got = d.diagnostics(dsUri, (p) => p.diagnostics.some((x) => x.code === 'path-missing'));
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: dsUri, languageId: 'yaml', version: 1, text } });
    const diags = (await got).diagnostics;
    expect(diags.find((x) => /Unknown key 'rot'/.test(x.message))?.range.start.line).toBe(6);
    const missing = diags.find((x) => x.code === 'path-missing');
    expect(missing?.message).toMatch(/no-such-folder/);
    expect(missing?.range.start.line).toBe(4);
  });
});

describe('detector params schema', () => {
  it('completes, hovers and checks the params of the detector the config names, with positions', async () => {
    const expUri = uriOf(path.join(d.workspace, 'params.medad.yaml'));
    const text = 'medad: experiment\nversion: 1\ndataset: ds.medad.yaml\ndetector:\n  name: ae\n  params:\n    laten: 8\n    channels: [8, 16]\n';
    const got = d.diagnostics(expUri, (p) => p.diagnostics.some((x) => x.code === 'detector-params'));
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: expUri, languageId: 'yaml', version: 1, text } });
    const diag = (await got).diagnostics.find((x) => x.code === 'detector-params');
    expect(diag?.message).toMatch(/Unknown key 'laten' in detector\.params of 'ae'; did you mean 'latent'\?/);
    expect(diag?.range).toEqual({ start: { line: 6, character: 4 }, end: { line: 6, character: 9 } });
    const items = (await d.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: expUri }, position: { line: 7, character: 4 } })) as CompletionItem[] | CompletionList;
    const labels = (Array.isArray(items) ? items : items.items).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['latent']));
    const h = await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri: expUri }, position: { line: 7, character: 6 } });
    expect((h?.contents as MarkupContent).value).toMatch(/array.*default \[16,32,64,64\]/s);
  });
});
