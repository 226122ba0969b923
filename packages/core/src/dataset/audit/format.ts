// The audit as a plain-text table per split (the CLI's output; the daemon reuses the one-line summary).
import path from 'node:path';
import { DESCRIPTOR_TEXT } from './descriptors.js';
import type { DatasetAudit, SplitAudit } from './audit.js';
import type { Separation } from './separation.js';

const pct = (v: number): string => (100 * v).toFixed(1);

function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}

function evidence(s: Separation): string {
  if (s.note) return s.note;
  if (s.medians) return `median normal ${fmtValue(s.medians.normal)}, anomalous ${fmtValue(s.medians.anomalous)}`;
  return (s.categories ?? [])
    .slice(0, 3)
    .map((c) => `${c.value}: ${c.normal}/${c.anomalous}`)
    .join(', ');
}

/** One line naming the strongest cue, e.g. for a hover or a log. */
export function auditHeadline(s: SplitAudit): string {
  const top = s.descriptors[0];
  const comb = s.combined ? `; all descriptors together (logistic, ${s.combined.k}-fold CV) ${pct(s.combined.cvAuroc)}` : '';
  const dir = top.direction === 'category' ? '' : top.direction === 'higher' ? ', higher in anomalous' : ', lower in anomalous';
  return `${s.split}: strongest single cue ${top.descriptor} (${DESCRIPTOR_TEXT[top.descriptor as keyof typeof DESCRIPTOR_TEXT] ?? top.descriptor}) AUROC ${pct(top.auroc)} [${pct(top.ci[0])}, ${pct(top.ci[1])}]${dir}${comb}`;
}

export function formatAudit(audit: DatasetAudit, opts: { baseDir?: string } = {}): string {
  const rel = (p: string) => (opts.baseDir ? path.relative(opts.baseDir, p) : p);
  const out: string[] = [];
  if (!audit.splits.length) out.push('Shortcut audit: no split has labelled normal and anomalous images, nothing to audit.');
  for (const s of audit.splits) {
    out.push(
      `Shortcut audit, ${s.split} split (${s.normals} normal, ${s.anomalous} anomalous; sharpness at ${audit.analysisSize.join('x')}):`,
      '  AUROC  95% CI          direction  descriptor            evidence (normal/anomalous)',
    );
    for (const d of s.descriptors) {
      const flag = d.flagged ? '!' : ' ';
      const dir = d.direction === 'category' ? 'category' : d.direction === 'higher' ? 'higher' : 'lower';
      out.push(
        `${flag} ${pct(d.auroc).padStart(5)}  [${pct(d.ci[0]).padStart(5)}, ${pct(d.ci[1]).padStart(5)}]  ${dir.padEnd(9)}  ${d.descriptor.padEnd(20)}  ${evidence(d)}`,
      );
    }
    if (s.combined) {
      const c = s.combined;
      out.push(
        `  combined: L2 logistic regression on ${c.features.length} standardised descriptors, ${c.k}-fold stratified CV AUROC ${pct(c.cvAuroc)} (folds ${c.foldAuroc.map(pct).join(' ')}); best single descriptor chosen inside the folds ${pct(c.bestSingleCvAuroc)}`,
        `  largest coefficients: ${c.coefficients.slice(0, 4).map((k) => `${k.descriptor} ${k.coef.toFixed(2)}`).join(', ')}`,
      );
    }
    const flagged = s.descriptors.filter((d) => d.flagged);
    if (flagged.length) {
      out.push(
        `  ! ${flagged.length} descriptor(s) separate the classes on their own (AUROC ≥ ${pct(audit.threshold.auroc)}, CI lower bound > ${pct(audit.threshold.lower)}): detector AUROCs on this split partly measure these cues.`,
      );
      for (const e of s.examples)
        out.push(`    ${e.descriptor}: typical normal ${e.normal.map(rel).join(', ')}; typical anomalous ${e.anomalous.map(rel).join(', ')}`);
    } else out.push('  no descriptor reaches the flag threshold.');
    out.push('');
  }
  if (audit.failures.length) out.push(`${audit.failures.length} image(s) could not be read and were left out: ${audit.failures.slice(0, 3).map((f) => `${rel(f.path)} (${f.reason})`).join('; ')}`);
  return out.join('\n').trimEnd();
}
