# Sourced by system-deps.sh and golden-deps.sh (not run on its own).
export DEBIAN_FRONTEND=noninteractive

# Sets MISSING to the packages not installed; returns 1 when none is missing.
missing() {
  MISSING=$(for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done | tr '\n' ' ')
  [ -n "${MISSING// /}" ]
}

# Exits with the apt-get line to run when this machine cannot install (no apt-get, or not root).
need_root() {
  local who=$1
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who need these Debian packages, and this machine has no apt-get: $MISSING" >&2
    exit 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "$who need these Debian packages: $MISSING" >&2
    echo "install them with:  sudo apt-get install -y --no-install-recommends $*" >&2
    exit 1
  fi
}
