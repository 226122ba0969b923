// How runs and jobs that ended early are shown (no `vscode` import, so it is unit-tested): a cancelled job is a
// cancel, not an error; cancelled and interrupted runs get their own icon and a Resume action, never a spinner.
import { MedadErrorCodes, type RunSummary } from '@medad/daemon/protocol';

/** Codicon per run state: only a run a live process trains spins. */
export const RUN_ICON: Record<RunSummary['state'], string> = {
  running: 'sync~spin',
  finished: 'pass',
  failed: 'error',
  cancelled: 'debug-pause',
  interrupted: 'debug-disconnect',
  unknown: 'question',
};

export function runIcon(r: Pick<RunSummary, 'state'>): string {
  return RUN_ICON[r.state] ?? RUN_ICON.unknown;
}

/** A run `medad/train` with `resume` can continue: stopped early, with its experiment known. */
export function isResumable(r: Pick<RunSummary, 'state' | 'experiment'>): boolean {
  return (r.state === 'cancelled' || r.state === 'interrupted' || r.state === 'failed') && !!r.experiment;
}

/** The tree item's contextValue: the Resume menu entry shows for 'medad.run.resumable'. */
export function runContextValue(r: Pick<RunSummary, 'state' | 'experiment'>): string {
  return isResumable(r) ? 'medad.run.resumable' : 'medad.run';
}

/** The state as the Runs view words it. */
export function runStateText(r: Pick<RunSummary, 'state' | 'stoppedAtStep'>): string {
  if (r.state === 'cancelled') return r.stoppedAtStep !== undefined ? `cancelled at step ${r.stoppedAtStep}` : 'cancelled';
  if (r.state === 'interrupted') return 'interrupted (process ended)';
  return r.state;
}

/** Whether a failed request is a cancel (the user's own, or medad/cancel from the job queue), not an error. */
export function isCancellation(err: unknown, cancelRequested: boolean): boolean {
  return cancelRequested || (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === MedadErrorCodes.Cancelled);
}
