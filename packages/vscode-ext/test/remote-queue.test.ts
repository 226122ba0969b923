import { describe, expect, it } from 'vitest';
import { remoteQueueItems } from '../src/webview-logic/remote-queue.js';

describe('remote queue items', () => {
  it('nothing without a queue; a warning when unreachable', () => {
    expect(remoteQueueItems({ configured: false, workers: [], jobs: [] })).toEqual([]);
    expect(remoteQueueItems({ configured: true, url: 'redis://x', error: 'cannot reach Redis', workers: [], jobs: [] })[0]).toMatchObject({ label: '$(warning) Job queue unreachable', detail: 'cannot reach Redis' });
  });

  it('jobs with their worker, cancellable only while waiting or running; workers with backend and load', () => {
    const items = remoteQueueItems({
      configured: true,
      url: 'redis://x',
      workers: [{ id: 'w1', host: 'gpu1', pid: 42, backend: 'webgpu', concurrency: 2, jobs: [{ id: '7', kind: 'train', label: 'lr=0.001 seed=0', since: '' }], seenAt: '' }],
      jobs: [
        { id: '7', kind: 'train', label: 'lr=0.001 seed=0', state: 'active', percentage: 40, message: 'training' },
        { id: '8', kind: 'train', label: 'lr=0.001 seed=1', state: 'waiting' },
        { id: '9', kind: 'score-shard', label: 'shard 1/3', state: 'completed' },
      ],
    });
    expect(items[0]).toMatchObject({ description: 'active 40%', detail: 'training · on gpu1 (webgpu)', remoteJob: { id: '7' } });
    expect(items[1].remoteJob?.id).toBe('8');
    expect(items[2].remoteJob).toBeUndefined();
    expect(items[3]).toMatchObject({ label: '$(server) worker gpu1:42', description: 'webgpu, 1/2 busy', detail: 'lr=0.001 seed=0' });
  });
});
