// core's shortcut audit, split for the editor like the leakage check: `computeAudit` runs in the check worker
// (decodes every labelled image), `auditIssues` turns a report (cached or fresh) into warnings on the config text.
import {
  DESCRIPTOR_TEXT,
  NUMERIC_DESCRIPTORS,
  auditDataset,
  auditHeadline,
  rangeOfPath,
  type ConfigIssue,
  type DatasetAudit,
  type ResolvedDataset,
  type Separation,
} from '@medad/core';
import type { DatasetAuditResult } from '../protocol.js';
import type { JobContext } from './types.js';

export type { DatasetAudit };

export function computeAudit(resolved: unknown, ctx: JobContext): Promise<DatasetAudit> {
  return auditDataset(resolved as ResolvedDataset, {
    signal: ctx.signal,
    onProgress: (d, t) => {
      if (d === t || d % 16 === 0) ctx.onProgress((100 * d) / t, `shortcut audit: ${d}/${t} images`);
    },
  });
}

const INTENSITY = new Set(['mean', 'std', 'p01', 'p50', 'p99', 'dynamicRange', 'backgroundFraction']);
const DETAIL = new Set(['gradientMean', 'laplacianVar', 'noiseSigma']);

/** What to try for a cue of this kind: the input-preparation options that exist, or re-splitting by source. */
export function mitigation(descriptor: string): string {
  const rerun = ' Then re-run the audit (`medad dataset audit`, or save this file).';
  if (INTENSITY.has(descriptor))
    return `Try per-image intensity normalisation (\`input.normalise: zscore\` in the experiment) so brightness and contrast carry no label, and compare the detector's AUROC before and after (the audit measures the stored images, so its table will not change); check the classes were exported with the same windowing, and re-audit after re-exporting.`;
  if (DETAIL.has(descriptor))
    return `Fine detail or noise differs by class: a smaller \`input.size\` with \`resize: area\` averages it away; if the classes come from different scanners or post-processing, re-split so each source gives both normals and anomalies.${rerun}`;
  return `The classes look like they come from different sources (size, format, encoding or scanner): re-split so each source contributes normals and anomalies, or re-encode every image the same way (\`input.size\` resizes all images to one size).${rerun}`;
}

function pct(v: number): string {
  return (100 * v).toFixed(1);
}

export function separationMessage(split: string, s: Separation): string {
  const what = DESCRIPTOR_TEXT[s.descriptor as keyof typeof DESCRIPTOR_TEXT] ?? s.descriptor;
  const dir = s.direction === 'higher' ? ', higher in anomalous images' : s.direction === 'lower' ? ', lower in anomalous images' : ' (per-category anomaly rate, cross-validated)';
  return `Shortcut in the ${split} split: ${s.descriptor} (${what}) alone separates normal from anomalous, AUROC ${pct(s.auroc)} [95% CI ${pct(s.ci[0])}, ${pct(s.ci[1])}]${dir}. A detector's AUROC here partly measures this cue.`;
}

/** One warning per flagged descriptor, on `sources`, with example images of each class as related information. */
export function auditIssues(text: string, audit: DatasetAudit): ConfigIssue[] {
  const range = rangeOfPath(text, ['sources'], 'key') ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return audit.splits.flatMap((s) =>
    s.descriptors
      .filter((d) => d.flagged)
      .map((d): ConfigIssue => {
        const ex = s.examples.find((e) => e.descriptor === d.descriptor);
        const related = [
          ...(ex?.normal ?? []).map((file) => ({ file, message: `typical normal image (${d.descriptor})` })),
          ...(ex?.anomalous ?? []).map((file) => ({ file, message: `typical anomalous image (${d.descriptor})` })),
        ];
        return {
          message: `${separationMessage(s.split, d)} ${mitigation(d.descriptor)}`,
          severity: 'warning',
          code: 'shortcut',
          path: ['sources'],
          ...range,
          ...(related.length ? { related } : {}),
        };
      }),
  );
}

/** The audit as the protocol carries it: the table per split and each image's numeric values (NaN → null). */
export function auditResult(audit: DatasetAudit | undefined, cached: boolean): DatasetAuditResult {
  if (!audit) return { splits: [], descriptors: [...NUMERIC_DESCRIPTORS], images: [], cached };
  return {
    splits: audit.splits.map((s) => ({
      split: s.split,
      normals: s.normals,
      anomalous: s.anomalous,
      descriptors: s.descriptors.map((d) => ({
        descriptor: d.descriptor,
        kind: d.kind,
        auroc: d.auroc,
        direction: d.direction,
        ci: d.ci,
        flagged: d.flagged,
        ...(d.note ? { note: d.note } : {}),
      })),
      ...(s.combined ? { combinedCvAuroc: s.combined.cvAuroc } : {}),
      headline: auditHeadline(s),
    })),
    descriptors: [...NUMERIC_DESCRIPTORS],
    images: audit.images.map((im) => ({
      path: im.path,
      split: im.split,
      label: im.label,
      values: NUMERIC_DESCRIPTORS.map((d) => (Number.isFinite(im.numeric[d]) ? im.numeric[d] : null)),
    })),
    cached,
  };
}

/** The audit for a hover: the strongest cue and the combined model per split, and what is flagged. */
export function auditMarkdown(audit: DatasetAudit): string {
  const lines = ['**Shortcut audit** (cached; `medad dataset audit` for the table):'];
  for (const s of audit.splits) {
    const flagged = s.descriptors.filter((d) => d.flagged).map((d) => `\`${d.descriptor}\` ${pct(d.auroc)}`);
    lines.push(`- ${auditHeadline(s)}${flagged.length ? `; flagged: ${flagged.join(', ')}` : '; nothing flagged'}`);
  }
  if (!audit.splits.length) lines.push('- no split has labelled normal and anomalous images');
  return lines.join('\n');
}
