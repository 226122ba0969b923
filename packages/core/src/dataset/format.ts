// Plain-text rendering of dataset summaries and leakage reports, for the CLI.
import path from 'node:path';
import type { LeakageGroup, LeakagePair, LeakageReport } from './leakage.js';
import type { DatasetSummary } from './summary.js';

export interface FormatOptions {
  /** Paths are shown relative to this folder when given. */
  baseDir?: string;
  /** Most groups / list entries shown. Default 10. */
  limit?: number;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/** A UID's last 12 characters: enough to tell series apart in a table. */
const short = (uid: string) => (uid.length > 14 ? `…${uid.slice(-12)}` : uid);

const more = (n: number, limit: number) => (n > limit ? [`  ... and ${n - limit} more`] : []);

export function formatSummary(s: DatasetSummary, opts: FormatOptions = {}): string {
  const limit = opts.limit ?? 10;
  const rel = (p: string) => (opts.baseDir ? path.relative(opts.baseDir, p) : p);
  const out: string[] = [`Dataset: ${s.total} images`];
  if (s.counts.length) {
    out.push(
      '',
      ...table([
        ['split', 'class', 'label', 'images'],
        ...s.counts.map((c) => [c.split, c.className, String(c.label), String(c.count)]),
      ]).map((l) => `  ${l}`),
    );
  }
  out.push('');
  if (s.minSize && s.maxSize)
    out.push(
      `Sizes: ${s.sizes.length} distinct, smallest ${s.minSize.width}x${s.minSize.height}, largest ${s.maxSize.width}x${s.maxSize.height}`,
    );
  for (const z of s.sizes.slice(0, limit)) out.push(`  ${`${z.width}x${z.height}`.padEnd(11)} ${z.count}`);
  out.push(...more(s.sizes.length, limit));
  out.push(`Formats: ${s.formats.map((f) => `${f.format} ${f.count}`).join(', ') || 'none'}`);
  out.push(`Bit depths: ${s.bitDepths.map((b) => `${b.bitDepth}-bit ${b.count}`).join(', ') || 'none'}`);
  if (s.multiFrameFiles) out.push(`Multi-image files (DICOM frames / NIfTI volumes): ${s.multiFrameFiles}`);
  out.push(`Masks: ${s.masks.present} present, ${s.masks.missing} anomalous test images without a mask`);
  if (s.masks.sizeMismatch.length) {
    out.push(`  ${s.masks.sizeMismatch.length} mask(s) differ in size from their image:`);
    for (const m of s.masks.sizeMismatch.slice(0, limit))
      out.push(`    ${rel(m.mask)}: ${m.maskSize} vs image ${m.imageSize}`);
    out.push(...more(s.masks.sizeMismatch.length, limit).map((l) => `  ${l}`));
  }
  if (s.dicom) {
    const d = s.dicom;
    out.push(`DICOM: ${d.files} file(s), ${d.patients} patient(s), ${d.studies} stud(ies), ${d.series.length} series`);
    out.push(`  transfer syntaxes: ${d.transferSyntaxes.map((t) => `${t.name} ${t.count}`).join(', ')}`);
    out.push(
      ...table([
        ['patient', 'study', 'series', 'modality', 'files', 'splits'],
        ...d.series.slice(0, limit).map((x) => [x.patientId, short(x.studyInstanceUid), `${x.seriesNumber ?? ''} ${short(x.seriesInstanceUid)}`.trim(), x.modality ?? '', String(x.files), x.splits.join('/')]),
      ]).map((l) => `  ${l}`),
    );
    out.push(...more(d.series.length, limit));
  }
  out.push(`Unreadable: ${s.unreadable.length}`);
  for (const u of s.unreadable.slice(0, limit)) out.push(`  ${rel(u.path)}: ${u.reason}`);
  out.push(...more(s.unreadable.length, limit));
  return out.join('\n');
}

function pairLine(p: LeakagePair, rel: (p: string) => string): string {
  const how =
    p.kind === 'file'
      ? 'identical file'
      : p.kind === 'pixels'
        ? 'identical pixels'
        : `near: pHash distance ${p.distance}, detail correlation ${p.correlation.toFixed(2)}`;
  return `${p.a.split}:${rel(p.a.path)} <-> ${p.b.split}:${rel(p.b.path)} (${how})`;
}

function groupLines(groups: LeakageGroup[], limit: number, rel: (p: string) => string): string[] {
  const out: string[] = [];
  groups.slice(0, limit).forEach((g, i) => {
    const who = g.groups ? `, ${g.groups.length === 1 ? 'one group' : 'groups'} ${g.groups.join(', ')}` : '';
    out.push(`  group ${i + 1}: ${g.members.length} images, ${g.kind}${who}`);
    for (const p of g.pairs.slice(0, limit)) out.push(`    ${pairLine(p, rel)}`);
    out.push(...more(g.pairs.length, limit).map((l) => `  ${l}`));
  });
  return [...out, ...more(groups.length, limit)];
}

export function formatLeakage(r: LeakageReport, opts: FormatOptions = {}): string {
  const limit = opts.limit ?? 10;
  const rel = (p: string) => (opts.baseDir ? path.relative(opts.baseDir, p) : p);
  const out = [
    `Leakage check: ${r.checked.test} test images against ${r.checked.reference} train/validation/unlabelled images`,
    `  near-duplicate: pHash (${r.settings.bits} bits) distance <= ${r.settings.maxHamming} and detail correlation >= ${r.settings.minCorrelation}`,
  ];
  if (r.pairs.length === 0) out.push('No leakage found.');
  else {
    out.push(
      `LEAKAGE: ${r.leakedTestImages} test image(s) duplicate a training-side image: ` +
        `${r.counts.file} identical file(s), ${r.counts.pixels} identical pixels, ${r.counts.near} near-duplicate pair(s), in ${r.groups.length} group(s)`,
      ...groupLines(r.groups, limit, rel),
    );
  }
  if (r.withinTest.pairs.length) {
    out.push(
      `Info: ${r.withinTest.pairs.length} duplicate pair(s) within the test set, in ${r.withinTest.groups.length} group(s)`,
    );
    out.push(...groupLines(r.withinTest.groups, limit, rel));
  }
  if (r.unreadable.length) {
    out.push(`Unreadable (skipped): ${r.unreadable.length}`);
    for (const u of r.unreadable.slice(0, limit)) out.push(`  ${rel(u.path)}: ${u.reason}`);
    out.push(...more(r.unreadable.length, limit));
  }
  return out.join('\n');
}
