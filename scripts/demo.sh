#!/usr/bin/env bash
# demo.sh — `make demo`: the whole study at demo size (profile demo: shortened epochs,
# NOT the paper's presets): both effectors, all six tasks, one seed = 72 runs, on every
# core, into ./demo/grid; then `embody eval` of the twelve no-transfer runs into
# runs/<id>/eval/, then `embody analyze` of the grid into demo/grid/report.
# Rerunning continues where it stopped (finished runs are kept).
# Usage: scripts/demo.sh [path of embody]   (DEMO_DIR overrides ./demo/grid)
set -euo pipefail
EMB=${1:-build/embody}
G=${DEMO_DIR:-demo/grid}
[ -x "$EMB" ] || { echo "demo: $EMB is not an executable (run make build first)" >&2; exit 2; }

echo "== embody demo: training the grid in $G (profile demo: shortened, not the paper's presets)"
start=$SECONDS
rc=0
"$EMB" grid run "$G" --profile demo --effectors point-mass,arm \
  --tasks RTR,COR,COBJGR,COBFGR,DCOR,JTR --seed-list 0 --jobs "$(nproc)" || rc=$?
if [ $rc -eq 3 ]; then
  echo "demo: interrupted; run 'make demo' again to continue" >&2
  exit 3
fi
echo "== grid finished in $((SECONDS - start)) s (exit $rc)"

echo "== evaluating the no-transfer runs"
for d in "$G"/runs/*; do
  id=${d##*/}
  case $id in *-to-*) continue;; esac
  [ -f "$d/final.ckpt" ] || { echo "demo: $id did not finish; not evaluated" >&2; continue; }
  [ -d "$d/eval" ] && [ -n "$(ls -A "$d/eval")" ] && continue # evaluated before
  "$EMB" eval "$d" --out "$d/eval" > "$d/eval.log" 2>&1 || { echo "demo: eval of $id failed (see $d/eval.log)" >&2; rc=1; }
done

echo "== analysing the grid"
"$EMB" analyze "$G" --out "$G/report" || rc=$?
echo "== total $((SECONDS - start)) s. The report: $G/report/index.html (tables and figures in $G/report/)"
exit $rc
