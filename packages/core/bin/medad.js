#!/usr/bin/env node
// A committed entry point (dist/ does not exist when npm links bins at install time; build first: npm run build).
await import('../dist/cli/main.js');
