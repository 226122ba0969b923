#!/usr/bin/env node
// The `medad` executable: wires the process (argv, streams, Ctrl-C) to runCli. The first SIGINT asks the running
// job to stop at a safe point (training keeps its checkpoint); a second one quits immediately.
import { runCli } from './run.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts === 1) {
    process.stderr.write('\nmedad: cancelling after the current step (Ctrl-C again to quit now)...\n');
    controller.abort();
  } else {
    process.stderr.write('medad: quit\n');
    process.exit(130);
  }
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: controller.signal,
  env: process.env,
});
// Let stdout drain (a large --json document to a pipe), then exit: tfjs keeps handles that would hold the process.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
