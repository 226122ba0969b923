// What a command gets from the outside world, so commands are testable without a process: output streams,
// the cancellation signal, the working directory, and the two output modes (human text / --json).
import { ConfigError } from '../experiment/load.js';
import { formatIssues } from '../config/yaml.js';
import { UsageError } from './args.js';
import { ProgressBar, type ProgressSink } from './progress.js';

export interface CliIO {
  stdout: ProgressSink;
  stderr: ProgressSink;
  cwd: string;
  signal: AbortSignal;
  env: Record<string, string | undefined>;
}

export interface CommandContext extends CliIO {
  json: boolean;
  /** Human text to stdout (suppressed under --json, where stdout carries JSON only). */
  say(text: string): void;
  /** Notes for humans that must not pollute stdout (always stderr). */
  note(text: string): void;
  /** One JSON document of a --json run, on one line (NDJSON: scripts read stdout line by line). */
  emit(value: unknown): void;
  progress(label: string): ProgressBar;
}

export function commandContext(io: CliIO, json: boolean): CommandContext {
  return {
    ...io,
    json,
    say: (t) => {
      if (!json) io.stdout.write(t.endsWith('\n') ? t : t + '\n');
    },
    note: (t) => io.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    emit: (v) => io.stdout.write(JSON.stringify(v) + '\n'),
    progress: (label) => new ProgressBar(label, io.stderr),
  };
}

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

/** Prints an error the way editors and terminals understand (file:line:col: message) and picks the exit code. */
export function reportError(err: unknown, ctx: CommandContext): number {
  const e = err as Error;
  let code: number = EXIT.failure;
  let text: string;
  if (err instanceof ConfigError) text = formatIssues(err.file, err.issues.length ? err.issues : []) || err.message;
  else if (err instanceof UsageError) {
    text = `medad: ${e.message} (see medad --help)`;
    code = EXIT.usage;
  } else if (e?.name === 'AbortError') {
    text = 'medad: cancelled';
    code = EXIT.cancelled;
  } else text = `medad: ${e?.message ?? String(err)}`;
  ctx.note(text);
  if (ctx.json) {
    const issues = err instanceof ConfigError ? err.issues.map((i) => ({ file: err.file, ...i })) : undefined;
    ctx.emit({ ok: false, error: e?.message ?? String(err), ...(issues ? { issues } : {}), exitCode: code });
  }
  return code;
}
