// The text of a job's progress report: stage and counts, and for training the epoch, the latest loss and the
// estimated time left (the CLI shows the same), so the editor's notification says more than a percentage.
import type { PipelineProgress } from '@medad/core';

export function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function progressMessage(p: PipelineProgress): string {
  const base = p.total ? `${p.stage} ${p.done ?? 0}/${p.total}` : p.stage;
  const t = p.train;
  if (t) {
    const parts = [base, `epoch ${t.epoch + 1}/${t.epochs}`];
    if (Number.isFinite(t.loss)) parts.push(`loss ${t.loss.toPrecision(4)}`);
    const eta = formatEta(t.etaMs);
    if (eta) parts.push(`ETA ${eta}`);
    return parts.join(' · ');
  }
  return base;
}
