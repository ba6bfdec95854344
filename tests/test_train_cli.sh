#!/usr/bin/env bash
# test_train_cli.sh — embody train / eval end to end: bit-exact resume (both effectors),
# signal handling, transfer into a COBFGR-shaped network, bad input, and learning.
# usage: test_train_cli.sh <embody> <source dir>
set -u
EMB=$1
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0
passes=0
pass() { echo "ok   - $1"; passes=$((passes + 1)); }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
expect_status() { # expected-status description command...
  local want=$1 what=$2; shift 2
  "$@" > "$W/out.txt" 2>&1; local got=$?
  if [ "$got" = "$want" ]; then pass "$what (exit $got)"; else fail "$what: exit $got, wanted $want"; cat "$W/out.txt"; fi
}
small="--epochs 6 --batch-size 8 --save-every 2 --quiet"

# ---- resume: 3 epochs + resume + 3 epochs == 6 straight, bit for bit (both effectors)
for eff in point-mass arm; do
  $EMB train --effector $eff --task COBFGR $small --hidden-sizes 16 8 --out "$W/straight-$eff" || fail "straight $eff"
  expect_status 3 "$eff: --stop-after 3 stops with status 3" \
    $EMB train --effector $eff --task COBFGR $small --hidden-sizes 16 8 --out "$W/split-$eff" --stop-after 3
  $EMB train --resume "$W/split-$eff" --quiet || fail "resume $eff"
  if cmp -s "$W/straight-$eff/curve.csv" "$W/split-$eff/curve.csv"; then pass "$eff: resumed curve.csv identical"
  else fail "$eff: curves differ"; diff "$W/straight-$eff/curve.csv" "$W/split-$eff/curve.csv" | head; fi
  $EMB eval "$W/straight-$eff" --deterministic --episodes 3 --out "$W/e1-$eff" > /dev/null
  $EMB eval "$W/split-$eff" --deterministic --episodes 3 --out "$W/e2-$eff" > /dev/null
  if cmp -s "$W/e1-$eff/trajectories.csv" "$W/e2-$eff/trajectories.csv"; then pass "$eff: resumed model behaves identically"
  else fail "$eff: resumed model differs"; fi
done

# ---- SIGTERM: finish the epoch, checkpoint, exit 3, resumable
$EMB train --effector point-mass --task RTR --epochs 100000 --batch-size 8 --save-every 100000 --quiet --out "$W/sig" &
pid=$!
for i in $(seq 50); do [ -s "$W/sig/curve.csv" ] && [ "$(wc -l < "$W/sig/curve.csv")" -gt 3 ] && break; sleep 0.1; done
kill -TERM $pid; wait $pid; st=$?
[ $st = 3 ] && pass "SIGTERM -> exit 3" || fail "SIGTERM gave exit $st"
[ -f "$W/sig/checkpoint.ckpt" ] && grep -q '"interrupted"' "$W/sig/progress.json" && pass "checkpoint written, progress says interrupted" || fail "no checkpoint after SIGTERM"

# ---- transfer: base with hidden 32 into a COBFGR-shaped target (hidden 128, one more input)
$EMB train --effector arm --task RTR --epochs 3 --batch-size 8 --quiet --out "$W/base" || fail "base run"
$EMB train --effector arm --task COBFGR --epochs 2 --batch-size 8 --quiet --init-from "$W/base" --out "$W/tr" || fail "transfer run"
want='"transferred": ["bg.cs.bias", "bg.loc.weight", "bg.loc.bias", "bg.scale.weight", "bg.scale.bias"]'
tr=$(tr -d '\n' < "$W/tr/config.json" | sed 's/  */ /g' | grep -o '"transferred": \[[^]]*\]' | sed 's/\[ /[/; s/ \]/]/')
[ "$tr" = "$want" ] && pass "exactly the tensors whose shapes fit were transferred" || fail "transferred list: $tr"
grep -q '"reason": "shape' "$W/tr/config.json" && grep -q "not transferred gru.weight_ih" "$W/tr/log.txt" \
  && pass "config.json and log.txt say why the others were not" || fail "no reasons for non-transferred tensors"
first=$(awk -F, '$10=="transfer"{print $1; exit}' "$W/tr/curve.csv")
nbase=$(grep -c ',base$' "$W/tr/curve.csv")
[ "$first" = "3" ] && [ "$nbase" = "3" ] && pass "epochs continue from the base (first transfer epoch 3, 3 base rows)" \
  || fail "transfer curve: first transfer epoch '$first', base rows $nbase"

# ---- bad input: clear message, non-zero exit, nothing overwritten
expect_status 2 "unknown task" $EMB train --effector arm --task FLY --out "$W/x1"
grep -q "unknown task 'FLY'" "$W/out.txt" || fail "message for unknown task"
expect_status 2 "unknown effector" $EMB train --effector tentacle --task RTR --out "$W/x2"
expect_status 2 "zero batch size" $EMB train --effector arm --task RTR --batch-size 0 --out "$W/x3"
grep -q "batch_size must be positive" "$W/out.txt" || fail "message for zero batch"
expect_status 2 "negative hidden size" $EMB train --effector arm --task RTR --hidden-sizes -4 16 --out "$W/x4"
echo '{"effector": "arm", "task": "RTR", "lr": "fast"}' > "$W/bad.json"
expect_status 2 "config file with a wrong type" $EMB train --config "$W/bad.json" --out "$W/x5"
grep -q "key 'lr' expects a number, got string" "$W/out.txt" || fail "message for wrong type"
echo '{"effector": "arm", "task": ' > "$W/broken.json"
expect_status 2 "config file that is not JSON" $EMB train --config "$W/broken.json" --out "$W/x6"
mkdir -p "$W/ro" && chmod 555 "$W/ro"
if [ "$(id -u)" = 0 ]; then
  expect_status 2 "unwritable output dir" $EMB train --effector arm --task RTR --out /proc/embody-run
else
  expect_status 2 "unwritable output dir" $EMB train --effector arm --task RTR --out "$W/ro/run"
fi
before=$(md5sum "$W/base/config.json" "$W/base/final.ckpt")
expect_status 2 "existing run dir refused" $EMB train --effector arm --task RTR --epochs 3 --out "$W/base"
[ "$before" = "$(md5sum "$W/base/config.json" "$W/base/final.ckpt")" ] && pass "nothing overwritten" || fail "existing run modified"
expect_status 2 "resume with a conflicting configuration" $EMB train --resume "$W/sig" --lr 0.5
grep -q "lr (0.001 -> 0.5)" "$W/out.txt" || fail "the differing key is not named"
cp -r "$W/sig" "$W/corrupt"
size=$(stat -c %s "$W/corrupt/checkpoint.ckpt")
printf '\x55' | dd of="$W/corrupt/checkpoint.ckpt" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect_status 2 "checkpoint with one flipped byte refused" $EMB train --resume "$W/corrupt" --quiet
grep -qi "crc" "$W/out.txt" || fail "CRC not named in the message"
cp -r "$W/sig" "$W/trunc" && truncate -s $((size - 100)) "$W/trunc/checkpoint.ckpt"
expect_status 2 "truncated checkpoint refused" $EMB train --resume "$W/trunc" --quiet
expect_status 2 "eval of a missing run" $EMB eval "$W/nothing"
expect_status 2 "eval on a task with another observation size" $EMB eval "$W/base" --task COBFGR

# ---- non-finite loss: clear error, exit 1, the last good checkpoint kept and valid
expect_status 1 "non-finite loss stops the run" $EMB train --effector point-mass --task RTR --epochs 30 --batch-size 8 \
  --lr 1e12 --max-grad-norm 1e30 --save-every 1 --quiet --out "$W/nan"
grep -q "not finite" "$W/out.txt" && grep -q '"failed"' "$W/nan/progress.json" && grep -q "FAILED" "$W/nan/log.txt" \
  && pass "non-finite loss reported in the message, progress.json and log.txt" || fail "non-finite loss not reported"
$EMB eval "$W/nan" --episodes 2 > /dev/null 2>&1 && pass "the last good checkpoint is still readable" || fail "checkpoint after failure unreadable"

# ---- gradcheck from the command line (runs the double-precision build)
if $EMB gradcheck --effector arm --task JTR > "$W/gc.txt" 2>&1 && grep -q "^relative error " "$W/gc.txt" \
   && grep -q "goal jumps/switches/hits [1-9]" "$W/gc.txt"; then pass "embody gradcheck prints the relative error and events"
else fail "embody gradcheck"; cat "$W/gc.txt"; fi
expect_status 2 "gradcheck with an unknown task" $EMB gradcheck --effector arm --task FLY

# ---- learning: a short RTR run lifts tar_frac of its last 20 epochs >= 0.1 above its first 20
$EMB train --effector point-mass --task RTR --epochs 200 --quiet --out "$W/learn" || fail "learning run"
awk -F, 'NR>1{t[NR-1]=$7; n=NR-1} END{for(i=1;i<=20;i++){a+=t[i]; b+=t[n-20+i]}; a/=20; b/=20;
  printf "first-20 mean tar_frac %.4f, last-20 mean %.4f, lift %.4f\n", a, b, b-a; exit !(b-a>=0.1)}' "$W/learn/curve.csv" \
  && pass "learning lift >= 0.1" || fail "no learning"

echo "$passes passed, $fails failed"
[ $fails = 0 ]
