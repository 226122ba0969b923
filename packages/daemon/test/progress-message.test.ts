import { describe, expect, it } from 'vitest';
import { formatEta, progressMessage } from '../src/engine/progress-message.js';

describe('progressMessage', () => {
  it('shows epoch, step, loss and ETA while training', () => {
    const train = { epoch: 2, epochs: 10, step: 31, stepsPerEpoch: 10, totalSteps: 100, loss: 0.012345, etaMs: 83_000 };
    expect(progressMessage({ stage: 'training', fraction: 0.31, done: 31, total: 100, train })).toBe('training 31/100 · epoch 3/10 · loss 0.01235 · ETA 1m 23s');
    expect(progressMessage({ stage: 'training', fraction: 0.31, done: 31, total: 100, train: { ...train, loss: Number.NaN, etaMs: Number.NaN } })).toBe('training 31/100 · epoch 3/10');
  });
  it('keeps stage and counts for the other stages', () => {
    expect(progressMessage({ stage: 'loading test', fraction: 0.5, done: 5, total: 10 })).toBe('loading test 5/10');
    expect(progressMessage({ stage: 'writing report', fraction: 0 })).toBe('writing report');
    expect(formatEta(3_725_000)).toBe('1h 02m');
    expect(formatEta(9_000)).toBe('9s');
  });
});
