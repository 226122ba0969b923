// Flags of the speed benchmark (node:util parseArgs), with numbers checked so a typo fails before minutes of work.
import { parseArgs } from 'node:util';

export interface BenchArgs {
  steps: number;
  warmup: number;
  scoreImages: number;
  files: number;
  torch: boolean;
  data?: string;
  out: string;
  python: string;
  torchScript: string;
}

export const USAGE = `Usage: tsx bench/ae-speed.ts [--steps N] [--warmup N] [--score-images N] [--files N] [--data DIR] [--no-torch]
                              [--out DIR] [--python PATH] [--torch-script PATH]
  --steps N         timed training steps, batch 64 (default 20; the median is reported)
  --warmup N        untimed first steps (default 3, as torch_ae.py)
  --score-images N  images scored for images/s (default 2048)
  --files N         at most this many files for the data-loading and overlap timings (default 832: 13 batches)
  --data DIR        folder of images for the data-loading timing (default: shared chest X-ray normals, else 200 generated JPEGs)
  --no-torch        skip the PyTorch runs
  --out DIR         where the JSON result goes (default <repo>/bench-results)`;

function positiveInt(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

export function parseBenchArgs(argv: string[], defaults: { out: string; torchScript: string }): BenchArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      steps: { type: 'string' },
      warmup: { type: 'string' },
      'score-images': { type: 'string' },
      files: { type: 'string' },
      data: { type: 'string' },
      'no-torch': { type: 'boolean' },
      out: { type: 'string' },
      python: { type: 'string' },
      'torch-script': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  return {
    steps: positiveInt('steps', values.steps, 20),
    warmup: positiveInt('warmup', values.warmup, 3),
    scoreImages: positiveInt('score-images', values['score-images'], 2048, 64),
    files: positiveInt('files', values.files, 832),
    torch: !values['no-torch'],
    data: values.data,
    out: values.out ?? defaults.out,
    python: values.python ?? '/usr/bin/python3',
    torchScript: values['torch-script'] ?? defaults.torchScript,
  };
}
