#!/usr/bin/env bash
# test_grid_fail.sh — one run of a grid fails (its request file is corrupted): the grid
# records the error (runs/<id>/error.txt with train's message), finishes every other run,
# reports the failed run's transfers as blocked and exits 1; `grid status` says the same.
# Then: a changed plan is refused with the differences named, --replan replaces it
# keeping the unchanged finished runs, and bad usage gets exit 2.
# Usage: bash test_grid_fail.sh <embody> <source dir>   (EMBODY_EXE may replace train)
set -euo pipefail
EMB=$1
source "$2/tests/grid_common.sh"
T=$(mktemp -d /tmp/emb_grid_fail.XXXXXX)
trap 'rm -rf "$T"' EXIT
G=$T/g
ARGS=(--effectors point-mass --tasks RTR,COR,JTR --seed-list 3 --profile demo --epochs 4
      --batch-size 8)
BAD=point-mass__COR__s3

"$EMB" grid plan "$G" "${ARGS[@]}" > "$T/plan.out"
[ "$(jq -r '.runs | length' "$G/plan.json" 2>/dev/null || grep -c '"kind"' "$G/plan.json")" -eq 9 ] \
  || fail "plan.json should list 9 runs"
echo '{"effector": "point-mass", "task": ' > "$G/requests/$BAD.json" # truncated JSON

rc=0; "$EMB" grid run "$G" --jobs 2 > "$T/run.out" 2>&1 || rc=$?
[ $rc -eq 1 ] || { cat "$T/run.out"; fail "grid with a failed run: exit $rc, expected 1"; }
grep -q "FAILED *$BAD" "$T/run.out" || { cat "$T/run.out"; fail "the failure was not reported"; }
grep -q "6/9 runs done, 1 failed, 2 blocked" "$T/run.out" || { cat "$T/run.out"; fail "wrong summary"; }
E=$G/runs/$BAD/error.txt
[ -f "$E" ] || fail "no $E"
head -1 "$E" | grep -q "exit status 2 (bad input)" || { cat "$E"; fail "error.txt does not give the exit status"; }
grep -q "requests/$BAD.json" "$E" || { cat "$E"; fail "error.txt lacks train's message naming the file"; }

st=0; "$EMB" grid status "$G" > "$T/status.out" || st=$?
[ $st -eq 1 ] || fail "status with a failed run: exit $st, expected 1"
grep -Eq "$BAD +failed .*exit status 2" "$T/status.out" || { cat "$T/status.out"; fail "status: $BAD not failed"; }
for b in point-mass__COR-to-RTR__s3 point-mass__COR-to-JTR__s3; do
  grep -Eq "$b +blocked .*base $BAD" "$T/status.out" || { cat "$T/status.out"; fail "status: $b not blocked"; }
  [ ! -e "$G/runs/$b" ] || fail "$b was started although its base failed"
done
for r in point-mass__RTR__s3 point-mass__JTR__s3 point-mass__RTR-to-COR__s3 \
         point-mass__RTR-to-JTR__s3 point-mass__JTR-to-RTR__s3 point-mass__JTR-to-COR__s3; do
  [ -f "$G/runs/$r/final.ckpt" ] || fail "$r did not finish"
  grep -Eq "$r +done" "$T/status.out" || fail "status: $r not done"
done
note "failure: $BAD failed (exit 2), 2 transfers blocked, 6 runs done; grid exit 1"

# a changed plan is refused, naming what differs; nothing is touched
before=$(stat -c '%i %y' "$G/runs/point-mass__RTR__s3/final.ckpt")
rc=0; "$EMB" grid run "$G" --effectors point-mass --tasks RTR,COR,JTR --seed-list 3 \
  --profile demo --epochs 5 --batch-size 8 > "$T/changed.out" 2>&1 || rc=$?
[ $rc -eq 2 ] || { cat "$T/changed.out"; fail "changed plan: exit $rc, expected 2"; }
grep -q 'train_overrides: plan has {"batch_size":8,"epochs":4}, command gives {"batch_size":8,"epochs":5}' \
  "$T/changed.out" || { cat "$T/changed.out"; fail "refusal does not name the difference"; }
grep -q -- "--replan" "$T/changed.out" || fail "refusal does not mention --replan"
[ "$(stat -c '%i %y' "$G/runs/point-mass__RTR__s3/final.ckpt")" = "$before" ] || fail "refusal touched a run"

# --replan with fewer tasks: unchanged finished runs stay, dropped runs move to replaced/
rc=0; "$EMB" grid run "$G" --effectors point-mass --tasks RTR,JTR --seed-list 3 --profile demo \
  --epochs 4 --batch-size 8 --replan --jobs 2 > "$T/replan.out" 2>&1 || rc=$?
[ $rc -eq 0 ] || { cat "$T/replan.out"; fail "replan: exit $rc"; }
[ "$(stat -c '%i %y' "$G/runs/point-mass__RTR__s3/final.ckpt")" = "$before" ] || fail "replan retrained an unchanged run"
grep -Eq "(start|resume) " "$T/replan.out" && { cat "$T/replan.out"; fail "replan started a run though all were done"; }
ls -d "$G"/replaced/*/point-mass__COR__s3 >/dev/null 2>&1 || fail "dropped run not moved to replaced/"
[ ! -e "$G/runs/point-mass__RTR-to-COR__s3" ] || fail "dropped run still in runs/"
"$EMB" grid status "$G" > /dev/null || fail "status after replan should be 0 (all done)"
note "plan change refused (exit 2, differences named); --replan kept the finished runs"

# bad usage: exit 2 with a message
for bad in "grid run $G --jobs 0" "grid run $G --tasks RTR,NOPE" "grid run $G --epochs x" \
           "grid status $T/nowhere" "grid worker $G --index 99" "grid frob $G" "grid run"; do
  rc=0; $EMB $bad > "$T/bad.out" 2>&1 || rc=$?
  [ $rc -eq 2 ] || { cat "$T/bad.out"; fail "'embody $bad': exit $rc, expected 2"; }
  [ -s "$T/bad.out" ] || fail "'embody $bad' printed no message"
done
note "bad usage: 7 cases exit 2 with a message"
echo "PASS"
