// Bad requests get error responses and the daemon lives on; only JSON-RPC reaches stdout.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node.js';
import { HeatmapRequest, MedadErrorCodes, StatusRequest, TrainRequest } from '../src/protocol.js';
import { startDaemon, uriOf } from './helpers.js';
import type { Daemon } from './helpers.js';

let d: Daemon;
beforeAll(async () => {
  d = await startDaemon();
});
afterAll(async () => d.close());

describe('safety', () => {
  it('refuses paths outside the workspace, including ../ traversal', async () => {
    const outside = path.join(d.workspace, '..', 'etc-passwd.medad.yaml');
    await expect(d.conn.sendRequest(TrainRequest, { experiment: outside })).rejects.toMatchObject({
      code: MedadErrorCodes.PathOutsideWorkspace,
      message: expect.stringContaining('outside the workspace'),
    });
    await expect(d.conn.sendRequest(HeatmapRequest, { runDir: d.workspace, image: '/etc/passwd' })).rejects.toMatchObject({ code: MedadErrorCodes.PathOutsideWorkspace });
  });

  it('answers malformed params and unknown files with errors and keeps serving', async () => {
    await expect(d.conn.sendRequest('medad/train', 42)).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams });
    await expect(d.conn.sendRequest(TrainRequest, { experiment: 'relative/x.yaml' })).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams });
    await expect(d.conn.sendRequest(TrainRequest, { experiment: 'http://x/y' })).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams });
    await expect(d.conn.sendRequest(TrainRequest, { experiment: path.join(d.workspace, 'missing.yaml') })).rejects.toMatchObject({ code: MedadErrorCodes.NotFound });
    await expect(d.conn.sendRequest('medad/nonsense', {})).rejects.toMatchObject({ code: -32601 });
    const bin = path.join(d.workspace, 'garbage.medad.yaml');
    writeFileSync(bin, '\u0000\u0001: [');
    const diags = d.diagnostics(uriOf(bin));
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(bin), languageId: 'yaml', version: 1, text: '\u0000\u0001: [' } });
    expect((await diags).diagnostics.length).toBeGreaterThan(0);
    const status = await d.conn.sendRequest(StatusRequest);
    expect(status.workspaceFolders.length).toBe(2);
    expect(d.child.exitCode).toBeNull();
  });

  it('exits cleanly on shutdown/exit', async () => {
    const exited = new Promise<number | null>((r) => d.child.once('exit', (code) => r(code)));
    await d.conn.sendRequest('shutdown');
    await d.conn.sendNotification('exit');
    expect(await exited).toBe(0);
  });
});
