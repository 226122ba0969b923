#!/usr/bin/env node
// medad-daemon: the analysis server. JSON-RPC on stdio (`--stdio`, the default) or node IPC (`--node-ipc`).
// stdout belongs to JSON-RPC alone, so console output is redirected to stderr before anything else runs.
import { format } from 'node:util';

for (const level of ['log', 'info', 'debug', 'warn'] as const) {
  console[level] = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
}

const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node.js');
const { startServer } = await import('./server.js');
const { createEditorEngine } = await import('./engine/core-adapter.js');

const connection = createConnection(ProposedFeatures.all);
const server = startServer(connection, createEditorEngine());

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await server.stop().catch(() => undefined);
  }
  process.exit(code);
}
connection.onShutdown(async () => {
  await server.stop();
});
connection.onExit(() => void stop(0));
process.on('uncaughtException', (err) => process.stderr.write(`medad-daemon: uncaught ${err.stack ?? String(err)}\n`));
process.on('unhandledRejection', (err) => process.stderr.write(`medad-daemon: unhandled ${(err as Error)?.stack ?? String(err)}\n`));
connection.listen();
