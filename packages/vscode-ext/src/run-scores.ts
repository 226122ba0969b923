// A run's own per-image results: `scores.csv` (path,id,class,label,score,map, written by core's evaluate) parsed
// into rows, and the saved 16-bit maps resolved against the run folder. The views read these instead of scoring
// the dataset again through the daemon. Pure (no `vscode`), so it is unit-tested.
import * as path from 'node:path';

export interface RunScoreRow {
  /** Absolute image path as the evaluation resolved it. */
  path: string;
  id: string;
  className: string;
  label: 0 | 1;
  score: number;
  /** Absolute path of the saved map PNG (16-bit, metrics.json `mapRange`), when maps were written. */
  map?: string;
}

/** One CSV record's cells (quotes as core's csvCell writes them: "..." with "" for a quote). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  return cells;
}

/** Splits CSV text into records, keeping newlines inside quoted cells. */
function records(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === '\n' && !quoted) {
      out.push(cur.replace(/\r$/, ''));
      cur = '';
    } else cur += c;
  }
  if (cur.length) out.push(cur.replace(/\r$/, ''));
  return out;
}

/** The rows of a run's scores.csv; throws with the file name when the header is not the one evaluate writes. */
export function parseScoresCsv(text: string, runDir: string, file = path.join(runDir, 'scores.csv')): RunScoreRow[] {
  const [head, ...rest] = records(text);
  const cols = csvCells(head ?? '');
  const at = (name: string) => cols.indexOf(name);
  const [ip, ii, ic, il, is, im] = ['path', 'id', 'class', 'label', 'score', 'map'].map(at);
  if (ip < 0 || is < 0) throw new Error(`${file}: not a medad scores.csv (header '${head ?? ''}' lacks path and score)`);
  const rows: RunScoreRow[] = [];
  for (const r of rest) {
    if (!r.trim()) continue;
    const c = csvCells(r);
    const score = Number(c[is]);
    const map = im >= 0 && c[im] ? path.resolve(runDir, c[im]) : undefined;
    rows.push({
      path: path.resolve(runDir, c[ip]),
      id: ii >= 0 ? c[ii] : c[ip],
      className: ic >= 0 ? c[ic] : '',
      label: il >= 0 && c[il] === '1' ? 1 : 0,
      score: Number.isFinite(score) ? score : Number.NaN,
      ...(map ? { map } : {}),
    });
  }
  return rows;
}
