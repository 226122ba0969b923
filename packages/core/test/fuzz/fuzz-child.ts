// One fuzz target, run in a child process so the parent can tell a crash (the process dies) and a hang (no input
// finishes within the per-input timeout, even in synchronous code) from a failing property. Started by
// fuzz.test.ts through tsx: `fuzz-child.ts <target> <workDir>`, budget from the MEDAD_FUZZ_* environment.
// Messages to the parent: { t: 'input', n } before each input, then { t: 'result', ... } once.
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyOps, applyTextOps, datasetObject, experimentObject, fieldsOf, fixPngCrcs, imageCase, MAGICS, textCase, type ImageCase, type TextCase } from './mutate.js';
import { checkDatasetText, checkExperimentText, checkImageFile, FuzzBug, newTally, type Tally } from './oracle.js';
import { budget, TARGETS, type ChildResult, type Target } from './targets.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const [target, workDir] = process.argv.slice(2) as [Target, string];
const send = (m: object) => process.send?.(m);

/** Fails an input that takes longer than this (async waits); the parent's watchdog catches synchronous hangs. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FuzzBug(`hang: ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function imageSeeds(): Promise<{ name: string; bytes: Buffer }[]> {
  const dir = path.join(here, 'seeds', 'images');
  const names = (await readdir(dir)).filter((n) => TARGETS[target].seedPattern.test(n)).sort();
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(path.join(dir, name)) })));
}

function imageBytes(c: ImageCase, seeds: { bytes: Buffer }[]): Buffer {
  if (c.kind === 'random') return Buffer.from(c.bytes);
  if (c.kind === 'magic') return Buffer.concat([MAGICS[c.magic], c.bytes]);
  const seed = seeds[c.seed].bytes;
  if (c.inner && seed[0] === 0x1f && seed[1] === 0x8b) {
    const inner = gunzipSync(seed);
    return gzipSync(applyOps(inner, c.ops, fieldsOf(inner)));
  }
  const out = applyOps(seed, c.ops, fieldsOf(seed));
  return c.inner && seed[0] === 0x89 ? fixPngCrcs(out) : out;
}

async function run(): Promise<ChildResult> {
  const { runs, seconds, seed, inputTimeoutMs } = budget(process.env);
  const tally: Tally = newTally();
  let n = 0;
  const started = Date.now();
  const params = { numRuns: runs, seed, ...(seconds ? { interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false, numRuns: 1e9 } : {}) };
  const spec = TARGETS[target];
  let property: fc.IAsyncProperty<[ImageCase]> | fc.IAsyncProperty<[TextCase]>;
  let reproduce: (c: never) => Promise<string>;

  if (spec.kind === 'image') {
    const seeds = await imageSeeds();
    const ext = (name: string) => (name.endsWith('.nii.gz') ? '.nii.gz' : path.extname(name));
    const fileFor = (c: ImageCase) => path.join(workDir, `input${c.kind === 'mutant' ? ext(seeds[c.seed].name) : '.bin'}`);
    property = fc.asyncProperty(imageCase(seeds.length, 64), async (c) => {
      send({ t: 'input', n: ++n });
      const file = fileFor(c);
      await writeFile(file, imageBytes(c, seeds));
      await withTimeout(checkImageFile(file, tally), inputTimeoutMs, `reading ${file}`);
    });
    reproduce = async (c: ImageCase) => {
      const file = path.join(workDir, path.basename(fileFor(c)).replace(/^input/, 'counterexample'));
      await writeFile(file, imageBytes(c, seeds));
      return file;
    };
  } else {
    // The configs resolve against a copy of the seed tree (images, manifest), written once.
    const tree = path.join(workDir, 'tree');
    await cp(path.join(here, 'seeds', 'configs'), tree, { recursive: true });
    const names = (await readdir(tree)).filter((f) => spec.seedPattern.test(f)).sort();
    const seeds = await Promise.all(names.map((f) => readFile(path.join(tree, f), 'utf8')));
    const { listDetectors } = await import('../../src/detectors/index.js');
    const detectorNames = listDetectors().map((d) => d.name);
    const textOf = (c: TextCase) => (c.kind === 'random' ? c.text : c.kind === 'structured' ? stringify(c.value) : applyTextOps(seeds[c.seed], c.ops));
    const fileFor = () => path.join(tree, spec.kind === 'dataset' ? 'fuzz.dataset.medad.yaml' : 'fuzz.experiment.medad.yaml');
    const structured = spec.kind === 'dataset' ? datasetObject : experimentObject(detectorNames);
    property = fc.asyncProperty(textCase(seeds.length, structured), async (c) => {
      send({ t: 'input', n: ++n });
      const text = textOf(c);
      const file = fileFor();
      await writeFile(file, text);
      const check = spec.kind === 'dataset' ? checkDatasetText(text, file, tally) : checkExperimentText(text, file, detectorNames, tally);
      await withTimeout(check, inputTimeoutMs, `checking ${file}`);
    });
    reproduce = async (c: TextCase) => {
      const file = path.join(workDir, 'counterexample.medad.yaml');
      await writeFile(file, textOf(c));
      return file;
    };
  }

  const details = await fc.check(property as fc.IAsyncProperty<[unknown]>, params);
  const result: ChildResult = { target, inputs: n, runs: details.numRuns, seed, ms: Date.now() - started, tally };
  if (details.failed) {
    const input = details.counterexample?.[0];
    result.failure = {
      message: String((details.errorInstance as Error)?.message ?? details.errorInstance),
      counterexample: JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)).slice(0, 4000),
      file: input ? await reproduce(input as never) : undefined,
      path: details.counterexamplePath ?? undefined,
    };
  }
  return result;
}

/** The harness's own checks (fuzz.test.ts): an input that never ends in synchronous code, and a dying process. */
function selfTest(kind: string): void {
  send({ t: 'input', n: 1 });
  if (kind === 'selftest-crash') process.kill(process.pid, 'SIGKILL');
  for (;;); // selftest-hang: a synchronous loop; only the parent's watchdog can end it
}

// Exit once the message is written (the IPC channel would otherwise keep the child alive).
const sendAndExit = (m: object) => process.send?.(m, () => process.exit(0));
if ((target as string).startsWith('selftest-')) selfTest(target);
run().then(
  (r) => sendAndExit({ t: 'result', result: r }),
  (e: unknown) => sendAndExit({ t: 'error', message: String((e as Error)?.stack ?? e) }),
);

