#!/usr/bin/env bash
# Installs the Debian packages that the golden-value scripts use (packages/*/test/**/golden*.py, make_*.py,
# tools/bench/*.py): scikit-learn, SciPy, PyTorch, pydicom, Pillow, matplotlib, and dcmtk / gdcm for the DICOM
# fixtures. Tests only read the recorded goldens, so `npm test` never needs these; run this before regenerating a
# golden (as root; the scripts use /usr/bin/python3).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=apt-install.sh
. "$HERE/apt-install.sh"
missing python3-numpy python3-sklearn python3-scipy python3-torch python3-pydicom python3-pil python3-matplotlib dcmtk libgdcm-tools || exit 0
need_root "the golden scripts" python3-numpy python3-sklearn python3-scipy python3-torch python3-pydicom python3-pil python3-matplotlib dcmtk libgdcm-tools
apt-get -o DPkg::Lock::Timeout=900 update -qq
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends python3-numpy python3-sklearn python3-scipy python3-torch python3-pydicom python3-pil python3-matplotlib dcmtk libgdcm-tools >&2
