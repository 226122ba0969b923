#!/usr/bin/env bash
# Installs the Debian packages that the tests start, so that `npm install && npm test` passes on a fresh Debian 12
# machine. Runs before `npm test` (the `pretest` script). Idempotent: with everything installed it only asks dpkg.
#   neovim        packages/daemon/test/neovim.test.ts: Neovim's built-in LSP client drives the daemon
#   redis-server  the BullMQ job queue's Redis, started on a loopback port (core/test/queue, daemon/test/queue-route)
# The e2e's own packages (chromium, ripgrep, build tools) are installed by tools/e2e/install-code-server.sh; the Python
# packages that regenerate recorded golden values (never needed by a test run) by tools/setup/golden-deps.sh.
#   MEDAD_SKIP_SYSTEM_DEPS=1   skip (a machine whose admin installs packages another way)
set -euo pipefail
[ "${MEDAD_SKIP_SYSTEM_DEPS:-0}" = 1 ] && exit 0
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=apt-install.sh
. "$HERE/apt-install.sh"
missing neovim redis-server || exit 0
need_root "medad tests" neovim redis-server
echo "== installing the Debian packages the tests need: $MISSING" >&2
apt-get -o DPkg::Lock::Timeout=900 update -qq
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends neovim redis-server >&2
