#!/usr/bin/env bash
# End-to-end test of the medad extension in code-server + headless Chromium (Playwright):
#   bash tools/e2e/install-code-server.sh   # once (idempotent)
#   bash tools/e2e/run-e2e.sh               # builds the extension, generates the workspace, runs tools/e2e/e2e.mjs
# Env: E2E_DIR (default <repo>/.e2e), E2E_VSIX (a packaged extension to install instead of the unpacked build; its
# bundled daemon is used), E2E_DAEMON=source|dist (default source: the daemon runs from TypeScript via
# tsx, so no daemon build is needed), E2E_STEPS (comma list, default all: activate,diagnostic,train,heatmap,restart,
# gallery), E2E_TIMEOUT (seconds for the Playwright test, default 600: the BUSI journey trains two runs on real data), E2E_KEEP (keep the run folder on success).
# Screenshots (and the extension's log) go to $E2E_DIR/artifacts/, emptied first; the code-server log and workspace
# stay in the run folder printed at the start when the test fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$(realpath -m "${E2E_DIR:-$ROOT/.e2e}")
CS_DIR=${CS_DIR:-$D/cs}
T0=$(date +%s.%N)
[ -x "$CS_DIR/node_modules/.bin/code-server" ] || { echo "code-server missing: run bash tools/e2e/install-code-server.sh"; exit 1; }
mkdir -p "$D/artifacts"
rm -f "$D/artifacts"/*.png "$D/artifacts"/*.log   # no stale screenshots from an earlier run
# a packaged extension runs where a user's would: in a folder with no node_modules above it, so its daemon can only
# use what the .vsix bundles (inside the repo it could resolve packages from the repo's node_modules)
if [ -n "${E2E_VSIX:-}" ]; then
  RUN=$(mktemp -d "${TMPDIR:-/tmp}/medad-vsix-e2e.XXXX")
  for dir in "$RUN" $(p="$RUN"; while [ "$p" != / ]; do p=$(dirname "$p"); echo "$p"; done); do
    [ -e "$dir/node_modules" ] && { echo "the packaged e2e needs a folder with no node_modules above it; $dir has one"; exit 1; }
  done
else
  RUN=$(mktemp -d "$D/run.XXXX")
fi
mkdir -p "$RUN/ext" "$RUN/ud/User" "$RUN/cfg"

# 1. the extension: E2E_VSIX=<file.vsix> installs a packaged one (npm run package -w medad-vscode) with its bundled
# daemon; otherwise the unpacked build, as VS Code would unpack a .vsix: package.json + dist/
if [ -n "${E2E_VSIX:-}" ]; then
  "$CS_DIR/node_modules/.bin/code-server" --extensions-dir "$RUN/ext" --user-data-dir "$RUN/ud" --install-extension "$(realpath "$E2E_VSIX")" > "$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; echo "installing $E2E_VSIX failed"; exit 1; }
  echo "installed $(ls "$RUN/ext" | grep medad) from $E2E_VSIX"
else
  BUILD_LOG=$(cd "$ROOT/packages/vscode-ext" && node build.mjs 2>&1) || { echo "$BUILD_LOG"; echo "extension build failed"; exit 1; }
  EXT="$RUN/ext/medad.medad-vscode-0.1.0"
  mkdir -p "$EXT" && cp "$ROOT/packages/vscode-ext/package.json" "$EXT/" && cp -r "$ROOT/packages/vscode-ext/dist" "$EXT/"
  # vscode-languageclient is bundled; nothing else to install
fi

# 2. the workspace (fresh each run, so runs/ from earlier runs do not leak in)
WS="$RUN/ws"
node --conditions=@medad/source --import tsx "$ROOT/tools/e2e/make-workspace.ts" "$WS"

# 3. settings: where the daemon is (a vsix: its own dist/daemon/main.js, the setting left empty)
if [ -n "${E2E_VSIX:-}" ]; then
  DAEMON=""; EXECARGV='[]'
elif [ "${E2E_DAEMON:-source}" = dist ]; then
  DAEMON="$ROOT/packages/daemon/dist/main.js"; EXECARGV='[]'
else
  DAEMON="$ROOT/packages/daemon/src/main.ts"
  EXECARGV="[\"--conditions=@medad/source\", \"--import\", \"file://$ROOT/node_modules/tsx/dist/loader.mjs\"]"
fi
cat > "$RUN/ud/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "editor.codeLens": true,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "medad.daemon.path": "$DAEMON",
  "medad.daemon.execArgv": $EXECARGV,
  "medad.backend": "${E2E_BACKEND:-auto}"
}
JSON

export XDG_CONFIG_HOME="$RUN/cfg" XDG_DATA_HOME="$RUN/cfg/data"   # keep code-server's config.yaml out of ~
# setsid: own process group, so the trap also stops the extension host, the daemon and the file watcher
setsid "$CS_DIR/node_modules/.bin/code-server" --auth none --bind-addr 127.0.0.1:0 \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --extensions-dir "$RUN/ext" --user-data-dir "$RUN/ud" "$WS" > "$RUN/cs.log" 2>&1 &
CS=$!
TEST=
# every command in the trap tolerates a process that is already gone: under `set -e` a failing `kill` in the EXIT
# trap would turn a passing run's exit status into 1
stop_server() { kill -- -"$CS" 2>/dev/null || true; wait "$CS" 2>/dev/null || true; }
trap '[ -n "$TEST" ] && { kill "$TEST" 2>/dev/null || true; }; stop_server' EXIT
trap 'exit 130' INT TERM HUP   # so that the EXIT trap also runs when this script is killed
URL=
for _ in $(seq 1 200); do
  URL=$(sed -n 's#.*HTTP server listening on \(http://[0-9.:]*\)/.*#\1#p' "$RUN/cs.log" | head -1)
  [ -n "$URL" ] && break; sleep 0.1
done
[ -n "$URL" ] || { cat "$RUN/cs.log"; exit 1; }
echo "code-server at $URL (logs in $RUN)"
set +e
# bounded: a hung browser or server must not eat the CI budget
timeout -k 10 "${E2E_TIMEOUT:-600}" node "$ROOT/tools/e2e/e2e.mjs" "$URL" "$WS" "$D/artifacts" &
TEST=$!; wait "$TEST"; RC=$?; TEST=
[ "$RC" = 124 ] && echo "e2e timed out after ${E2E_TIMEOUT:-600} s"
if [ "$RC" != 0 ]; then echo "---- code-server log (tail)"; tail -n 40 "$RUN/cs.log"; fi
set -e
# the extension's output channel (daemon stderr included) is written by VS Code under the user-data dir
find "$RUN/ud/logs" -name '*medad*' -exec cp {} "$D/artifacts/" \; 2>/dev/null || true
if [ "$RC" != 0 ]; then
  echo "---- medad log (tail, Dawn's Vulkan warnings left out)"
  cat "$D"/artifacts/*medad*.log 2>/dev/null | grep -v -e Vulkan -e BackendVk -e '^\s*$' | tail -n 25 || true
fi
# keep the run folder (logs, workspace) only when something failed or E2E_KEEP is set
[ "$RC" != 0 ] || [ -n "${E2E_KEEP:-}" ] || { stop_server; rm -rf "$RUN"; }
echo "TOTAL $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s (rc $RC)"
exit $RC
