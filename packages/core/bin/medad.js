#!/usr/bin/env node
// A committed entry point (dist/ does not exist when npm links bins at install time; build first: npm run build).
// CommonJS on purpose (bin/package.json): libuv's thread pool takes its size from the environment when it starts,
// and loading an ES module already starts it. One decoding thread per CPU (src/io/threadpool.ts says why).
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, require('node:os').availableParallelism()));
import('../dist/cli/main.js');
