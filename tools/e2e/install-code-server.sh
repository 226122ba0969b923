#!/usr/bin/env bash
# Offline (npm registry + Debian apt only) install of code-server 4.99.4 (VS Code 1.99.3)
# + playwright-core driving Debian's Chromium. Idempotent: re-running skips finished steps.
#
#   bash tools/e2e/install-code-server.sh          # installs into <repo>/.e2e (gitignored)
#   E2E_DIR=/elsewhere bash tools/e2e/install-code-server.sh
#
# No GitHub access is needed: every "download a prebuilt binary" step is skipped
# (--ignore-scripts) and replaced by a local node-gyp build or Debian's ripgrep.
set -euo pipefail

CS_VERSION=${CS_VERSION:-4.99.4}          # last line that accepts Node 20 (4.100+ wants Node 22, 4.139 Node 24)
PWC_VERSION=${PWC_VERSION:-1.65.1}        # playwright-core (no browser download; we use /usr/bin/chromium)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E_DIR=$(realpath -m "${E2E_DIR:-$ROOT/.e2e}")
CS_DIR=$(realpath -m "${CS_DIR:-$E2E_DIR/cs}")
PW_DIR=$(realpath -m "${PW_DIR:-$E2E_DIR/pw}")
export JOBS=${JOBS:-$(nproc)}             # node-gyp parallel make
T0=$(date +%s)
step() { echo "== [$(( $(date +%s) - T0 ))s] $*"; }

# ---------------------------------------------------------------- 1. apt
PKGS="chromium ripgrep build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev"
MISSING=$(for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$MISSING" ]; then
  step "apt-get install $MISSING"
  apt-get -o DPkg::Lock::Timeout=900 update -qq   # a fresh machine may have no package lists yet
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends $MISSING
fi

# ---------------------------------------------------------------- 2. node / node-gyp headers
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" = 20 ] || { echo "code-server $CS_VERSION needs Node 20 (have $(node -v))"; exit 1; }
# node-gyp must NOT download headers from nodejs.org: point it at the local Node install's headers.
NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
[ -f "$NODE_PREFIX/include/node/node.h" ] || { echo "no Node headers in $NODE_PREFIX/include/node (install nodejs headers)"; exit 1; }
export npm_config_nodedir="$NODE_PREFIX"
NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$NODE_GYP" ] || NODE_GYP=$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js")
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# ---------------------------------------------------------------- 3. code-server package (no scripts)
mkdir -p "$CS_DIR"; cd "$CS_DIR"
[ -f package.json ] || echo '{"name":"cs-local","private":true}' > package.json
if [ "$(node -p "try{require('./node_modules/code-server/package.json').version}catch{''}")" != "$CS_VERSION" ]; then
  step "npm install --ignore-scripts code-server@$CS_VERSION"
  npm install --ignore-scripts "code-server@$CS_VERSION"
fi
CS_PKG="$CS_DIR/node_modules/code-server"
VS="$CS_PKG/lib/vscode"

# argon2 (required at startup even with --auth none). build_from_source=true makes node-pre-gyp
# skip its GitHub prebuilt download and compile directly (else: ENOTFOUND, then fallback build).
if ! ls node_modules/argon2/lib/binding/*/argon2.node >/dev/null 2>&1; then
  step "build argon2"
  npm_config_build_from_source=true npm rebuild --foreground-scripts argon2
fi

# ---------------------------------------------------------------- 4. lib/vscode deps (what postinstall.sh would do)
cd "$VS"
if [ ! -d node_modules/@vscode/spdlog ]; then
  step "npm install --ignore-scripts --omit=dev in lib/vscode"
  npm install --ignore-scripts --omit=dev
fi
# native modules that ship no linux prebuilt: build locally
need=()
[ -f node_modules/kerberos/build/Release/kerberos.node ]          || need+=(kerberos)   # prebuild-install (GitHub) skipped by build_from_source -> node-gyp
[ -f node_modules/@vscode/spdlog/build/Release/spdlog.node ]      || need+=(@vscode/spdlog)
[ -f node_modules/native-watchdog/build/Release/watchdog.node ]   || need+=(native-watchdog)
if [ ${#need[@]} -gt 0 ]; then
  step "npm rebuild ${need[*]}"
  npm_config_build_from_source=true npm rebuild --foreground-scripts "${need[@]}"
fi
# node-pty: its postinstall runs `npx node-gyp configure -f compile_commands_json` (fails offline /
# with npm yes=false) -> call node-gyp directly instead of `npm rebuild node-pty`.
if [ ! -f node_modules/node-pty/build/Release/pty.node ]; then
  step "node-gyp rebuild node-pty"
  (cd node_modules/node-pty && node "$NODE_GYP" rebuild)
fi
# @vscode/deviceid, @vscode/windows-*: Windows-only natives (empty targets on Linux) - skip.
# @parcel/watcher: uses the prebuilt optional dep @parcel/watcher-linux-x64-glibc (from npm) - nothing to do.

# ripgrep: @vscode/ripgrep's postinstall downloads from GitHub -> use Debian's rg
if [ ! -x node_modules/@vscode/ripgrep/bin/rg ]; then
  step "place /usr/bin/rg"
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
fi

# symlinks made by code-server's postinstall.sh
ln -sfn node_modules node_modules.asar
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh

# built-in extensions' shared deps (typescript) + their postinstall (pure node, prunes typescript)
cd "$VS/extensions"
if [ ! -f node_modules/typescript/lib/typescript.js ]; then
  step "npm install --ignore-scripts --omit=dev in lib/vscode/extensions"
  npm install --ignore-scripts --omit=dev
  node postinstall.mjs >/dev/null
fi

# ---------------------------------------------------------------- 5. playwright-core (no browser download)
mkdir -p "$PW_DIR"; cd "$PW_DIR"
[ -f package.json ] || echo '{"name":"cs-e2e-pw","private":true,"type":"module"}' > package.json
if [ "$(node -p "try{require('./node_modules/playwright-core/package.json').version}catch{''}")" != "$PWC_VERSION" ]; then
  step "npm install playwright-core@$PWC_VERSION"
  npm install "playwright-core@$PWC_VERSION"
fi

# ---------------------------------------------------------------- 6. verify
step "verify"
cd "$VS"
node -e 'for (const m of ["kerberos","@vscode/spdlog","@vscode/deviceid","native-watchdog","node-pty","@parcel/watcher"]) require(m); console.log("native modules load OK")'
(cd "$CS_DIR" && node -e 'require("argon2"); console.log("argon2 OK")')
node_modules/@vscode/ripgrep/bin/rg --version | sed -n 1p
TMPC=$(mktemp -d)
XDG_CONFIG_HOME="$TMPC" "$CS_DIR/node_modules/.bin/code-server" --version 2>/dev/null | tail -1   # XDG_CONFIG_HOME: else it writes ~/.config/code-server/config.yaml
rm -rf "$TMPC"
/usr/bin/chromium --version 2>/dev/null
step "done. Install size: $(du -sh "$CS_DIR" | cut -f1) (code-server), $(du -sh "$PW_DIR" | cut -f1) (playwright-core)"
