#!/usr/bin/env bash
# Trains and evaluates experiment configs one after another through the medad CLI, exactly as a user would
# (`medad train` then `medad eval`), and appends one JSON line per run to bench-results/accuracy.jsonl.
# A failed run is reported and the queue goes on with the next config.
# Usage: tools/bench/run-accuracy.sh [--eval-only] [config.medad.yaml ...]
#   default configs: every tools/bench/experiments/*-*.medad.yaml; --eval-only re-evaluates the run that the last
#   `train` of each config made (its bench-results/logs/<name>.train.json).
# Runs from source; after `npm run build`, MEDAD="node packages/core/bin/medad.js" works the same.
set -uo pipefail
cd "$(dirname "$0")/../.."
MEDAD=${MEDAD:-"node --conditions=@medad/source --import tsx packages/core/src/cli/main.ts"}
OUT=bench-results
mkdir -p "$OUT/logs"
evalOnly=0
if [ "${1:-}" = "--eval-only" ]; then evalOnly=1; shift; fi
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then configs=(tools/bench/experiments/*-*.medad.yaml); fi
failed=0
for cfg in "${configs[@]}"; do
  name=$(basename "$cfg" .medad.yaml)
  t0=$(date +%s)
  if [ $evalOnly -eq 0 ]; then
    echo "== $name: train" >&2
    if ! $MEDAD train "$cfg" --json >"$OUT/logs/$name.train.json" 2>"$OUT/logs/$name.train.err"; then
      echo "!! $name: train failed: $(tail -n 1 "$OUT/logs/$name.train.err")" >&2; failed=1; continue
    fi
  fi
  t1=$(date +%s)
  run=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runDir)' "$OUT/logs/$name.train.json") || { failed=1; continue; }
  echo "== $name: eval $run" >&2
  if ! $MEDAD eval "$run" --json >"$OUT/logs/$name.eval.json" 2>"$OUT/logs/$name.eval.err"; then
    echo "!! $name: eval failed: $(tail -n 1 "$OUT/logs/$name.eval.err")" >&2; failed=1; continue
  fi
  t2=$(date +%s)
  # Training time comes from the trainer itself (trainMs), so --eval-only keeps it; the wall times are this call's.
  node -e '
    const fs = require("fs");
    const [name, cfg, trainFile, t0, t1, t2] = process.argv.slice(1);
    const tr = JSON.parse(fs.readFileSync(trainFile, "utf8"));
    const m = JSON.parse(fs.readFileSync(tr.runDir + "/metrics.json", "utf8"));
    const v = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, e]) => [k, e.value]));
    const epochs = (() => { try { return JSON.parse(fs.readFileSync(tr.runDir + "/experiment.json", "utf8")).config.training.epochs; } catch { return undefined; } })();
    console.log(JSON.stringify({ name, config: cfg, runDir: tr.runDir, backend: tr.backend, steps: tr.steps, epochs, finalLoss: tr.finalLoss,
      trainMs: tr.durationMs, trainWallS: +t1 - +t0, evalWallS: +t2 - +t1, image: v(m.image), pixel: v(m.pixel),
      ci: Object.fromEntries(Object.entries(m.image).map(([k, e]) => [k, e.ci])), counts: m.counts,
      ...(m.variants ? { variants: Object.fromEntries(Object.entries(m.variants).map(([k, e]) => [k, { image: v(e.image), pixel: v(e.pixel), ci: e.image.auroc?.ci }])) } : {}),
      ...(tr.stages ? { stages: Object.fromEntries(Object.entries(tr.stages).map(([k, s]) => [k, Array.isArray(s) ? s.map((x) => ({ steps: x.steps, ms: x.durationMs })) : { steps: s.steps, ms: s.durationMs }])) } : {}) }));
  ' "$name" "$cfg" "$OUT/logs/$name.train.json" "$t0" "$t1" "$t2" | tee -a "$OUT/accuracy.jsonl"
done
exit $failed
