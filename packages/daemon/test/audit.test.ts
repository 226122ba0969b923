// The shortcut audit as the editor sees it: a warning on the dataset config naming the descriptor, with example
// images of each class, computed once per dataset state in the check worker; medad/datasetAudit serves the same
// (cached) audit with every image's descriptor values for the gallery's sort.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeGray8Png } from '@medad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancellationTokenSource, DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node.js';
import type { MarkupContent } from 'vscode-languageserver-protocol/node.js';
import { DatasetAuditRequest, MedadErrorCodes } from '../src/protocol.js';
import { startDaemon, uriOf } from './helpers.js';
import type { Daemon } from './helpers.js';

let d: Daemon;
let seed = 11;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
// Same texture statistics in both classes; the lesion class is brighter by 0.3 (a planted brightness shortcut).
const png = (file: string, offset: number) =>
  writeGray8Png(file, { width: 16, height: 16, data: Float32Array.from({ length: 256 }, () => 0.2 + offset + 0.3 * rand()) }, { min: 0, max: 1 });

beforeAll(async () => {
  d = await startDaemon();
  const root = path.join(d.workspace, 'data');
  for (const [dir, count, offset] of [['train/normal', 4, 0], ['test/normal', 12, 0], ['test/lesion', 12, 0.3]] as const) {
    mkdirSync(path.join(root, dir), { recursive: true });
    for (let i = 0; i < count; i++) await png(path.join(root, dir, `${dir.replace('/', '_')}_${i}.png`), offset);
  }
});
afterAll(async () => d.close());

const runs = () => d.stderr().match(/shortcut audit of \d+ images/g)?.length ?? 0;

describe('shortcut audit in the editor', () => {
  it('warns on sources with the descriptor, its AUROC and typical images; the request reuses the cached audit', async () => {
    const file = path.join(d.workspace, 'ds.medad.yaml');
    const uri = uriOf(file);
    const text = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./data\n';
    writeFileSync(file, text);
    const got = d.diagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'shortcut'));
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const diags = (await got).diagnostics.filter((x) => x.code === 'shortcut');
    const mean = diags.find((x) => /: mean \(/.test(x.message));
    expect(mean?.message).toMatch(/AUROC 100\.0/);
    expect(mean?.message).toMatch(/higher in anomalous/);
    expect(mean?.message).toMatch(/input\.normalise: zscore/);
    expect(mean?.range.start.line).toBe(2);
    const related = mean?.relatedInformation?.map((r) => path.basename(r.location.uri)) ?? [];
    expect(related.filter((f) => f.startsWith('test_normal'))).toHaveLength(2);
    expect(related.filter((f) => f.startsWith('test_lesion'))).toHaveLength(2);
    expect(diags.some((x) => /gradientMean|noiseSigma/.test(x.message))).toBe(false);
    expect(runs()).toBe(1);

    const r = await d.conn.sendRequest(DatasetAuditRequest.method, { config: uri });
    const res = r as import('../src/protocol.js').DatasetAuditResult;
    expect(res.cached).toBe(true);
    expect(runs()).toBe(1);
    expect(res.splits[0].split).toBe('test');
    expect(res.splits[0].descriptors.find((x) => x.descriptor === 'mean')?.flagged).toBe(true);
    expect(res.images).toHaveLength(24);
    const k = res.descriptors.indexOf('mean');
    const lesion = res.images.filter((im) => im.label === 1).map((im) => im.values[k] as number);
    const normal = res.images.filter((im) => im.label === 0).map((im) => im.values[k] as number);
    expect(Math.min(...lesion)).toBeGreaterThan(Math.max(...normal));

    // A hover on `sources` shows the cached audit's summary.
    const h = await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 2 } });
    const md = (h?.contents as MarkupContent).value;
    expect(md).toContain('**Shortcut audit**');
    expect(md).toMatch(/flagged: .*`mean` 100\.0/);
    expect(runs()).toBe(1);
  });

  it('a cancelled medad/datasetAudit answers Cancelled at once; the next request gives the full audit, cached only if the first completed', async () => {
    const root = path.join(d.workspace, 'big');
    for (const [dir, count, offset] of [['train/normal', 2, 0], ['test/normal', 200, 0], ['test/lesion', 200, 0.1]] as const) {
      mkdirSync(path.join(root, dir), { recursive: true });
      for (let i = 0; i < count; i++)
        await writeGray8Png(path.join(root, dir, `${i}.png`), { width: 96, height: 96, data: Float32Array.from({ length: 96 * 96 }, () => offset + 0.5 * rand()) }, { min: 0, max: 1 });
    }
    const file = path.join(d.workspace, 'big.medad.yaml');
    writeFileSync(file, 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./big\n');
    const before = runs();
    const source = new CancellationTokenSource();
    const pending = d.conn.sendRequest(DatasetAuditRequest.method, { config: uriOf(file) }, source.token).then(
      () => 'finished',
      (e: { code: number }) => e.code,
    );
    await new Promise((r) => setTimeout(r, 300));
    source.cancel();
    expect(await pending).toBe(MedadErrorCodes.Cancelled);
    // The worker job is aborted after a 1 s grace unless it finished first (on a fast machine it may): either way the
    // next request must give the full audit, from the cache exactly when the cancelled run completed.
    await new Promise((r) => setTimeout(r, 4000));
    const completed = runs() - before;
    expect(completed).toBeLessThanOrEqual(1);
    const res = (await d.conn.sendRequest(DatasetAuditRequest.method, { config: uriOf(file) })) as import('../src/protocol.js').DatasetAuditResult;
    expect(res.cached).toBe(completed === 1);
    expect(res.images).toHaveLength(400);
    expect(runs()).toBe(before + 1);
  });
});
