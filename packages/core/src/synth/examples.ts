// Writes a few synthetic anomalies with their label masks as PNGs plus an index.csv, so researchers can see what
// a self-supervised detector trains on (`medad synth <dataset>`).
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { writeGray8Png } from '../io/index.js';
import type { GrayImage, ValueRange } from '../io/types.js';
import { writeFileAtomic } from '../model/atomic.js';
import { needsForeign, SYNTH_METHODS, synthesize, type SynthMethod, type SynthOptions } from './generate.js';
import { SynthRng } from './rng.js';
import { checkImage, DEFAULT_VALUE_RANGE } from './types.js';

export interface SynthExamplesOptions {
  method: SynthMethod;
  count: number;
  seed: number;
  /** Intensity range mapped to 0..255 in the image PNGs. Default [-1, 1]. */
  range?: ValueRange;
  options?: SynthOptions;
}

export interface SynthExampleRow {
  index: number;
  id: string;
  foreignId: string;
  method: SynthMethod;
  image: string;
  label: string;
  /** Fraction of pixels with a non-zero label. */
  labelFraction: number;
  cls?: number;
  boxes: string;
}

function csvField(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Example i alters images[i mod n]; the foreign image (FPI/PII/NSA) is another image drawn at random (itself
 * when there is only one). Files: `NNNN-image.png`, `NNNN-label.png` (label 0..1 -> 0..255), `index.csv`.
 */
export async function writeSynthExamples(
  images: { id: string; image: GrayImage }[],
  outDir: string,
  opts: SynthExamplesOptions,
): Promise<SynthExampleRow[]> {
  if (!SYNTH_METHODS.includes(opts.method))
    throw new Error(`writeSynthExamples: unknown method '${String(opts.method)}'; expected one of ${SYNTH_METHODS.join(', ')}`);
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new Error(`writeSynthExamples: count must be an integer >= 0, got ${opts.count}`);
  if (opts.count > 0 && images.length === 0) throw new Error('writeSynthExamples: no images to synthesise from');
  for (const { id, image } of images) checkImage(image, `writeSynthExamples: image ${id}`);
  await mkdir(outDir, { recursive: true });
  const rng = new SynthRng(opts.seed);
  const range = opts.range ?? DEFAULT_VALUE_RANGE;
  const rows: SynthExampleRow[] = [];
  for (let i = 0; i < opts.count; i++) {
    const dest = images[i % images.length];
    let j = i % images.length;
    if (needsForeign(opts.method) && images.length > 1) {
      j = rng.int(0, images.length - 1);
      if (j >= i % images.length) j++; // any image but the destination
    }
    const foreign = images[j];
    if (foreign.image.width !== dest.image.width || foreign.image.height !== dest.image.height)
      throw new Error(`writeSynthExamples: ${foreign.id} is ${foreign.image.width}x${foreign.image.height} but ${dest.id} is ${dest.image.width}x${dest.image.height}; resize the dataset to one size first`);
    const res = synthesize(opts.method, dest.image, foreign.image, rng, opts.options);
    const stem = String(i).padStart(4, '0');
    const imageFile = `${stem}-image.png`;
    const labelFile = `${stem}-label.png`;
    await writeGray8Png(path.join(outDir, imageFile), res.image, range);
    await writeGray8Png(path.join(outDir, labelFile), { width: res.image.width, height: res.image.height, data: res.label }, { min: 0, max: 1 });
    let nz = 0;
    for (const v of res.label) if (v > 0) nz++;
    rows.push({
      index: i,
      id: dest.id,
      foreignId: needsForeign(opts.method) ? foreign.id : '',
      method: opts.method,
      image: imageFile,
      label: labelFile,
      labelFraction: nz / res.label.length,
      cls: res.cls,
      boxes: res.boxes.map((b) => `${b.x} ${b.y} ${b.w} ${b.h}`).join(';'),
    });
  }
  const header = 'index,id,foreign_id,method,image,label,label_fraction,class,boxes_xywh';
  const lines = rows.map((r) =>
    [r.index, r.id, r.foreignId, r.method, r.image, r.label, r.labelFraction.toFixed(6), r.cls, r.boxes].map(csvField).join(','),
  );
  await writeFileAtomic(path.join(outDir, 'index.csv'), [header, ...lines].join('\n') + '\n');
  return rows;
}
