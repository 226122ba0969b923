#!/usr/bin/env bash
# The AE speed benchmark from source (medad on the ladder's backend, then torch_ae.py with 1 and 2 threads, then
# data loading). Same as `npm run bench` for core, without the build. Extra flags go to bench/ae-speed.ts (--help).
set -euo pipefail
cd "$(dirname "$0")/../../packages/core"
exec node --conditions=@medad/source --import tsx bench/ae-speed.ts "$@"
