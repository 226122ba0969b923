// `medad <command>`: dispatch, per-command help, --json, and errors as `file:line:col: message` with a non-zero
// exit code. Process concerns (signals, exit) live in main.ts so this stays callable from tests.
import { formatHelp, parseArgs, UsageError, type FlagSpecs, type ParsedArgs } from './args.js';
import * as specs from './commands/specs.js';
import { commandContext, reportError, type CliIO, type CommandContext } from './io.js';

type Run = (args: ParsedArgs, ctx: CommandContext) => Promise<number>;

interface Command {
  flags: FlagSpecs;
  help: readonly [string, string];
  /** Loaded on use, so `--help` and usage errors answer without loading tfjs. */
  load(): Promise<Run>;
}

const COMMON: FlagSpecs = {
  json: { type: 'boolean', description: 'Machine-readable JSON on stdout (progress and messages stay on stderr).' },
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
};

export const COMMANDS: Record<string, Command> = {
  doctor: { flags: specs.doctorFlags, help: specs.doctorHelp, load: async () => (await import('./commands/doctor.js')).doctor },
  dataset: { flags: specs.datasetFlags, help: specs.datasetHelp, load: async () => (await import('./commands/dataset.js')).dataset },
  train: { flags: specs.trainFlags, help: specs.trainHelp, load: async () => (await import('./commands/train.js')).train },
  eval: { flags: specs.evalFlags, help: specs.evalHelp, load: async () => (await import('./commands/train.js')).evalCommand },
  score: { flags: specs.scoreFlags, help: specs.scoreHelp, load: async () => (await import('./commands/score.js')).score },
  synth: { flags: specs.synthFlags, help: specs.synthHelp, load: async () => (await import('./commands/synth.js')).synth },
  demo: { flags: specs.demoFlags, help: specs.demoHelp, load: async () => (await import('./commands/demo.js')).demo },
  worker: { flags: specs.workerFlags, help: specs.workerHelp, load: async () => (await import('./commands/worker.js')).worker },
  sweep: { flags: specs.sweepFlags, help: specs.sweepHelp, load: async () => (await import('./commands/sweep.js')).sweep },
  queue: { flags: specs.queueCmdFlags, help: specs.queueCmdHelp, load: async () => (await import('./commands/queue.js')).queueCommand },
};

export function mainHelp(): string {
  const rows = Object.values(COMMANDS).map((c) => `  ${c.help[0]}`);
  return ['Usage: medad <command> [options]', '', 'Unsupervised anomaly detection for medical images.', '', 'Commands:', ...rows, '', 'Run `medad <command> --help` for details. Every command takes --json.', ''].join('\n');
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  const ctx = commandContext(io, json);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) return reportError(new UsageError(`unknown command '${name}'`), ctx);
  const specs = { ...command.flags, ...COMMON };
  try {
    const args = parseArgs(rest, specs);
    if (args.flags.help) {
      io.stdout.write(formatHelp(command.help[0], command.help[1], specs));
      return 0;
    }
    const run = await command.load();
    return await run(args, ctx);
  } catch (err) {
    return reportError(err, ctx);
  }
}
