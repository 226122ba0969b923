// Sharded scoring on disk: each shard scores its files into `<out>/.shards/shard-NNNNN/` (maps + result.json written
// last, atomically: a shard with result.json is done and is not redone); the merge renames the maps into `<out>/`
// with their index in the whole job (the names a local `medad score` gives them) and writes `<out>/scores.csv`.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../model/atomic.js';
import type { FileScore, ScoreFilesResult } from '../pipeline/score.js';

export const SHARDS_DIR = '.shards';
export const SCORES_CSV = 'scores.csv';
const RESULT_JSON = 'result.json';

export interface ShardResultFile {
  format: 'medad-score-shard/1';
  /** sha256 of the shard's file list: a result from another split of the files is not reused. */
  filesHash: string;
  scores: { path: string; id: string; score: number; map?: string }[];
  failures: { path: string; reason: string }[];
  mapRange: [number, number];
}

export function filesHash(files: readonly string[]): string {
  return createHash('sha256').update(files.join('\n')).digest('hex');
}

export function shardDirOf(out: string, index: number): string {
  return path.join(out, SHARDS_DIR, `shard-${String(index).padStart(5, '0')}`);
}

export async function writeShardResult(shardDir: string, files: readonly string[], r: ScoreFilesResult): Promise<void> {
  const doc: ShardResultFile = {
    format: 'medad-score-shard/1',
    filesHash: filesHash(files),
    scores: r.scores.map((s) => ({ path: s.path, id: s.id, score: s.score, ...(s.mapFile ? { map: path.basename(s.mapFile) } : {}) })),
    failures: r.failures,
    mapRange: r.mapRange,
  };
  await fs.mkdir(shardDir, { recursive: true }); // --no-maps: nothing else created it
  await writeJsonAtomic(path.join(shardDir, RESULT_JSON), doc);
}

/** The shard's result when it is complete and was made from exactly these files. */
export async function readShardResult(shardDir: string, files: readonly string[]): Promise<ShardResultFile | undefined> {
  let doc: ShardResultFile;
  try {
    doc = JSON.parse(await fs.readFile(path.join(shardDir, RESULT_JSON), 'utf8')) as ShardResultFile;
  } catch {
    return undefined;
  }
  return doc.format === 'medad-score-shard/1' && doc.filesHash === filesHash(files) ? doc : undefined;
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `<out>/scores.csv`: one row per scored image, in input order; the map column names the file under `<out>`. */
export async function writeScoresCsv(out: string, scores: readonly Pick<FileScore, 'path' | 'id' | 'score' | 'mapFile'>[]): Promise<string> {
  const rows = ['path,id,score,map', ...scores.map((s) => [csvCell(s.path), csvCell(s.id), String(s.score), s.mapFile ? csvCell(path.basename(s.mapFile)) : ''].join(','))];
  const file = path.join(out, SCORES_CSV);
  await fs.mkdir(out, { recursive: true });
  await writeFileAtomic(file, rows.join('\n') + '\n');
  return file;
}

/** A shard-local map name (`00003_x.png`) renamed to its index in the whole job (`01027_x.png`). */
export function globalMapName(local: string, offset: number): string {
  const us = local.indexOf('_');
  const index = Number(local.slice(0, us));
  if (us < 0 || !Number.isInteger(index)) throw new Error(`unexpected map name '${local}'`);
  return `${String(offset + index).padStart(5, '0')}${local.slice(us)}`;
}

export interface MergedScores {
  scores: FileScore[];
  failures: { path: string; reason: string }[];
  mapRange: [number, number];
  csv: string;
}

/** Moves every shard's maps into `out`, writes scores.csv, then removes `.shards` (the job is complete). */
export async function mergeShards(out: string, shards: readonly ShardResultFile[]): Promise<MergedScores> {
  const scores: FileScore[] = [];
  const failures: MergedScores['failures'] = [];
  let offset = 0;
  for (let k = 0; k < shards.length; k++) {
    const shard = shards[k];
    for (const s of shard.scores) {
      let mapFile: string | undefined;
      if (s.map) {
        mapFile = path.join(out, globalMapName(s.map, offset));
        const from = path.join(shardDirOf(out, k), 'maps', s.map);
        // Idempotent: a merge interrupted half-way finds some maps already moved.
        await fs.rename(from, mapFile).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT' || !(await fs.access(mapFile as string).then(() => true, () => false))) throw err;
        });
      }
      scores.push({ path: s.path, id: s.id, score: s.score, ...(mapFile ? { mapFile } : {}) });
    }
    failures.push(...shard.failures);
    offset += shard.scores.length;
  }
  const csv = await writeScoresCsv(out, scores);
  await fs.rm(path.join(out, SHARDS_DIR), { recursive: true, force: true });
  return { scores, failures, mapRange: shards[0]?.mapRange ?? [0, 1], csv };
}
