// Strict parameter checks for every medad/* request: a wrong-typed field is an InvalidParams (-32602) error that
// names the method and the field, never silently replaced by a default (`output: 'weird'`, `maps: 'yes'`).
// Keys a method does not know are ignored (clients may add their own, e.g. workDoneToken).
import { ResponseError } from 'vscode-languageserver/node.js';
import { MAX_SCORE_FILES, MedadErrorCodes } from '../protocol.js';

/** Most files one scoreImages request may name: larger lists are refused at once (send chunks, or a folder). */
export const MAX_FILES = MAX_SCORE_FILES;

type Check = (v: unknown) => string | undefined;

const str: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string (a file URI or an absolute path)');
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.map((x) => `'${x}'`).join(', ')}`;
const sliceIndex: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 31 ? undefined : 'must be an integer >= 0');
const pair: Check = (v) =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && v[1] > v[0] ? undefined : 'must be [low, high] with finite numbers, low < high';
const boolOrRun: Check = (v) => (typeof v === 'boolean' || (typeof v === 'string' && v.length > 0) ? undefined : 'must be true, false or a run folder');
const token: Check = (v) => (typeof v === 'string' || typeof v === 'number' ? undefined : 'must be a string or a number');
const fileList: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array of file URIs or absolute paths';
  if (v.length === 0) return 'must name at least one file';
  if (v.length > MAX_FILES) return `names ${v.length} files; the limit is ${MAX_FILES} per request (score a folder, or split the list)`;
  const i = v.findIndex((f) => typeof f !== 'string' || f.length === 0);
  return i < 0 ? undefined : `[${i}] must be a non-empty string`;
};
const windowParam: Check = (v) => (v === 'auto' || v === 'minmax' || pair(v) === undefined ? undefined : "must be 'auto', 'minmax' or [low, high] with low < high");

interface Field {
  check: Check;
  required?: boolean;
}
const req = (check: Check): Field => ({ check, required: true });
const opt = (check: Check): Field => ({ check });

/** Field rules per method. */
export const PARAM_RULES: Record<string, Record<string, Field>> = {
  'medad/train': { experiment: req(str), resume: opt(boolOrRun), workDoneToken: opt(token) },
  'medad/evaluate': { experiment: req(str), runDir: opt(str), workDoneToken: opt(token) },
  'medad/scoreImages': { runDir: req(str), files: opt(fileList), folder: opt(str), maps: opt(bool), workDoneToken: opt(token) },
  'medad/heatmap': {
    runDir: req(str),
    image: req(str),
    colormap: opt(oneOf('gray', 'jet', 'viridis', 'inferno')),
    normalisation: opt(oneOf('global', 'image', 'fixed')),
    range: opt(pair),
    output: opt(oneOf('file', 'base64')),
    slice: opt(sliceIndex),
    workDoneToken: opt(token),
  },
  'medad/datasetSummary': { config: req(str) },
  'medad/renderImage': { image: req(str), slice: opt(sliceIndex), window: opt(windowParam) },
  'medad/leakage': { config: req(str) },
  'medad/datasetAudit': { config: req(str), workDoneToken: opt(token) },
  'medad/datasetItems': { config: req(str) },
  'medad/queueCancel': { jobId: req(str) },
  'medad/listRuns': { root: opt(str), experiment: opt(str) },
  'medad/listSweeps': { root: opt(str) },
  'medad/runMetrics': { runDir: req(str) },
  'medad/cancel': { jobId: req((v) => (typeof v === 'string' ? undefined : 'must be a string')) },
};

/** Checks `raw` against the method's rules; returns it typed, or throws InvalidParams naming the field. */
export function checkParams<T>(method: string, raw: unknown): T {
  const fail = (msg: string) => new ResponseError(MedadErrorCodes.InvalidParams, `${method}: ${msg}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fail('params must be an object');
  const rules = PARAM_RULES[method];
  if (!rules) return raw as T;
  const p = raw as Record<string, unknown>;
  for (const [name, rule] of Object.entries(rules)) {
    const v = p[name];
    if (v === undefined || v === null) {
      if (rule.required) throw fail(`${name} is required`);
      continue;
    }
    const problem = rule.check(v);
    if (problem) throw fail(problem.startsWith('[') ? `${name}${problem}` : `${name} ${problem} (got ${describe(v)})`);
  }
  return raw as T;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : String(v);
}
