// Runs the CLI in-process (runCli, as main.ts does) in a folder and captures what it writes: the tests' one way
// to call `medad ...` without spawning a process.
import { runCli } from '../../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliIn(cwd: string, argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (t: string) => void) => ({ write: add, isTTY: false });
  const code = await runCli(argv, {
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    cwd,
    signal: new AbortController().signal,
    env,
  });
  return { code, stdout, stderr };
}
