#!/usr/bin/env bash
# test_grid_local.sh — a small grid run locally with 2 train processes survives
# interruption: SIGINT stops it cleanly (exit 3, checkpoints kept); SIGKILL of the grid
# process leaves no orphan training (each train process checkpoints on its parent's
# death); rerunning the same command finishes every run without retraining a finished
# one (same final.ckpt inode and mtime) and resumes the interrupted ones from their
# checkpoints (train --resume, complete curves without duplicate epochs).
# Usage: bash test_grid_local.sh <embody> <source dir>   (EMBODY_EXE may replace train)
set -euo pipefail
EMB=$1
source "$2/tests/grid_common.sh"
T=$(mktemp -d /tmp/emb_grid_local.XXXXXX)
GP=
cleanup() { [ -n "$GP" ] && kill -9 "$GP" 2>/dev/null; wait_until 30 locks_free "$T/g" || true; rm -rf "$T"; }
trap cleanup EXIT
G=$T/g
EPOCHS=${GRID_TEST_EPOCHS:-1500} # ~3 ms per epoch at batch 8: a few seconds per run
ARGS=(--effectors point-mass --tasks RTR,COR --seed-list 0 --profile demo
      --epochs "$EPOCHS" --batch-size 8 --save-every 50 --jobs 2)
N_RUNS=4

partial_runs() { # runs with a checkpoint but no final model
  local d
  for d in "$G"/runs/*; do
    [ -f "$d/checkpoint.ckpt" ] && [ ! -f "$d/final.ckpt" ] && echo "${d##*/}"
  done
  return 0
}
n_final() { ls "$G"/runs/*/final.ckpt 2>/dev/null | wc -l; }
some_partial() { [ -n "$(partial_runs)" ]; }
done_and_partial() { [ "$(n_final)" -ge 1 ] && some_partial; }

# 1. Ctrl-C: the grid forwards it, each train process checkpoints, exit status 3
"$EMB" grid run "$G" "${ARGS[@]}" > "$T/run1.out" 2>&1 &
GP=$!
wait_until 60 some_partial || { cat "$T/run1.out"; fail "no checkpoint appeared within 60 s"; }
kill -INT "$GP"
rc=0; wait "$GP" || rc=$?; GP=
[ $rc -eq 3 ] || { cat "$T/run1.out"; fail "grid after SIGINT: exit $rc, expected 3"; }
grep -q "Continue with: embody grid run $G" "$T/run1.out" || { cat "$T/run1.out"; fail "no 'Continue with' message"; }
locks_free "$G" || fail "train processes still running after the grid exited"
[ "$(n_final)" -lt $N_RUNS ] || fail "grid finished before the interrupt; make the runs longer"
note "SIGINT: exit 3, $(partial_runs | wc -l) run(s) checkpointed, $(n_final) done"

# 2. rerun, then SIGKILL the grid once a run is done and another is half-way
"$EMB" grid run "$G" "${ARGS[@]}" > "$T/run2.out" 2>&1 &
GP=$!
wait_until 120 done_and_partial || { cat "$T/run2.out"; fail "no finished + half-way run within 120 s"; }
kill -9 "$GP"; wait "$GP" 2>/dev/null || true; GP=
# its train processes get SIGTERM (parent death), checkpoint and exit
wait_until 60 locks_free "$G" || fail "train processes still hold their locks 60 s after SIGKILL"
declare -A STAMP
for f in "$G"/runs/*/final.ckpt; do d=${f%/final.ckpt}; STAMP[${d##*/}]=$(stat -c '%i %y' "$f"); done
INTERRUPTED=$(partial_runs)
[ -n "$INTERRUPTED" ] || fail "no interrupted run after SIGKILL"
[ ${#STAMP[@]} -ge 1 ] || fail "no finished run before SIGKILL"
st=0; "$EMB" grid status "$G" > "$T/status1.out" || st=$?
[ $st -eq 1 ] || { cat "$T/status1.out"; fail "status of an unfinished grid: exit $st, expected 1"; }
for r in $INTERRUPTED; do
  grep -q "$r *interrupted" "$T/status1.out" || { cat "$T/status1.out"; fail "status does not show $r interrupted"; }
done
note "SIGKILL: finished ${!STAMP[*]}; interrupted: $(echo $INTERRUPTED)"

# 3. rerun the same command: everything completes
rc=0; "$EMB" grid run "$G" "${ARGS[@]}" > "$T/run3.out" 2>&1 || rc=$?
[ $rc -eq 0 ] || { cat "$T/run3.out"; fail "final rerun: exit $rc"; }
for r in "${!STAMP[@]}"; do # finished runs were not touched
  [ "$(stat -c '%i %y' "$G/runs/$r/final.ckpt")" = "${STAMP[$r]}" ] || fail "$r was retrained"
  grep -Eq "(start|resume) +$r\$" "$T/run3.out" && fail "$r was started again"
done
for r in $INTERRUPTED; do # interrupted runs resumed from their checkpoint
  grep -Eq "resume +$r\$" "$T/run3.out" || { cat "$T/run3.out"; fail "$r was not resumed"; }
  tail -1 "$G/logs/$r.log" >/dev/null
  grep -q -- "train --resume $G/runs/$r" "$G/logs/$r.log" || fail "$r: no 'train --resume' in its log"
done
for d in "$G"/runs/*; do
  [ -f "$d/final.ckpt" ] || fail "${d##*/} has no final.ckpt"
  rows=$(own_rows "$d/curve.csv")
  [ "$rows" -eq "$EPOCHS" ] || fail "${d##*/}: curve.csv has $rows own epochs, expected $EPOCHS"
  dups=$(tail -n +2 "$d/curve.csv" | cut -d, -f1 | sort | uniq -d | wc -l)
  [ "$dups" -eq 0 ] || fail "${d##*/}: curve.csv repeats $dups epoch(s)"
done
[ "$(ls -d "$G"/runs/* | wc -l)" -eq $N_RUNS ] || fail "expected $N_RUNS run directories"
"$EMB" grid status "$G" > "$T/status2.out" || { cat "$T/status2.out"; fail "status after completion is not 0"; }
grep -q "$N_RUNS runs: $N_RUNS done" "$T/status2.out" || fail "status summary wrong"
note "rerun: all $N_RUNS runs done; ${#STAMP[@]} finished run(s) untouched; resumed: $(echo $INTERRUPTED)"
echo "PASS"
