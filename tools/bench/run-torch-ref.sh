#!/usr/bin/env bash
# The PyTorch reference (../shared/bench/ref_ae.py) at medad's reduced step budget, for a like-for-like row in
# docs/results.md. Packs each split to 64x64 arrays first (make_ref_arrays.py). One thread, CPU.
# Usage: tools/bench/run-torch-ref.sh CHEST_STEPS BUSI_STEPS   (env METHODS=ae,vae SEEDS=0)
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH=${BENCH:-../shared/bench}
DATA=${DATA:-../shared/data}
OUT=bench-results/ref
mkdir -p "$OUT"
export OMP_NUM_THREADS=1 METHODS=${METHODS:-ae,vae} SEEDS=${SEEDS:-0}
for ds in chest-xray-pneumonia busi; do
  [ -f "$OUT/$ds.npz" ] || /usr/bin/python3 "$BENCH/make_ref_arrays.py" "$DATA/$ds" "$OUT/$ds.npz"
done
# EPOCHS=0 makes MIN_STEPS the exact step count.
EPOCHS=0 MIN_STEPS=${1:-209} /usr/bin/python3 "$BENCH/ref_ae.py" cpu "$OUT/reduced.jsonl" "$OUT/chest-xray-pneumonia.npz"
EPOCHS=0 MIN_STEPS=${2:-200} /usr/bin/python3 "$BENCH/ref_ae.py" cpu "$OUT/reduced.jsonl" "$OUT/busi.npz"
