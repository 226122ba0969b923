// Pure helpers about files and runs (no `vscode` import, so they are unit-tested).
import * as path from 'node:path';
import type { RunSummary } from '@medad/daemon/protocol';

/** Extensions the browser decodes itself; the others (TIFF, DICOM, NIfTI) are shown through the daemon's map only. */
export const BROWSER_IMAGE = /\.(png|jpe?g|webp|gif|bmp)$/i;
export const ANY_IMAGE = /\.(png|jpe?g|webp|tiff?|dcm|dicom|nii|nii\.gz)$/i;

/** PNG bit depth from the file's first 25 bytes (signature + IHDR), undefined when they are not a PNG header. */
export function pngBitDepth(head: Uint8Array): number | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length < 25 || sig.some((b, i) => head[i] !== b) || String.fromCharCode(...head.subarray(12, 16)) !== 'IHDR') return undefined;
  return head[24];
}

/**
 * Whether the webview can show the file as it is. TIFF, DICOM and NIfTI are not browser formats, and a 16-bit PNG
 * would be shown with its top 8 bits only (12-bit CT in 16 bits looks black): those go through medad/renderImage.
 */
export function browserCanShow(file: string, head: Uint8Array): boolean {
  if (!BROWSER_IMAGE.test(file)) return false;
  return !/\.png$/i.test(file) || (pngBitDepth(head) ?? 8) <= 8;
}

/** Split and class of an image in the folder layout (`<root>/<split>/<class>/<file>`), relative to `root`. */
export function classify(root: string, file: string): { split: string; cls: string } {
  const parts = path.relative(root, file).split(path.sep);
  if (parts.length >= 3) return { split: parts[parts.length - 3], cls: parts[parts.length - 2] };
  if (parts.length === 2) return { split: '', cls: parts[0] };
  return { split: '', cls: '' };
}

/** Masks live beside the classes (`test/masks/<stem>.*`) and are not dataset images. */
export function isMaskFile(root: string, file: string): boolean {
  return path.relative(root, file).split(path.sep).slice(0, -1).includes('masks');
}

/** Candidate ground-truth masks of a test image: `<split>/masks/<stem>.{png,...}` (the folder layout). */
export function maskCandidates(image: string): string[] {
  const stem = path.basename(image).replace(/\.(nii\.gz|[^.]+)$/i, '');
  const masks = path.join(path.dirname(path.dirname(image)), 'masks');
  return ['.png', '.jpg', '.jpeg', '.tif', '.tiff'].map((ext) => path.join(masks, stem + ext)).filter((m) => m !== image);
}

/** A run with a model to use: 'finished', or a state this client does not know (e.g. core's 'trained') that
 * nevertheless records when it finished; never a running or failed one. */
export function isUsableRun(r: RunSummary): boolean {
  return r.state === 'finished' || (r.state === 'unknown' && !!r.finishedAt);
}

/** The most recently finished run, of one experiment when given. */
export function latestRun(runs: readonly RunSummary[], experiment?: string): RunSummary | undefined {
  const norm = (p: string) => path.resolve(p.replace(/^file:\/\//, ''));
  return runs
    .filter((r) => isUsableRun(r) && (!experiment || !r.experiment || norm(r.experiment) === norm(experiment)))
    .sort((a, b) => (b.finishedAt ?? b.startedAt ?? '').localeCompare(a.finishedAt ?? a.startedAt ?? '') || b.runDir.localeCompare(a.runDir))[0];
}

/** Absolute path from a `file://` URI, a plain path, or a vscode.Uri-like `{ fsPath }` (lens arguments arrive as strings). */
export function toFsPath(ref: unknown): string | undefined {
  if (typeof ref === 'string') return ref.startsWith('file://') ? decodeURIComponent(new URL(ref).pathname) : ref;
  if (ref && typeof ref === 'object' && 'fsPath' in ref && typeof (ref as { fsPath: unknown }).fsPath === 'string') {
    return (ref as { fsPath: string }).fsPath;
  }
  return undefined;
}

/** Label for ROC/PR: the normal class is 0, every other class 1 (the folder layout's convention). */
export function labelOf(cls: string, normalClass = 'normal'): 0 | 1 {
  return cls === normalClass ? 0 : 1;
}

export interface RunThreshold {
  threshold: number;
  policy?: string;
  chosenOn?: string;
}

/** The decision threshold a run recorded in its metrics.json (`threshold: { threshold, policy, chosenOn }`), or
 * undefined when it has none (a run evaluated by an older core, or not evaluated). */
export function runThreshold(metricsJson: unknown): RunThreshold | undefined {
  const t = (metricsJson as { threshold?: unknown } | null)?.threshold;
  if (!t || typeof t !== 'object') return undefined;
  const { threshold, policy, chosenOn } = t as Record<string, unknown>;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) return undefined;
  return { threshold, ...(typeof policy === 'string' ? { policy } : {}), ...(typeof chosenOn === 'string' ? { chosenOn } : {}) };
}
