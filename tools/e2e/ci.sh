#!/usr/bin/env bash
# CI entry for the VS Code e2e (.ci/run calls it after `npm test`, on a clean clone, as root on Debian 12, with
# network to the npm registry and Debian apt only):
#   1. installs chromium, ripgrep and the native build tools (apt), code-server and playwright-core (npm) into
#      .e2e/ (idempotent: a second run only verifies, ~5 s);
#   2. builds the extension and runs tools/e2e/e2e.mjs in code-server + headless Chromium (run-e2e.sh);
#   3. packs the .vsix (npm run package -w medad-vscode: extension + bundled daemon), installs it into a fresh
#      code-server and runs activate/train/evaluate/heatmap against it (E2E_PACKAGED=0 skips; E2E_PACKAGED_STEPS);
#   4. leaves the screenshots and the extension's log in .e2e/artifacts/ (.e2e/vsix/artifacts/ for the vsix) and
#      exits non-zero on failure.
# Env: E2E_ATTEMPTS (default 2: a safety net, never a pass that hides a failure: a retry is reported loudly and the first attempt's screenshots are kept), E2E_STEPS, E2E_TIMEOUT (see run-e2e.sh),
# E2E_INSTALL_TIMEOUT (seconds, default 1200), E2E_DIR (default <repo>/.e2e).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
export E2E_DIR=$(realpath -m "${E2E_DIR:-$ROOT/.e2e}")
A="$E2E_DIR/artifacts"
T0=$(date +%s)
el() { echo "$(( $(date +%s) - T0 ))s"; }
CHILD=
# a cancelled CI job must not leave code-server, Chromium or the daemon behind: run-e2e.sh kills its server's
# process group on exit; this stops run-e2e.sh (and so triggers that) when this script is interrupted
trap '[ -n "$CHILD" ] && kill "$CHILD" 2>/dev/null; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM HUP

echo "== e2e install ($(el))"
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
  apt-get -o DPkg::Lock::Timeout=900 update -qq
fi
timeout -k 10 "${E2E_INSTALL_TIMEOUT:-1200}" bash tools/e2e/install-code-server.sh &
CHILD=$!; wait "$CHILD"; CHILD=

ATTEMPTS=${E2E_ATTEMPTS:-2}
for i in $(seq 1 "$ATTEMPTS"); do
  echo "== e2e run, attempt $i of $ATTEMPTS ($(el))"
  set +e
  bash tools/e2e/run-e2e.sh &
  CHILD=$!; wait "$CHILD"; RC=$?; CHILD=
  set -e
  if [ "$RC" = 0 ]; then
    [ "$i" -gt 1 ] && echo "!! e2e PASSED ONLY ON ATTEMPT $i: the first attempt failed (see its log above)"
    echo "== e2e passed in $(el); screenshots in $A/"
    ls "$A"/
    break
  fi
  echo "!! e2e attempt $i failed (rc $RC)"
  # keep the failed attempt's screenshots apart: the next attempt empties artifacts/
  if [ "$i" -lt "$ATTEMPTS" ]; then
    rm -rf "$A-attempt$i" && cp -r "$A" "$A-attempt$i"
  fi
done
if [ "$RC" != 0 ]; then
  echo "== e2e FAILED after $ATTEMPTS attempts ($(el)); screenshots in $A/"
  exit 1
fi

# the packaged extension: a .vsix with its bundled daemon, installed into code-server (E2E_PACKAGED=0 skips it)
if [ "${E2E_PACKAGED:-1}" = 1 ]; then
  echo "== packaging the vsix ($(el))"
  npm run package -w medad-vscode --silent > "$E2E_DIR/package.log" 2>&1 || { tail -n 30 "$E2E_DIR/package.log"; echo "!! npm run package failed"; exit 1; }
  VSIX=$(ls "$ROOT"/packages/vscode-ext/medad-vscode-*.vsix | head -1)
  echo "== e2e of the installed $(basename "$VSIX") ($(du -h "$VSIX" | cut -f1)): activate, train, evaluate, heatmap ($(el))"
  set +e
  CS_DIR="$E2E_DIR/cs" E2E_DIR="$E2E_DIR/vsix" E2E_VSIX="$VSIX" E2E_STEPS=${E2E_PACKAGED_STEPS:-activate,train,evaluate,heatmap} bash tools/e2e/run-e2e.sh &
  CHILD=$!; wait "$CHILD"; RC=$?; CHILD=
  set -e
  [ "$RC" = 0 ] || { echo "== e2e of the packaged extension FAILED ($(el)); screenshots in $E2E_DIR/vsix/artifacts/"; exit 1; }
fi
echo "== e2e passed in $(el) total; screenshots in $A/ (packaged: $E2E_DIR/vsix/artifacts/)"
exit 0
