// Code lenses are re-requested (workspace/codeLens/refresh) once a newly opened config has been checked and when a
// train/evaluate job ends: VS Code asks for lenses once when a file opens, and a lost or early answer would leave
// the file without a Train button (and a stale metrics lens) until it is edited.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CodeLensRefreshRequest, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node.js';
import { TrainRequest } from '../src/protocol.js';
import { startDaemon, uriOf, type Daemon } from './helpers.js';

const fake = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/fake-engine.ts');
let d: Daemon | undefined;
afterEach(async () => d?.close());

async function withRefreshCounter(refreshSupport: boolean) {
  d = await startDaemon({ env: { MEDAD_COMPUTE_ENGINE: fake }, capabilities: { workspace: { codeLens: { refreshSupport } } } });
  const at: number[] = [];
  d.conn.onRequest(CodeLensRefreshRequest.type, () => {
    at.push(Date.now());
    return null;
  });
  return { d, at };
}

const until = async (pred: () => boolean, ms = 20_000) => {
  for (const t0 = Date.now(); !pred(); ) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('code lens refresh', () => {
  it('asks once after an opened config is first checked, and again when a training job ends', async () => {
    const { d, at } = await withRefreshCounter(true);
    const file = path.join(d.workspace, 'exp.medad.yaml');
    const text = 'medad: experiment\nsteps: 3\n';
    writeFileSync(file, text);
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text } });
    await until(() => at.length === 1);
    await d.conn.sendRequest(TrainRequest, { experiment: uriOf(file) });
    await until(() => at.length === 2);
    // nothing else asks: a third would come within the 200 ms coalescing window
    await new Promise((r) => setTimeout(r, 600));
    expect(at).toHaveLength(2);
  });

  it('never asks a client that did not declare refreshSupport', async () => {
    const { d, at } = await withRefreshCounter(false);
    const file = path.join(d.workspace, 'exp.medad.yaml');
    writeFileSync(file, 'medad: experiment\nsteps: 2\n');
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text: 'medad: experiment\nsteps: 2\n' } });
    await d.diagnostics(uriOf(file));
    await d.conn.sendRequest(TrainRequest, { experiment: uriOf(file) });
    await new Promise((r) => setTimeout(r, 600));
    expect(at).toEqual([]);
  });
});
