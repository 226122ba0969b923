// Runs a TypeScript worker entry from source (tests, `node --import tsx`): tsx's loader is not inherited by
// worker threads, so it is registered here before the entry is imported.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
