#!/usr/bin/env node
// medad-daemon: the analysis server. JSON-RPC on stdio (`--stdio`, the default) or node IPC (`--node-ipc`).
// stdout belongs to JSON-RPC alone, so console output is redirected to stderr before anything else runs.
import { format } from 'node:util';

for (const level of ['log', 'info', 'debug', 'warn'] as const) {
  console[level] = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
}

const { createConnection, ProposedFeatures, StreamMessageWriter } = await import('vscode-languageserver/node.js');
const { startServer } = await import('./server.js');
const { createEditorEngine } = await import('./engine/core-adapter.js');
const { ResilientMessageReader } = await import('./safety/framing.js');

// stdio (the default): a reader that resynchronises after framing garbage and answers invalid JSON with -32700,
// through the same writer as every other reply (its lock keeps header and body of each message together).
function stdioConnection() {
  const writer = new StreamMessageWriter(process.stdout);
  const reader = new ResilientMessageReader(process.stdin, (code, message, id) => void writer.write({ jsonrpc: '2.0', id, error: { code, message } } as never).catch(() => undefined));
  return createConnection(ProposedFeatures.all, reader, writer);
}
const stdio = !process.argv.some((a) => a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'));
const connection = stdio ? stdioConnection() : createConnection(ProposedFeatures.all);
const server = startServer(connection, createEditorEngine());

// Shutdown stops jobs (a running training gets a few seconds to checkpoint, see server.ts); bounded, so a worker
// stuck in native code cannot keep the client waiting. process.exit then ends every thread.
const STOP_LIMIT_MS = 8000;
const stopped = () => Promise.race([server.stop().catch(() => undefined), new Promise((r) => setTimeout(r, STOP_LIMIT_MS).unref())]);
let shutdownAsked = false;
connection.onShutdown(async () => {
  shutdownAsked = true;
  await stopped();
});
connection.onExit(() => void stopped().then(() => process.exit(0)));
// The client is gone when stdin ends or stdout breaks (EPIPE): stop and exit, as vscode-languageserver does for the
// stream it reads itself (with our own reader it cannot see the stream). A write to a broken stderr is dropped: an
// error there reported through stderr again would loop forever.
const clientGone = () => void stopped().then(() => process.exit(shutdownAsked ? 0 : 1));
if (stdio) {
  process.stdin.on('end', clientGone).on('close', clientGone);
  process.stdout.on('error', clientGone);
}
process.stderr.on('error', () => undefined);
process.on('uncaughtException', (err) => process.stderr.write(`medad-daemon: uncaught ${err.stack ?? String(err)}\n`));
process.on('unhandledRejection', (err) => process.stderr.write(`medad-daemon: unhandled ${(err as Error)?.stack ?? String(err)}\n`));
connection.listen();
