#!/usr/bin/env bash
# Installs the Debian packages that the tests start (tools/setup/apt-packages.txt), so that
# `npm install && npm test` passes on a fresh Debian 12 machine. Runs before `npm test` (the `pretest` script).
# Idempotent: with everything installed it only asks dpkg (well under a second).
#   MEDAD_SKIP_SYSTEM_DEPS=1   skip (a machine whose admin installs packages another way)
set -euo pipefail
[ "${MEDAD_SKIP_SYSTEM_DEPS:-0}" = 1 ] && exit 0
HERE=$(cd "$(dirname "$0")" && pwd)
LIST=${1:-$HERE/apt-packages.txt}
PKGS=$(sed -e 's/#.*//' "$LIST" | tr -s ' \t' '\n' | grep -v '^$' || true)
MISSING=$(for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done | tr '\n' ' ')
[ -z "${MISSING// /}" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "medad tests need these Debian packages, and this machine has no apt-get: $MISSING" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "medad tests need these Debian packages: $MISSING" >&2
  echo "install them with:  sudo apt-get install -y --no-install-recommends $MISSING" >&2
  exit 1
fi
echo "== installing the Debian packages the tests need: $MISSING" >&2
export DEBIAN_FRONTEND=noninteractive
# a fresh machine may have no package lists yet; the lock timeout waits for another apt (the e2e's) to finish
apt-get -o DPkg::Lock::Timeout=900 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $MISSING >&2
