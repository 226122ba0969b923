// What "handled" means for one fuzz input: every entry point either succeeds with a sane result or fails with
// medad's own error naming the file and a reason. Anything else (a TypeError or RangeError escaping, an error
// about another file, a non-finite pixel, a position outside the text) is a bug, thrown as FuzzBug.
import path from 'node:path';
import type { ConfigIssue } from '../../src/config/issues.js';
import { parseYamlDocument } from '../../src/config/yaml.js';
import { checkDatasetConfig } from '../../src/dataset/check.js';
import { loadDataset, parseDatasetConfig } from '../../src/dataset/load.js';
import { ConfigError, loadExperiment } from '../../src/experiment/load.js';
import { experimentConfigSchema } from '../../src/experiment/schema.js';
import { decodeFile, DEFAULT_MAX_PIXELS, ImageReadError, loadImage, probeFile } from '../../src/io/index.js';

export class FuzzBug extends Error {
  override name = 'FuzzBug';
}

/** Per entry point: how many inputs it accepted and refused, and the refusal reasons (numbers blanked). */
export interface Tally {
  ok: Record<string, number>;
  refused: Record<string, number>;
  reasons: Record<string, number>;
}

export const newTally = (): Tally => ({ ok: {}, refused: {}, reasons: {} });
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
const reasonKey = (r: string) => r.replace(/\/[^\s:]+/g, '<path>').replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N').replace(/\(first bytes [0-9a-f]+\)/, '(first bytes …)').slice(0, 90);

/** Text that means an object or a missing value was printed instead of a reason. */
const UNCLEAR = /\bundefined\b|\[object \w+\]/;

/** JavaScript's own errors: never a reason a user should read. */
const INTERNAL = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError];
const isInternal = (e: unknown) => INTERNAL.some((C) => e instanceof C);

/** The refusal must be an ImageReadError about `file`, with a reason, not wrapping a JS engine error. */
function checkRefusal(entry: string, file: string, e: unknown, tally: Tally): void {
  if (!(e instanceof ImageReadError)) throw new FuzzBug(`${entry}: threw ${(e as Error)?.name ?? typeof e} instead of ImageReadError: ${String((e as Error)?.stack ?? e)}`);
  if (e.file !== file) throw new FuzzBug(`${entry}: the error names ${e.file}, not the input ${file}`);
  if (!e.reason.trim()) throw new FuzzBug(`${entry}: ImageReadError without a reason`);
  if (UNCLEAR.test(e.reason)) throw new FuzzBug(`${entry}: unclear reason: ${e.reason}`);
  if (isInternal(e.cause)) throw new FuzzBug(`${entry}: an internal ${(e.cause as Error).name} leaked as the reason: ${e.reason}\n${(e.cause as Error).stack}`);
  bump(tally.refused, entry);
  bump(tally.reasons, `${entry}: ${reasonKey(e.reason)}`);
}

async function entry<T>(name: string, file: string, tally: Tally, run: () => Promise<T>, check: (v: T) => void): Promise<void> {
  let value: T;
  try {
    value = await run();
  } catch (e) {
    checkRefusal(name, file, e, tally);
    return;
  }
  check(value);
  bump(tally.ok, name);
}

const posInt = (v: number) => Number.isInteger(v) && v >= 1;

function checkImages(name: string, imgs: { width: number; height: number; data: Float32Array; originalWidth: number; originalHeight: number; id: string }[], size?: [number, number], finite = false): void {
  if (imgs.length === 0) throw new FuzzBug(`${name}: resolved with no images`);
  for (const im of imgs) {
    if (!posInt(im.width) || !posInt(im.height) || !posInt(im.originalWidth) || !posInt(im.originalHeight)) throw new FuzzBug(`${name}: bad size ${im.width}x${im.height} (original ${im.originalWidth}x${im.originalHeight})`);
    if (im.data.length !== im.width * im.height) throw new FuzzBug(`${name}: ${im.data.length} values for ${im.width}x${im.height}`);
    if (size && (im.width !== size[0] || im.height !== size[1])) throw new FuzzBug(`${name}: asked for ${size.join('x')}, got ${im.width}x${im.height}`);
    if (finite) for (const v of im.data) if (!Number.isFinite(v)) throw new FuzzBug(`${name}: non-finite model input value ${v} in ${im.id}`);
  }
}

/** Runs probe, decode and load on one image file. */
export async function checkImageFile(file: string, tally: Tally): Promise<void> {
  await entry('probeFile', file, tally, () => probeFile(file, { maxPixels: DEFAULT_MAX_PIXELS }), (p) => {
    if (!posInt(p.width) || !posInt(p.height) || !posInt(p.frames) || !posInt(p.bitDepth)) throw new FuzzBug(`probeFile: accepted ${JSON.stringify(p)}`);
  });
  await entry('decodeFile', file, tally, () => decodeFile(file), (imgs) => checkImages('decodeFile', imgs));
  for (const [resize, normalise] of [['area', 'minus1to1'], ['bilinear', 'zscore']] as const)
    await entry(`loadImage(${resize},${normalise})`, file, tally, () => loadImage(file, { size: [16, 12], resize, normalise }), (imgs) => checkImages('loadImage', imgs, [16, 12], true));
}

function checkIssues(name: string, text: string, issues: ConfigIssue[], tally: Tally): void {
  const lines = text.split('\n');
  for (const i of issues) {
    if (typeof i.message !== 'string' || !i.message.trim()) throw new FuzzBug(`${name}: an issue without a message: ${JSON.stringify(i)}`);
    if (UNCLEAR.test(i.message)) throw new FuzzBug(`${name}: unclear message: ${i.message}`);
    for (const p of [i.start, i.end]) {
      const lineLength = lines[p?.line]?.length;
      if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character) || lineLength === undefined || p.character < 0 || p.character > lineLength)
        throw new FuzzBug(`${name}: position ${JSON.stringify(p)} outside the text (${lines.length} lines) for: ${i.message}`);
    }
    if (i.start.line > i.end.line || (i.start.line === i.end.line && i.start.character > i.end.character)) throw new FuzzBug(`${name}: range ends before it starts: ${JSON.stringify(i)}`);
    bump(tally.reasons, `${name}: ${reasonKey(i.message)}`);
  }
  bump(issues.some((i) => i.severity === 'error') ? tally.refused : tally.ok, name);
}

async function noThrow<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new FuzzBug(`${name}: threw ${String((e as Error)?.stack ?? e)}`);
  }
}

/** Strings in a parsed config that leave the fuzz folder (absolute, `..`, `~`): resolving those would walk the real disk. */
function leavesFolder(v: unknown): boolean {
  if (typeof v === 'string') return path.isAbsolute(v) || v.includes('..') || v.startsWith('~');
  if (Array.isArray(v)) return v.some(leavesFolder);
  if (v && typeof v === 'object') return Object.values(v).some(leavesFolder);
  return false;
}

/** A dataset config text: parse (schema), load + resolve, semantic checks. `file` already holds `text`. */
export async function checkDatasetText(text: string, file: string, tally: Tally): Promise<void> {
  const parsed = await noThrow('parseDatasetConfig', () => parseDatasetConfig(text, file));
  checkIssues('parseDatasetConfig', text, parsed.issues, tally);
  if (leavesFolder(parsed.value)) return void bump(tally.ok, 'skipped: leaves the fuzz folder');
  const loaded = await noThrow('loadDataset', () => loadDataset(file));
  checkIssues('loadDataset', text, loaded.issues, tally);
  const issues = await noThrow('checkDatasetConfig', () => checkDatasetConfig(text, file, { leakage: false }));
  checkIssues('checkDatasetConfig', text, issues, tally);
}

/** An experiment config text: parse (schema), load (detector, dataset path), open (what train does first). */
export async function checkExperimentText(text: string, file: string, detectorNames: readonly string[], tally: Tally): Promise<void> {
  const parsed = await noThrow('parseExperiment', () => parseYamlDocument(text, experimentConfigSchema, file));
  checkIssues('parseExperiment', text, parsed.issues, tally);
  if (leavesFolder(parsed.value)) return void bump(tally.ok, 'skipped: leaves the fuzz folder');
  const loaded = await noThrow('loadExperiment', () => loadExperiment(file, { detectorNames }));
  checkIssues('loadExperiment', text, loaded.issues, tally);
  const { openExperiment } = await import('../../src/pipeline/context.js');
  try {
    await openExperiment(file);
    bump(tally.ok, 'openExperiment');
  } catch (e) {
    // A config error, or a plain Error that names a file: what the CLI prints.
    if (isInternal(e) || !(e instanceof Error) || (!(e instanceof ConfigError) && !/\.ya?ml\b|\//.test(e.message)))
      throw new FuzzBug(`openExperiment: ${String((e as Error)?.stack ?? e)}`);
    if (e instanceof ConfigError && e.file === file) checkIssues('openExperiment', text, e.issues, tally);
    else bump(tally.refused, 'openExperiment');
  }
}
