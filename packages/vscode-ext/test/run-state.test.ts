import { describe, expect, it } from 'vitest';
import { MedadErrorCodes, type RunSummary } from '@medad/daemon/protocol';
import { RUN_ICON, isCancellation, isResumable, runContextValue, runIcon, runStateText } from '../src/run-state.js';

const run = (state: RunSummary['state'], extra: Partial<RunSummary> = {}): RunSummary => ({ runDir: '/w/runs/a', experiment: '/w/a.medad.yaml', state, ...extra });

describe('run and job states in the editor', () => {
  it('spins only for a running run; cancelled and interrupted runs have their own icons', () => {
    const states: RunSummary['state'][] = ['running', 'finished', 'failed', 'cancelled', 'interrupted', 'unknown'];
    const spinning = states.filter((s) => runIcon(run(s)).includes('~spin'));
    expect(spinning).toEqual(['running']);
    expect(new Set(states.map((s) => RUN_ICON[s])).size).toBe(states.length);
    // A state a newer daemon adds falls back to the unknown icon instead of none.
    expect(runIcon({ state: 'paused' as RunSummary['state'] })).toBe(RUN_ICON.unknown);
  });

  it('offers Resume for cancelled, interrupted and failed runs of a known experiment only', () => {
    expect(['cancelled', 'interrupted', 'failed'].map((s) => runContextValue(run(s as RunSummary['state'])))).toEqual(Array(3).fill('medad.run.resumable'));
    expect(runContextValue(run('running'))).toBe('medad.run');
    expect(runContextValue(run('finished'))).toBe('medad.run');
    expect(isResumable(run('cancelled', { experiment: undefined }))).toBe(false);
  });

  it('words the state, with the step a cancel stopped at', () => {
    expect(runStateText(run('cancelled', { stoppedAtStep: 65 }))).toBe('cancelled at step 65');
    expect(runStateText(run('cancelled'))).toBe('cancelled');
    expect(runStateText(run('interrupted'))).toMatch(/^interrupted/);
    expect(runStateText(run('finished'))).toBe('finished');
  });

  it('treats a Cancelled error (medad/cancel from the job queue) as a cancel, other errors as errors', () => {
    expect(isCancellation({ code: MedadErrorCodes.Cancelled, message: 'fit(ae) cancelled after step 3' }, false)).toBe(true);
    expect(isCancellation(new Error('anything'), true)).toBe(true);
    expect(isCancellation({ code: MedadErrorCodes.JobFailed, message: 'train failed' }, false)).toBe(false);
    expect(isCancellation(undefined, false)).toBe(false);
  });
});
