#!/usr/bin/env bash
# Run THERE (the GPU machine), from the repository root: copies .gpu/ to a scratch folder, unpacks node, Dawn and
# the Vulkan loader there (so .gpu/ stays small enough to carry again, and nothing system-wide is touched), then
# runs the check. Arguments go to check.mjs (--quick, --steps N, --batch B, --score-batch N).
# The JSON summary goes to stdout and to $OUT/gpu-check.json (or .gpu-check.json in the scratch folder); then
# ../shared/bench/torch_ae.py (copied in by prepare.sh) runs on CUDA at batches 16, 64 and 256 if python3 has CUDA
# torch, one JSON line each, also in $OUT/torch-cuda.jsonl.
set -euo pipefail
W=${MEDAD_GPU_WORK:-${TMPDIR:-/tmp}/medad-gpu}
mkdir -p "$W"
cp -r .gpu/. "$W/"
[ -x "$W/node" ] || { xz -dc "$W/node.xz" > "$W/node"; chmod +x "$W/node"; }
D="$W/node_modules/webgpu/dist/linux-x64"
[ -f "$D/dawn.node" ] || { mkdir -p "$D"; xz -dc "$W/dawn.node.xz" > "$D/dawn.node"; }
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  mkdir -p "$W/vk"
  for f in "$W"/deb/*.deb; do dpkg -x "$f" "$W/vk"; done
  export LD_LIBRARY_PATH="$W/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$ICD" ]; then export VK_DRIVER_FILES=$ICD; fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true
export MEDAD_WASM_DIR="$W/wasm"
status=0
"$W/node" "$W/check.mjs" "$@" --out "${OUT:-$W}/gpu-check.json" || status=$?
# PyTorch CUDA on the same machine, in the same call (the yardstick of issue 9): the AE at the detector's batch sizes.
if [ -f "$W/torch_ae.py" ] && python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  for b in 16 64 256; do python3 "$W/torch_ae.py" cuda 20 "$b"; done | tee "${OUT:-$W}/torch-cuda.jsonl"
else
  echo '{"torch": "not run: no python3 with CUDA torch, or torch_ae.py missing from .gpu"}' | tee "${OUT:-$W}/torch-cuda.jsonl"
fi
exit $status
