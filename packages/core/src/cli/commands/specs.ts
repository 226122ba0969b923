// Flags and help of every command, kept apart from the command code so `--help` and argument errors answer
// without loading tensors or image decoders.
import type { FlagSpecs } from '../args.js';

const backendFlag = { type: 'string', value: 'NAME', description: 'Prefer this backend: tensorflow, webgpu, wasm, cpu or auto (MEDAD_BACKEND overrides).' } as const;
export const doctorFlags: FlagSpecs = { backend: backendFlag };

export const doctorHelp = ['medad doctor [--backend NAME] [--json]', 'Shows the compute backend ladder (tensorflow -> webgpu -> wasm -> cpu), why each rung was or was not used, versions, the GPU adapter and the registered detectors.'] as const;

export const datasetFlags: FlagSpecs = {
  size: { type: 'string', value: 'WxH', description: 'audit/check: size the sharpness descriptors are measured at (default: the experiment\'s input size, else 64x64).' },
  'no-audit': { type: 'boolean', description: 'check: skip the shortcut audit.' },
  'per-image': { type: 'boolean', description: 'audit --json: include every image\'s descriptor values.' },
};

export const datasetHelp = [
  'medad dataset summary|check|audit <config.medad.yaml> [--size WxH] [--no-audit] [--per-image] [--json]',
  'summary: images per split and class, sizes, bit depths, formats, masks and unreadable files (headers only).\n' +
    'check:   the summary plus a leakage search: test images that duplicate (exactly, pixel-wise or nearly) a\n' +
    '         training, validation or unlabelled image. Exit code 1 when leakage is found, 0 otherwise.\n' +
    '         Then the shortcut audit (see audit; --no-audit skips it): its flags are warnings, not failures.\n' +
    'audit:   per labelled split, how well each cheap image descriptor alone (brightness, contrast, sharpness,\n' +
    '         noise, size, format, JPEG quality, DICOM tags) separates normal from anomalous (AUROC, 95% CI), and a\n' +
    '         cross-validated logistic regression on all of them: what a detector could get from shortcuts alone.\n' +
    'The config may be a dataset config or an experiment config (its dataset is used).',
] as const;

export const trainFlags: FlagSpecs = {
  resume: { type: 'boolean', description: 'Continue the latest unfinished (cancelled, failed or interrupted) run of this experiment from its checkpoint; refused while another live process trains it.' },
  backend: backendFlag,
};

export const trainHelp = [
  'medad train <experiment.medad.yaml> [--resume] [--backend NAME] [--json]',
  'Trains the experiment\'s detector on the training normals into a new run folder (output.dir). Ctrl-C stops after\nthe current optimiser step, writes a checkpoint at that step and marks the run cancelled (run.json state, exit\n130); --resume continues it. A second Ctrl-C quits at once (the run then shows as interrupted, resumable from its\nlast checkpoint). While training, run.lock names the process (pid, host) and its mtime is a heartbeat: a run\nwhose process is gone reads as interrupted, and --resume refuses a run another live process holds.',
] as const;

export const evalFlags: FlagSpecs = { backend: backendFlag };

export const evalHelp = [
  'medad eval <experiment.medad.yaml | run-dir> [--backend NAME] [--json]',
  'Evaluates a trained run (the experiment\'s latest, or the given run folder): threshold on the validation split,\nmetrics.json, scores.csv, 16-bit maps under maps/ and a self-contained report.html.',
] as const;

export const scoreFlags: FlagSpecs = {
  out: { type: 'string', value: 'DIR', description: 'Folder for the anomaly maps (default: <run>/scored).' },
  'no-maps': { type: 'boolean', description: 'Scores only, no map files.' },
  backend: backendFlag,
};

export const scoreHelp = [
  'medad score <model-dir|run-dir> <folder|file...> [--out DIR] [--no-maps] [--json]',
  'Scores images with a trained model (higher = more anomalous) and writes each anomaly map as a 16-bit PNG, using\nthe run\'s evaluation map range when it has one. A missing path or unreadable file is reported and the rest are\nstill scored; the exit code is then 1 and the --json result has ok: false (ok: true and 0 only when every input\nwas scored).',
] as const;

export const demoFlags: FlagSpecs = {
  out: { type: 'string', value: 'DIR', description: 'Where the demo dataset and its runs go (default .medad/demo).' },
  epochs: { type: 'string', value: 'N', description: 'Training epochs (default: the generated config\'s, sized for well under a minute on 2 idle CPU cores).' },
  backend: backendFlag,
};

export const demoHelp = [
  'medad demo [--out DIR] [--epochs N] [--json]',
  'Generates a small SYNTHETIC dataset of brain-like phantoms (normals, and lesions with exact masks) if missing,\ntrains a convolutional autoencoder on the normals, evaluates it and prints where the HTML report is.',
] as const;

export const synthFlags: FlagSpecs = {
  method: { type: 'string', value: 'NAME', description: 'fpi, pii, cutpaste, scar, cutpaste3way or nsa (default fpi).' },
  count: { type: 'string', value: 'N', description: 'How many examples to write (default 16).' },
  size: { type: 'string', value: 'PX', description: 'Square size the training images are resized to first (default 128).' },
  seed: { type: 'string', value: 'N', description: 'Random seed (default 0); the same seed writes the same files.' },
  out: { type: 'string', value: 'DIR', description: 'Output folder (default .medad/synth/<method>).' },
};

export const synthHelp = [
  'medad synth <config.medad.yaml> [--method NAME] [--count N] [--size PX] [--seed N] [--out DIR] [--json]',
  'Writes synthetic anomalies made from the dataset\'s training normals, each with its pixel label mask, plus an\nindex.csv: what the self-supervised detectors (FPI, PII, CutPaste, NSA) train on, to look at before training.',
] as const;

// --- the BullMQ job queue (worker, sweep, queue; --queue on train/eval/score) ---
export const queueFlag = { type: 'string', value: 'URL', description: 'Redis URL of a BullMQ job queue (redis://host:port); the job runs on a `medad worker` there. Default: MEDAD_QUEUE, then the experiment\'s `queue:`; none = in this process.' } as const;

// train, eval and score take --queue too (added here, so their specs above stay as they were).
for (const f of [trainFlags, evalFlags, scoreFlags]) f.queue = queueFlag;
scoreFlags['shard-size'] = { type: 'string', value: 'N', description: 'With a queue: images per shard job (default 512, whole batches of 32).' };

export const workerFlags: FlagSpecs = {
  queue: queueFlag,
  concurrency: { type: 'string', value: 'N', description: 'Jobs this worker runs at once (default 1).' },
  root: { type: 'string', value: 'DIRS', description: 'Folders (separated by the path delimiter, ":" on Linux) that jobs may read and write; default: the current folder.' },
  'lock-ms': { type: 'string', value: 'MS', description: 'Job lock duration: a dead worker\'s job is retried elsewhere about this long after it died (default 30000).' },
  backend: backendFlag,
};

export const workerHelp = [
  'medad worker --queue URL [--concurrency N] [--root DIRS] [--backend NAME]',
  'Takes train / evaluate / score jobs from the queue and runs them here (data and run folders must be on storage\nevery worker sees at the same paths). A job whose worker dies is retried by another worker and resumes from the\nrun\'s checkpoint. Ctrl-C hands running jobs back to the queue.',
] as const;

export const sweepFlags: FlagSpecs = {
  seeds: { type: 'string', value: 'LIST', description: 'Seeds, e.g. 0-4 or 0,3,7 (default: the config\'s sweep.seeds, else its training.seed).' },
  set: { type: 'string', value: 'KEY=V1,V2[;KEY=...]', description: 'Config values to try, e.g. training.lr=1e-3,5e-4 (merged over the config\'s sweep.set).' },
  queue: queueFlag,
  local: { type: 'boolean', description: 'Run here, one run after another, even when a queue is configured.' },
  backend: backendFlag,
  reattach: { type: 'boolean', description: 'The argument is a sweep folder: wait for its runs still on the queue, then write its aggregate and summary.' },
};

export const sweepHelp = [
  'medad sweep <experiment.medad.yaml> [--seeds 0-4] [--set training.lr=1e-3,5e-4] [--queue URL | --local] [--json]\n       medad sweep --reattach <sweep-folder> [--queue URL] [--json]',
  'Runs every setting with every seed (train + evaluate), on the queue or here, into a sweep folder under output.dir:\nsweep.json, runs/, aggregate.json (per setting and score variant: mean, SD and 95% t-interval over seeds) and\nsummary.html. --reattach follows a queued sweep whose command was stopped (or re-writes a finished one\'s aggregate).',
] as const;

export const queueCmdFlags: FlagSpecs = { queue: queueFlag };

export const queueCmdHelp = [
  'medad queue status|cancel [JOB-ID] [--queue URL] [--json]',
  'status: the workers (host, backend, current jobs) and the jobs waiting, running, done and failed.\ncancel: removes a waiting job, or stops a running one at its next safe point (the checkpoint is kept).',
] as const;
